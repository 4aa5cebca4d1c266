// Notification e-mails through an SMTP server that takes only OAuth2 (XOAUTH2), as Microsoft 365's
// and Gmail's do: a real smtp-server whose onAuth checks each bearer token by introspection at a
// real authorization server (oidc-provider), and that the token is for the sender. The sender's
// token comes from the app-only access set up for its domain (tern app add).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { APP_CLIENT, APP_SECRET, INTROSPECTOR, INTROSPECTOR_SECRET, startAuthServer, type AuthServer } from './support/oidc';
import { makeMessage, seedMessage } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { loadConfig } from '../src/config';
import { until } from './support/until';

const SENDER = 'tern@example.com';
let auth: AuthServer;
let dovecot: DovecotServer;
let redis: TestRedis;
let smtp: SMTPServer;
let smtpPort: number;
const logins: Array<{ method: string; user: string; accepted: boolean }> = [];
const received: Array<{ from: string; raw: string }> = [];

async function introspect(token: string): Promise<{ active: boolean; username?: string }> {
  const res = await fetch(`${auth.issuer}/token/introspection`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${INTROSPECTOR}:${INTROSPECTOR_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  return (await res.json()) as { active: boolean; username?: string };
}

beforeAll(async () => {
  auth = await startAuthServer({ appMailbox: SENDER });
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  smtp = new SMTPServer({
    authMethods: ['XOAUTH2'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(a, _session, cb) {
      void introspect(a.accessToken ?? '').then((info) => {
        const accepted = a.method === 'XOAUTH2' && info.active && info.username === a.username;
        logins.push({ method: a.method, user: a.username ?? '', accepted });
        // As Gmail does: a refused token gets the error as JSON, and the client tries again with a fresh one.
        if (accepted) cb(null, { user: a.username });
        else cb(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } });
      }, cb);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  await seedMessage(account(dovecot, 'alice'), 'INBOX', makeMessage({ subject: 'Hello' }));
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  await auth?.stop();
});

describe('SMTP_URL with ?auth=oauth2', () => {
  let tern: TestTern;
  afterAll(() => tern?.close());

  it('logs in by XOAUTH2 with the sender domain app token, and the notifications arrive', async () => {
    tern = await startTern(redis.url, { SMTP_URL: `smtp://${encodeURIComponent(SENDER)}@127.0.0.1:${smtpPort}?auth=oauth2` });
    await tern.service.addApp({ domain: 'example.com', issuer: auth.issuer, clientId: APP_CLIENT, credential: { kind: 'secret', secret: APP_SECRET }, scope: 'mail' }, { ...tern.actor, admin: true });
    await tern.startWorker();
    const task = await migrate(tern.service, { from: imapUrl(dovecot, 'alice'), to: imapUrl(dovecot, 'bob'), notify: 'owner@elsewhere.test' }, tern.actor);
    expect((await tern.waitFor(task.id)).status).toBe('completed');
    await until('both notifications', () => received.filter((r) => r.raw.includes(task.id)).length >= 2, 15_000, 50);
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((l) => l.method === 'XOAUTH2' && l.user === SENDER && l.accepted)).toBe(true);
    expect(received.every((r) => r.from === SENDER)).toBe(true);
    for (const r of received) expect(r.raw).not.toContain(APP_SECRET);
  }, 120_000);

  it('refuses a password next to ?auth=oauth2, and an ?auth= it does not know, at start-up', () => {
    const env = (url: string) => ({ SMTP_URL: url, TERN_SECRET_KEY: Buffer.alloc(32, 1).toString('base64'), TERN_DATA_DIR: '/tmp/unused' });
    expect(() => loadConfig(env('smtp://tern%40example.com:pw@smtp.example.com:587?auth=oauth2'))).toThrow(
      'SMTP_URL: it has a password and ?auth=oauth2: the sender signs in with a token (tern login, or tern app add for its domain); remove the password.',
    );
    expect(() => loadConfig(env('smtp://tern%40example.com@smtp.example.com:587?auth=kerberos'))).toThrow('SMTP_URL: ?auth= takes oauth2 (sign in with OAuth2) or password, not "kerberos".');
    expect(loadConfig(env('smtp://tern%40example.com@smtp.office365.com:587?auth=oauth2')).smtp).toMatchObject({ url: 'smtp://smtp.office365.com:587', oauth: { user: SENDER, auth: 'oauth2', oauth: { issuer: 'microsoft' } } });
  });
});
