// Outages: one runner per task whatever happens to Redis (an outage longer than the job lock hands
// the job to another worker while the first still runs; the task's lease in the store keeps the
// second from writing until the first has stopped), and a mail server that goes away for a while
// is waited out, the task saying what it waits for, then going on from where it stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { spawnRedis, type OwnRedis } from './support/redis';
import { contentView, makeMessage, seedFolders, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, projectRoot, startTern, ternEnv, type TestTern } from './support/tern';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { migrate } from '../commands/migrate';
import { until as waitUntil } from './support/until';

let source: DovecotServer;
let destination: DovecotServer;
let redis: OwnRedis;
let slow: LatencyProxy;
let tern: TestTern;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), spawnRedis()]);
  slow = await startLatencyProxy(destination.imapPort, 50);
});

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await tern?.close();
  await slow?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

const poll = (what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 60_000) => waitUntil(what, fn, timeoutMs, 20);

describe('Redis down for longer than the job lock', () => {
  it('the task still runs once: no duplicate, nothing lost, every copy journaled once', async () => {
    await seedFolders(account(source, 'alice'), ['INBOX', 'A'], 200, (folder, i) => ({ raw: makeMessage({ subject: `${folder} ${i}`, bodyBytes: 4096 }), flags: ['\\Seen'] }));
    // A 2 s lock, and two worker processes that share the store: the job is handed over during the
    // outage. One APPEND per round trip keeps the first run busy long after it.
    const env = ternEnv(redis.url, { TERN_JOB_LOCK_MS: '2000', TERN_CONNECTIONS_PER_ACCOUNT: '1', TERN_IMAP_PIPELINING: '0' });
    tern = await startTern(redis.url, env);
    for (let i = 0; i < 2; i++) workers.push(spawn(process.execPath, [path.join(projectRoot, 'bin/tern.js'), 'worker'], { env: { ...process.env, ...env }, stdio: 'ignore' }));

    const task = await migrate(tern.service, { from: imapUrl(source, 'alice'), to: `imap://alice:alicepass@127.0.0.1:${slow.port}` }, tern.actor);
    await poll('the first copies', async () => (await tern.runtime.tasks.get(task.id))!.steps[0].copied >= 40);
    await redis.down(6_000);
    expect((await tern.runtime.tasks.get(task.id))!.status).toBe('running');

    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('completed');
    expect(done.steps[0]).toMatchObject({ total: 400, copied: 400, alreadyPresent: 0, failed: 0 });
    const src = contentView(await snapshotMailbox(account(source, 'alice')));
    const dst = contentView(await snapshotMailbox(account(destination, 'alice')));
    expect(dst.INBOX).toEqual(src.INBOX);
    expect(dst['INBOX.A']).toEqual(src.A);
    const journaled = await tern.runtime.journal.entries(task.id, { kind: 'message' });
    expect(journaled).toHaveLength(400);
    expect(new Set(journaled.map((e) => `${e.folder}:${e.ref}`)).size).toBe(400);
  }, 300_000);
});

describe('a source server that goes away for a while', () => {
  let cut: LatencyProxy;
  let own: TestTern;
  beforeAll(async () => {
    // 12 MB a folder: more than a lane reads ahead of its writes (its window), so the source is still being read when it goes.
    await seedFolders(account(source, 'bob'), ['INBOX', 'Later'], 150, (folder, i) => ({ raw: makeMessage({ subject: `${folder} ${i}`, bodyBytes: 80_000 }), flags: ['\\Seen'] }));
    cut = await startLatencyProxy(source.imapPort, 10);
    // One APPEND per round trip to a distant destination: the copy is still going when the source goes.
    own = await startTern(redis.url, { TERN_CONNECTIONS_PER_ACCOUNT: '1', TERN_IMAP_PIPELINING: '0' });
    await own.startWorker();
  });
  afterAll(async () => {
    await own?.close();
    await cut?.close();
  });

  it('is waited out: the task says it waits for the source and when it tries again, then goes on to the end, each message once', async () => {
    const task = await migrate(own.service, { from: `imap://bob:bobpass@127.0.0.1:${cut.port}`, to: `imap://bob:bobpass@127.0.0.1:${slow.port}` }, own.actor);
    await poll('the first copies', async () => (await own.runtime.tasks.get(task.id))!.steps[0].copied >= 30);
    await cut.cut();
    await poll('the task to wait', async () => (await own.runtime.tasks.get(task.id))!.waiting !== undefined, 30_000);
    const waiting = await own.service.status(task.id, own.actor);
    expect(waiting.status).toBe('running');
    expect(waiting.waiting!.side).toBe('source');
    expect(waiting.waiting!.reason).toMatch(/^Source: .*127\.0\.0\.1:\d+/);
    expect(Date.parse(waiting.waiting!.nextTryAt)).toBeGreaterThan(Date.parse(waiting.waiting!.since));
    await new Promise((r) => setTimeout(r, 6_000));
    await cut.restore();

    const done = await own.waitFor(task.id);
    expect(done.status, done.error).toBe('completed');
    expect(done.waiting).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ total: 300, copied: 300, failed: 0 });
    const src = contentView(await snapshotMailbox(account(source, 'bob')));
    const dst = contentView(await snapshotMailbox(account(destination, 'bob')));
    expect(dst.INBOX).toEqual(src.INBOX);
    expect(dst['INBOX.Later']).toEqual(src.Later);
    expect((await own.runtime.tasks.auditLog(task.id)).some((a) => a.action === 'task.waiting')).toBe(true);
  });

  it('fails once it has waited the whole window without getting further, naming the side and the server', async () => {
    const short = await startTern(redis.url, { TERN_RETRY_MINUTES: '0.05' });
    try {
      await short.startWorker();
      const task = await migrate(short.service, { from: `imap://alice:alicepass@127.0.0.1:${cut.port}`, to: imapUrl(destination, 'carol') }, short.actor);
      await cut.cut();
      const done = await short.waitFor(task.id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/^Source: Cannot reach the imap server 127\.0\.0\.1:\d+ \(connection refused\)/);
      expect(done.error).toMatch(/tried again for 3 seconds without getting further/);
    } finally {
      await cut.restore();
      await short.close();
    }
  });
});
