// `tern worker` stops cleanly on SIGTERM within 10 seconds (the limit container runtimes give):
// the task in progress pauses, and the next worker resumes it with nothing lost and nothing
// copied twice. A real process, real Dovecot (behind a slow link) and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, startTern, type TestTern } from './support/tern';
import { spawnTern } from './support/tern-process';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { until as waitUntil } from './support/until';

let src: DovecotServer;
let dst: DovecotServer;
let redis: TestRedis;
let proxy: LatencyProxy;
let tern: TestTern;

beforeAll(async () => {
  [src, dst, redis] = await Promise.all([startDovecot('slash'), startDovecot('slash'), startRedis()]);
  for (let i = 0; i < 60; i++) await seedMessage(account(src, 'carol'), 'INBOX', makeMessage({ subject: `Carol ${i}`, date: new Date(Date.UTC(2024, 1, 1 + (i % 27))) }));
  proxy = await startLatencyProxy(dst.imapPort, 200);
  // One APPEND per round trip of the slow link (no pipelining): the copy takes far longer than the 10 s allowed.
  tern = await startTern(redis.url, { TERN_CONNECTIONS_PER_ACCOUNT: '1', TERN_JOB_LOCK_MS: '2000', TERN_IMAP_PIPELINING: '0' });
});

afterAll(async () => {
  await tern?.close();
  await proxy?.close();
  await Promise.all([src?.stop(), dst?.stop(), redis?.stop()]);
});

const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000) => waitUntil(what, probe, timeoutMs, 100);

describe('SIGTERM', () => {
  it('stops tern worker within 10 s mid-copy; the next worker resumes the task, every message once', async () => {
    const imap = (port: number) => ({ protocol: 'imap' as const, host: '127.0.0.1', port, secure: false, insecure: false, user: 'carol', password: 'carolpass' });
    // To the destination through the slow link: the copy takes far longer than the 10 s allowed.
    const task = await tern.service.create({ source: imap(src.imapPort), destination: imap(proxy.port), items: ['emails'] }, tern.actor);
    const worker = spawnTern(['worker'], { ...tern.env, LOG_LEVEL: 'info' });
    await until('copying under way', async () => {
      const t = await tern.service.view(task.id);
      return t.status === 'running' && t.steps[0].copied >= 3;
    }, 120_000);
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    const code = await worker.exited;
    const took = Date.now() - signalled;
    const output = worker.output();
    expect(code, output).toBe(0);
    expect(took, output).toBeLessThan(10_000);
    // Stopped between batches, not cut by the 9 s deadline: the last line says so (the deadline exits without it).
    const stopped = worker.logs().find((r) => r.msg === 'stopped');
    expect(stopped, `the worker finished stopping before its deadline:\n${output}`).toMatchObject({ clean: true });
    expect(output).not.toContain('shutdown took too long');
    const paused = await tern.service.view(task.id);
    expect(paused.status, 'paused, not failed').toBe('running');
    expect(paused.steps[0].copied).toBeLessThan(60);
    // What was on the wire when it stopped was answered and journaled: no intent is left without its message's id.
    const journaled = await tern.runtime.journal.entries(task.id, { kind: 'message' });
    expect(journaled.filter((e) => !e.ref), 'every message sent before the stop journaled with its id').toEqual([]);
    const atDestination = contentView(await snapshotMailbox(account(dst, 'carol'))).INBOX ?? [];
    expect(journaled.length, 'the journal holds every message the destination got').toBe(atDestination.length);

    await tern.startWorker();
    expect((await tern.waitFor(task.id)).status).toBe('completed');
    const from = contentView(await snapshotMailbox(account(src, 'carol')));
    const to = contentView(await snapshotMailbox(account(dst, 'carol')));
    expect(to.INBOX, 'every message once, none twice').toEqual(from.INBOX);
  });
});
