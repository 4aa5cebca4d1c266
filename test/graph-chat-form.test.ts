// Microsoft 365 in the Slack /migrate modal: the server type "Microsoft 365", the address, and an
// OAuth2 sign-in (delegated, device code) at a real authorization server (oidc-provider); the fake
// Graph accepts the issued token by introspection, as Microsoft's would, and the migration
// Graph → IMAP (Dovecot) completes. The card names Microsoft 365; nothing secret reaches Slack.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from './fakes/graph';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { DEVICE_CLIENT, startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { account } from './support/tern';
import { makeMessage, snapshotMailbox } from './support/mailbox';
import { CHANNEL, checked, everythingSent, imapFormSide, select, startSlackHarness, text, type FakeView, type SlackHarness } from './support/slack-harness';

const REQUESTER = 'U0GRAPHER';
const ANN = 'ann@m365.test';
/** SHA-256 of each message put in the Graph mailbox. */
const seeded: string[] = [];

let auth: AuthServer;
let dovecot: DovecotServer;
let redis: TestRedis;
let graph: FakeGraph;
let slack: SlackHarness;

beforeAll(async () => {
  auth = await startAuthServer();
  [dovecot, redis, graph] = await Promise.all([startDovecot('slash'), startRedis(), startFakeGraph({ users: { [ANN]: 'unused-static-token' }, introspectionUrl: auth.introspectionUrl })]);
  for (let i = 0; i < 3; i++) {
    const mime = makeMessage({ subject: `from 365 #${i}`, body: `body ${i}` });
    seeded.push(createHash('sha256').update(mime).digest('hex'));
    graph.mailbox(ANN).addMessage('Inbox', mime, { isRead: i === 0 });
  }
  slack = await startSlackHarness(redis.url);
}, 90_000);

afterAll(async () => {
  await slack?.close();
  await Promise.all([dovecot?.stop(), redis?.stop(), graph?.close()]);
  await auth?.stop();
  expect(graph?.schemaErrors ?? []).toEqual([]);
  expect(graph?.internalErrors ?? []).toEqual([]);
});

const codeIn = (s: string) => /enter the code (\S+?)[ .(]/.exec(s)?.[1];
const taskIdIn = (s: string) => /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(s)?.[0];

describe('Slack: Microsoft 365 as a side of the /migrate modal', () => {
  const openForm = async (): Promise<FakeView> => {
    const before = slack.fake.callsTo('views.open').length;
    await slack.slash(REQUESTER, '');
    const call = await slack.fake.waitFor('views.open', () => slack.fake.callsTo('views.open').length > before);
    return { ...(call.body.view as FakeView), id: call.response.view.id };
  };

  it('Graph → IMAP: the address and a sign-in, no password; the task completes and the card names Microsoft 365', async () => {
    const view = await openForm();
    expect(JSON.stringify(view.blocks!.find((b) => b.block_id === 'source.type'))).toContain('Microsoft 365');
    const res = await slack.submit(view, REQUESTER, {
      'source.type': select('graph'),
      'source.login': text(ANN),
      'source.signIn': select('other'),
      'source.issuer': text(auth.issuer),
      'source.clientId': text(DEVICE_CLIENT),
      'source.scope': text('openid offline_access mail'),
      'source.password': text(null),
      // The fake Graph stands where graph.microsoft.com would be.
      'source.host': text(graph.url),
      'source.port': text(null),
      'source.options': checked(),
      ...imapFormSide('destination', 'bob', 'bobpass', dovecot.imapPort),
      items: checked('emails'),
      notify: text(null),
    });
    expect(res.status).toBe(200);
    const codeCall = await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && !!codeIn(String(c.body.text)), 20_000);
    expect(String(codeCall.body.text)).toContain(`To sign in the source account ${ANN}, open ${auth.issuer}/device`);
    await auth.approve(codeIn(String(codeCall.body.text))!, ANN);
    const done = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && !!taskIdIn(JSON.stringify(c.body.view)), 30_000);
    const taskId = taskIdIn(JSON.stringify(done.body.view))!;
    const task = await slack.tern.waitFor(taskId);
    expect(task).toMatchObject({ status: 'completed', steps: [{ kind: 'emails', copied: 3, failed: 0 }] });
    expect(task.sourceEndpoint).toMatchObject({ protocol: 'graph', user: ANN, auth: 'oauth2' });
    const inbox = (await snapshotMailbox(account(dovecot, 'bob'))).folders.find((f) => f.path === 'INBOX')!;
    // Byte for byte (Graph gives each message as its MIME), read state carried.
    expect(inbox.messages.map((m) => m.sha256).sort()).toEqual([...seeded].sort());
    expect(inbox.messages.filter((m) => m.flags.includes('\\Seen'))).toHaveLength(1);
    // The card in the channel names the side as Microsoft 365.
    const card = await slack.fake.waitFor('chat.postMessage', (c) => c.body.channel === CHANNEL && JSON.stringify(c.body.blocks ?? '').includes(taskId));
    expect(JSON.stringify(card.body.blocks)).toContain(`${ANN} on Microsoft 365`);
    // Every Graph request of the task carried the issued token (introspected), none a static one.
    expect(graph.calls.filter((c) => c.mailbox === ANN && c.status === 401)).toEqual([]);
    expect(everythingSent(slack.fake)).not.toMatch(/access_token|refresh_token|bobpass/);
  }, 120_000);
});
