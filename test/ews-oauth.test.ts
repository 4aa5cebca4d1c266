// Exchange (EWS) with modern authentication: `?auth=oauth2` sends `Authorization: Bearer`, and the
// fake Exchange checks each bearer token by introspection at a real authorization server
// (oidc-provider), answering 401 to a token that is not valid, as Exchange does. The token comes
// from the app-only access set up for the mailbox's domain, or from a script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { APP_CLIENT, APP_SECRET, INTROSPECTOR, INTROSPECTOR_SECRET, startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage } from './support/mailbox';
import { startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { TernError } from '../src/errors';

const ANN = 'ann@oauth.test';
let auth: AuthServer;
let fake: FakeEws;
let redis: TestRedis;
let tern: TestTern;
const bearerSeen: string[] = [];

async function mailboxOfToken(token: string): Promise<string | undefined> {
  bearerSeen.push(token);
  const res = await fetch(`${auth.issuer}/token/introspection`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${INTROSPECTOR}:${INTROSPECTOR_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  const info = (await res.json()) as { active: boolean; username?: string; scope?: string };
  return info.active && info.scope?.split(' ').includes('mail') ? info.username : undefined;
}

beforeAll(async () => {
  auth = await startAuthServer({ appMailbox: ANN });
  [fake, redis] = await Promise.all([startFakeEws({ users: { [ANN]: 'ann-pw-unused', 'ben@oauth.test': 'ben-pw' }, bearer: mailboxOfToken }), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
}, 60_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([fake?.close(), redis?.stop()]);
  await auth?.stop();
  expect(fake?.schemaErrors ?? []).toEqual([]);
  expect(fake?.internalErrors ?? []).toEqual([]);
});

const annUrl = () => `ews+http://${encodeURIComponent(ANN)}@127.0.0.1:${fake.port}/EWS/Exchange.asmx?auth=oauth2`;
const benUrl = () => `ews+http://ben%40oauth.test:ben-pw@127.0.0.1:${fake.port}/EWS/Exchange.asmx`;

describe('EWS with ?auth=oauth2', () => {
  it("sends the domain app's token as Authorization: Bearer on every request, never the password, and the mail moves", async () => {
    fake.mailbox(ANN).addMessage('Inbox', makeMessage({ subject: 'By bearer' }), { isRead: true });
    await tern.service.addApp({ domain: 'oauth.test', issuer: auth.issuer, clientId: APP_CLIENT, credential: { kind: 'secret', secret: APP_SECRET }, scope: 'mail' }, { ...tern.actor, admin: true });
    const task = await migrate(tern.service, { from: annUrl(), to: benUrl() }, tern.actor);
    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('completed');
    expect(done.steps[0]).toMatchObject({ copied: 1, failed: 0 });
    const annCalls = fake.calls.filter((c) => c.login === ANN);
    expect(annCalls.length).toBeGreaterThan(0);
    expect(annCalls.every((c) => c.authScheme === 'Bearer' && c.status === 200)).toBe(true);
    expect(bearerSeen.length).toBeGreaterThan(0);
    expect(fake.mailbox('ben@oauth.test').items('Inbox')).toHaveLength(1);
  }, 120_000);

  it('a token the server refuses (a script gave it) is one sentence saying what to do; nothing is queued', async () => {
    const before = (await tern.service.list(tern.actor)).length;
    const err = (await migrate(tern.service, { from: annUrl(), to: benUrl(), fromAccessToken: 'not-a-token-at-all' }, tern.actor).catch((e: unknown) => e)) as TernError;
    expect(err).toBeInstanceOf(TernError);
    // The server answered 401; a given token cannot be renewed, so the sentence says what to do.
    expect(err.userMessage).toBe('Source account: The access token given for ann@oauth.test was refused (expired, or without mail access), and a given token cannot be renewed: give a fresh one, or sign in with tern login.');
    expect(err.userMessage).not.toContain('not-a-token-at-all');
    expect(bearerSeen).toContain('not-a-token-at-all');
    expect(await tern.service.list(tern.actor)).toHaveLength(before);
  });
});
