// Tokens that run out mid-migration, at a real authorization server (oidc-provider, 2 s access
// tokens) and a Dovecot that checks each login's token by introspection. The source link is cut
// mid-copy so that the engine logs in again after its token expired: it renews the token from the
// stored sign-in and goes on, each message once. A sign-in revoked meanwhile pauses the task with
// "sign in again" (status and CLI), and a new sign-in resumes it, nothing copied twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { DEVICE_CLIENT, startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedFolders, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { runCli } from './support/cli-run';
import { migrate } from '../commands/migrate';
import { login } from '../commands/login';
import { until as waitUntil } from './support/until';

let auth: AuthServer;
let dovecot: DovecotServer;
let redis: TestRedis;
let link: LatencyProxy;
let slow: LatencyProxy;
let tern: TestTern;
const refreshes: string[] = [];

const poll = (what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 60_000) => waitUntil(what, fn, timeoutMs, 20);

beforeAll(async () => {
  auth = await startAuthServer({ accessTokenTtl: 2 });
  auth.provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') refreshes.push(String(ctx.oidc.params.grant_type));
  });
  [dovecot, redis] = await Promise.all([startDovecot('slash', { oauth2: { introspectionUrl: auth.introspectionUrl } }), startRedis()]);
  // 30 KB each: 7 MB in all, more than a lane reads ahead, so the source is still read when its link goes.
  await seedFolders(account(dovecot, 'alice'), ['INBOX', 'Later'], 120, (folder, i) => ({ raw: makeMessage({ subject: `${folder} ${i}`, bodyBytes: 30_000 }), flags: ['\\Seen'] }));
  link = await startLatencyProxy(dovecot.imapPort, 2);
  // One APPEND per round trip to a distant destination: the copy outlives the source's tokens.
  slow = await startLatencyProxy(dovecot.imapPort, 40);
  tern = await startTern(redis.url, { TERN_CONNECTIONS_PER_ACCOUNT: '1', TERN_IMAP_PIPELINING: '0' });
  await tern.startWorker();
}, 120_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([link?.close(), slow?.close()]);
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  await auth?.stop();
});

const sourceUrl = () => `imap://alice@127.0.0.1:${link.port}?auth=oauth2&issuer=${encodeURIComponent(auth.issuer)}&client_id=${DEVICE_CLIENT}&scope=${encodeURIComponent('openid offline_access mail')}`;
const signIn = () => login(tern.service, { url: sourceUrl() }, (code) => void auth.approve(code.userCode, 'alice'), tern.actor);

async function expectCopiedOnce(to: string) {
  const src = contentView(await snapshotMailbox(account(dovecot, 'alice')));
  const dst = contentView(await snapshotMailbox(account(dovecot, to)));
  expect(dst.INBOX).toEqual(src.INBOX);
  expect(dst.Later).toEqual(src.Later);
}

describe('access tokens that run out mid-migration', () => {
  it('are renewed from the sign-in: the migration outlives many tokens and copies each message once', async () => {
    await signIn();
    const task = await migrate(tern.service, { from: sourceUrl(), to: `${imapUrl(dovecot, 'carol').replace(String(dovecot.imapPort), String(slow.port))}` }, tern.actor);
    await poll('the first copies', async () => (await tern.runtime.tasks.get(task.id))!.steps[0].copied >= 20);
    const before = refreshes.length;
    // The link goes for longer than a token lives: the next login needs a fresh one.
    await link.cut();
    await new Promise((r) => setTimeout(r, 3_000));
    await link.restore();
    const done = await tern.waitFor(task.id);
    expect(done.status, done.error).toBe('completed');
    expect(done.steps[0]).toMatchObject({ total: 240, copied: 240, failed: 0 });
    expect(refreshes.length).toBeGreaterThan(before);
    await expectCopiedOnce('carol');
  });

  it('a revoked sign-in pauses the task with "sign in again"; a new sign-in resumes it, nothing copied twice', async () => {
    const task = await migrate(tern.service, { from: sourceUrl(), to: `${imapUrl(dovecot, 'bob').replace(String(dovecot.imapPort), String(slow.port))}` }, tern.actor);
    await poll('the first copies', async () => (await tern.runtime.tasks.get(task.id))!.steps[0].copied >= 20);
    await link.cut();
    await auth.revokeAll('alice');
    await new Promise((r) => setTimeout(r, 3_000));
    await link.restore();
    await poll('the pause', async () => /must sign in again/.test((await tern.runtime.tasks.get(task.id))!.waiting?.reason ?? ''), 60_000);
    const paused = await tern.service.status(task.id, tern.actor);
    expect(paused.status).toBe('running');
    expect(paused.waiting).toMatchObject({ side: 'source' });
    expect(paused.waiting!.reason).toMatch(/^Source account: alice must sign in again \(its sign-in at 127\.0\.0\.1:\d+ was revoked or has expired\): run tern login 'imap:\/\/alice@127\.0\.0\.1:\d+\?auth=oauth2&issuer=/);
    const shown = await runCli(['status', task.id], tern.env);
    expect(shown.stdout).toContain('must sign in again');
    const asJson = await runCli(['status', task.id, '--json'], tern.env);
    expect(JSON.parse(asJson.stdout).waiting.reason).toContain('must sign in again');
    const copiedWhilePaused = (await tern.runtime.tasks.get(task.id))!.steps[0].copied;
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await tern.runtime.tasks.get(task.id))!.steps[0].copied).toBe(copiedWhilePaused);

    const t0 = Date.now();
    await signIn();
    const done = await tern.waitFor(task.id);
    // Woken by the sign-in, not by its next look a minute later.
    expect(Date.now() - t0).toBeLessThan(55_000);
    expect(done.status, done.error).toBe('completed');
    expect(done.waiting).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ total: 240, failed: 0 });
    expect(done.steps[0].copied + done.steps[0].alreadyPresent).toBe(240);
    await expectCopiedOnce('bob');
    expect((await tern.runtime.tasks.auditLog(task.id)).some((a) => a.action === 'task.waiting_sign_in')).toBe(true);
  });
});
