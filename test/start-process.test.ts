// `tern start` runs its worker in a process of its own, so that copying never holds up the event
// loop that answers chat (issue 19 item 5): the copying happens in that process, a worker that
// dies is started again and its task resumes, and SIGTERM stops both, leaving no process behind.
// The real binary, real Dovecot (behind a slow link) and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, startTern, type TestTern } from './support/tern';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { spawnTern, type TernProcess } from './support/tern-process';
import { until as waitUntil } from './support/until';

let src: DovecotServer;
let dst: DovecotServer;
let redis: TestRedis;
let proxy: LatencyProxy;
let tern: TestTern;
let start: TernProcess | undefined;

beforeAll(async () => {
  [src, dst, redis] = await Promise.all([startDovecot('slash'), startDovecot('slash'), startRedis()]);
  for (let i = 0; i < 40; i++) await seedMessage(account(src, 'carol'), 'INBOX', makeMessage({ subject: `Carol ${i}` }));
  proxy = await startLatencyProxy(dst.imapPort, 200);
  // One APPEND per round trip of the slow link: the copy is still under way when the worker is killed.
  tern = await startTern(redis.url, { TERN_CONNECTIONS_PER_ACCOUNT: '1', TERN_JOB_LOCK_MS: '2000', TERN_IMAP_PIPELINING: '0' });
});

afterAll(async () => {
  if (start?.child.exitCode === null) start.child.kill('SIGKILL');
  await tern?.close();
  await proxy?.close();
  await Promise.all([src?.stop(), dst?.stop(), redis?.stop()]);
});

const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000) => waitUntil(what, probe, timeoutMs, 100);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('tern start: the worker in a process of its own', () => {
  it('copies in the worker process, starts a worker that died again (the task resumes, every message once), and stops both on SIGTERM', async () => {
    start = spawnTern(['start'], { ...tern.env, LOG_LEVEL: 'info' });
    const s = start;
    await until('tern start ready', () => /tern start: worker \(concurrency \d+\) ready/.test(s.output()), 90_000);
    const workers = () => s.logs().filter((r) => r.msg === 'worker process started').map((r) => r.pid as number);
    const [first] = workers();
    expect(first).toBeGreaterThan(0);
    expect(first).not.toBe(s.child.pid);

    const imap = (port: number) => ({ protocol: 'imap' as const, host: '127.0.0.1', port, secure: false, insecure: false, user: 'carol', password: 'carolpass' });
    const task = await tern.service.create({ source: imap(src.imapPort), destination: imap(proxy.port), items: ['emails'] }, tern.actor);
    await until('copying under way', async () => (await tern.service.view(task.id)).steps[0].copied >= 2, 120_000);
    // The run's lease names the process that copies: the worker's, not the bots'.
    expect(await tern.runtime.tasks.leaseHolder(task.id)).toContain(`:${first}:`);

    process.kill(first, 'SIGKILL');
    await until('a new worker process', () => workers().length === 2, 30_000);
    const second = workers()[1];
    expect(second).not.toBe(first);
    expect(s.output()).toContain('the worker process stopped unexpectedly');
    expect(s.child.exitCode, 'tern start itself goes on').toBeNull();
    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('completed');
    const from = contentView(await snapshotMailbox(account(src, 'carol')));
    const to = contentView(await snapshotMailbox(account(dst, 'carol')));
    expect(to.INBOX, 'every message once, none twice').toEqual(from.INBOX);

    s.child.kill('SIGTERM');
    expect(await s.exited, s.output()).toBe(0);
    expect(s.logs().find((r) => r.msg === 'worker stopped'), s.output()).toMatchObject({ clean: true });
    expect(alive(second), 'no worker process left behind').toBe(false);
  });
});
