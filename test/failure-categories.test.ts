// Issue 17, outcome: the categories of failed items proven against real servers, not only on
// codes. A source Dovecot whose link is cut mid-copy for longer than the retry window ("network"),
// a source answering its reads as a throttling provider does until the window passes ("throttled
// past retries"), and an OAuth2 sign-in revoked at the real authorization server mid-run ("sign-in
// expired"). Each asserts the failed items' category and the server's words in `tern status --json`
// and the report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, withImap } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { startAnswerProxy, type AnswerProxy } from './support/answer-proxy';
import { runCli } from './support/cli-run';
import { DEVICE_CLIENT, startAuthServer, type AuthServer } from './support/oidc';
import { migrate } from '../commands/migrate';
import { cancel } from '../commands/cancel';
import { login } from '../commands/login';
import { taskText } from '../adapters/cli/render';
import { until as waitUntil } from './support/until';
import type { TaskView } from '../src/task';

let source: DovecotServer;
let destination: DovecotServer;
let redis: TestRedis;
/** One APPEND per 40 ms round trip: the copy is still going when the source goes wrong. */
let slow: LatencyProxy;
let tern: TestTern;

const poll = (what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 60_000) => waitUntil(what, fn, timeoutMs, 20);

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash'), startDovecot('slash'), startRedis()]);
  for (const user of ['nina', 'theo']) {
    await Promise.all([source.addUser(user, `${user}pass`), destination.addUser(user, `${user}pass`)]);
    await withImap(account(source, user), async (c) => {
      await c.mailboxCreate('Later');
      for (const folder of ['INBOX', 'Later']) for (let i = 0; i < 60; i++) await c.append(folder, makeMessage({ subject: `${folder} ${i}`, bodyBytes: 20_000 }), ['\\Seen']);
    });
  }
  slow = await startLatencyProxy(destination.imapPort, 40);
  // A 3-second retry window; one connection, one APPEND per round trip.
  tern = await startTern(redis.url, { TERN_RETRY_MINUTES: '0.05', TERN_CONNECTIONS_PER_ACCOUNT: '1', TERN_IMAP_PIPELINING: '0' });
  await tern.startWorker();
}, 120_000);

afterAll(async () => {
  await tern?.close();
  await slow?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

const slowTo = (user: string) => imapUrl(destination, user).replace(`:${destination.imapPort}`, `:${slow.port}`);

/** `tern status ID --json`, as a script reads it. */
async function statusJson(id: string): Promise<TaskView> {
  const shown = await runCli(['status', id, '--json'], tern.env);
  expect(shown.code, shown.stderr).not.toBe(2);
  return JSON.parse(shown.stdout) as TaskView;
}

/** The items not copied add up to what the folders did not get to, all under one category. */
function expectAllUnder(json: TaskView, category: string) {
  const items = json.failedItems!.items;
  expect(Object.keys(json.failedItems!.counts)).toEqual([category]);
  expect(items.length).toBeGreaterThan(0);
  for (const i of items) expect(i).toMatchObject({ kind: 'emails', category });
  const notCopied = json.steps[0].total - json.steps[0].copied - json.steps[0].alreadyPresent;
  expect(Object.values(json.failedItems!.counts)[0]).toBe(notCopied);
}

describe('a source link cut mid-copy for longer than the retry window', () => {
  let cut: LatencyProxy;
  afterAll(async () => cut?.close());

  it('fails the task; what it did not copy is reported under "Network", with the words of the failure', async () => {
    cut = await startLatencyProxy(source.imapPort, 2);
    const task = await migrate(tern.service, { from: `imap://nina:ninapass@127.0.0.1:${cut.port}`, to: slowTo('nina') }, tern.actor);
    await poll('the first copies', async () => (await tern.runtime.tasks.get(task.id))!.steps[0].copied >= 10);
    await cut.cut();
    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^Source: Cannot reach the imap server 127\.0\.0\.1:\d+/);

    const json = await statusJson(task.id);
    expectAllUnder(json, 'network');
    for (const i of json.failedItems!.items) expect(i.reason).toMatch(/^not copied, the task stopped: Source: Cannot reach the imap server 127\.0\.0\.1:\d+ \(connection refused\)/);
    expect(json.failedItems!.items.map((i) => i.folder).sort()).toEqual(expect.arrayContaining(['Later']));
    expect(taskText(done)).toMatch(/failed items by category:\n {4}Network: \d+\n/);
  });
});

describe('a source that answers its reads as a throttling provider, past the retry window', () => {
  let proxy: AnswerProxy;
  let throttling = false;
  afterAll(async () => proxy?.close());

  it('fails the task; what it did not copy is reported under "Throttled past retries", in the server\'s words', async () => {
    // Once on, every FETCH is answered as Gmail does past its bandwidth limit (the server read nothing for Tern).
    proxy = await startAnswerProxy(source.imapPort, (line) => {
      const m = /^(\S+) OK Fetch completed/.exec(line);
      return m && throttling ? `${m[1]} NO [THROTTLED] Account exceeded command or bandwidth limits. (Failure)` : line;
    });
    const task = await migrate(tern.service, { from: `imap://theo:theopass@127.0.0.1:${proxy.port}`, to: slowTo('theo') }, tern.actor);
    await poll('the first copies', async () => (await tern.runtime.tasks.get(task.id))!.steps[0].copied >= 10);
    throttling = true;
    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('failed');
    expect(proxy.rewritten()).toBeGreaterThan(0);

    const json = await statusJson(task.id);
    expectAllUnder(json, 'throttled');
    for (const i of json.failedItems!.items) expect(i.reason).toMatch(/is limiting theo for now \(Account exceeded command or bandwidth limits\. \(Failure\)\)/);
    expect(taskText(done)).toMatch(/failed items by category:\n {4}Throttled past retries: \d+\n/);
  });
});

describe('an OAuth2 sign-in revoked at the authorization server mid-run', () => {
  let auth: AuthServer;
  let oauthImap: DovecotServer;
  let link: LatencyProxy;
  beforeAll(async () => {
    auth = await startAuthServer({ accessTokenTtl: 2 });
    oauthImap = await startDovecot('slash', { oauth2: { introspectionUrl: auth.introspectionUrl } });
    await oauthImap.addUser('sara', 'sarapass');
    await withImap(account(oauthImap, 'sara'), async (c) => {
      await c.mailboxCreate('Later');
      for (const folder of ['INBOX', 'Later']) for (let i = 0; i < 60; i++) await c.append(folder, makeMessage({ subject: `${folder} ${i}`, bodyBytes: 20_000 }), ['\\Seen']);
    });
    link = await startLatencyProxy(oauthImap.imapPort, 2);
  }, 120_000);
  afterAll(async () => {
    await link?.close();
    await oauthImap?.stop();
    await auth?.stop();
  });

  it('pauses the task; cancelled then, what it did not copy is reported under "Sign-in expired", with why', async () => {
    const from = `imap://sara@127.0.0.1:${link.port}?auth=oauth2&issuer=${encodeURIComponent(auth.issuer)}&client_id=${DEVICE_CLIENT}&scope=${encodeURIComponent('openid offline_access mail')}`;
    await login(tern.service, { url: from }, (code) => void auth.approve(code.userCode, 'sara'), tern.actor);
    await destination.addUser('sara', 'sarapass');
    const task = await migrate(tern.service, { from, to: slowTo('sara') }, tern.actor);
    await poll('the first copies', async () => (await tern.runtime.tasks.get(task.id))!.steps[0].copied >= 10);
    // The source's next login needs a new token, and its sign-in is revoked meanwhile.
    await link.cut();
    await auth.revokeAll('sara');
    await new Promise((r) => setTimeout(r, 3_000));
    await link.restore();
    await poll('the pause', async () => /must sign in again/.test((await tern.runtime.tasks.get(task.id))!.waiting?.reason ?? ''), 60_000);

    const nextLook = Date.parse((await tern.service.status(task.id, tern.actor)).waiting!.nextTryAt);
    await cancel(tern.service, { taskId: task.id }, tern.actor);
    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('cancelled');
    // Woken by the cancel, not ended at the paused task's next look (a minute after the pause).
    expect(Date.parse(done.endedAt!)).toBeLessThan(nextLook);
    const json = await statusJson(task.id);
    expectAllUnder(json, 'sign_in');
    for (const i of json.failedItems!.items) expect(i.reason).toMatch(/^not copied, the task stopped: Source account: sara must sign in again \(its sign-in at 127\.0\.0\.1:\d+ was revoked or has expired\)/);
    expect(taskText(done)).toMatch(/failed items by category:\n {4}Sign-in expired: \d+\n/);
  }, 120_000);
});
