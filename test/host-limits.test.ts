// Caps on running tasks per server, shared by all workers through Redis: three tasks against one
// source server with TERN_MAX_TASKS_PER_SOURCE_HOST=1 and two workers of concurrency 3 run one at a
// time; the others stay queued with the reason on their card; each ends completed with every
// message once. Real Dovecots (reached through a latency proxy, so each task takes a while) and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { account, startTern, ternEnv, type TestTern } from './support/tern';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { migrate } from '../commands/migrate';
import { HostSlots } from '../src/queue/host-slots';

let source: DovecotServer;
let destination: DovecotServer;
let redis: TestRedis;
let slowSource: LatencyProxy;
const terns: TestTern[] = [];

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash', { users: 'ann:annpass ben:benpass cat:catpass' }), startDovecot('dot-inbox-prefix', { users: 'ann:annpass ben:benpass cat:catpass' }), startRedis()]);
  slowSource = await startLatencyProxy(source.imapPort, 20);
}, 60_000);

afterAll(async () => {
  for (const t of terns) await t.close();
  await slowSource?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

describe('caps on running tasks per server', () => {
  it('TERN_MAX_TASKS_PER_SOURCE_HOST=1: two workers run three tasks against one server one at a time, the others queued with the reason', async () => {
    const users = ['ann', 'ben', 'cat'];
    for (const user of users) for (let i = 0; i < 15; i++) await seedMessage(account(source, user), 'INBOX', makeMessage({ subject: `${user} ${i}`, body: 'y'.repeat(2000) }));
    const env = ternEnv(redis.url, { TERN_MAX_TASKS_PER_SOURCE_HOST: '1', TERN_WORKER_CONCURRENCY: '3', TERN_CONNECTIONS_PER_ACCOUNT: '1' });
    // Two workers sharing one store and one Redis, as two machines would share them.
    const first = await startTern(redis.url, env);
    terns.push(first);
    const second = await startTern(redis.url, { ...env });
    terns.push(second);
    const created = [];
    for (const user of users) {
      created.push(await migrate(first.service, { from: `imap://${user}:${user}pass@127.0.0.1:${slowSource.port}`, to: `imap://${user}:${user}pass@127.0.0.1:${destination.imapPort}`, items: 'emails' }, first.actor));
    }
    await Promise.all([first.startWorker(), second.startWorker()]);

    let mostRunning = 0;
    const reasons = new Set<string>();
    for (let i = 0; i < 6000; i++) {
      const views = await Promise.all(created.map((t) => first.service.status(t.id, first.actor)));
      mostRunning = Math.max(mostRunning, views.filter((v) => v.status === 'running').length);
      for (const v of views) if (v.status === 'queued' && v.waiting) reasons.add(v.waiting.reason);
      if (views.every((v) => v.status === 'completed' || v.status === 'failed')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const ended = await Promise.all(created.map((t) => first.service.status(t.id, first.actor)));
    expect(ended.map((v) => v.status)).toEqual(['completed', 'completed', 'completed']);
    expect(mostRunning).toBe(1);
    expect([...reasons]).toContain('Source: 1 task already runs against 127.0.0.1, the most TERN_MAX_TASKS_PER_SOURCE_HOST allows; this one starts when one of them ends.');
    for (const user of users) {
      const copied = await snapshotMailbox(account(destination, user));
      expect(copied.folders.find((f) => f.path === 'INBOX')?.messages).toHaveLength(15);
    }
    // Every slot was given back.
    const slots = new HostSlots(redis.url, env.TERN_REDIS_PREFIX, { all: 0, perSourceHost: 1, perDestinationHost: 0 }, 60_000);
    try {
      expect((await slots.acquire('probe', { source: '127.0.0.1', destination: 'elsewhere' })).full).toBeUndefined();
    } finally {
      await slots.close();
    }
  }, 240_000);
});

describe('HostSlots', () => {
  it('claims every scope or none, frees a dead holder after its time, and renews a live one', async () => {
    const prefix = `tern-slots-${Date.now()}`;
    const slots = new HostSlots(redis.url, prefix, { all: 2, perSourceHost: 5, perDestinationHost: 1 }, 1_000);
    try {
      const t0 = Date.now();
      expect(await slots.acquire('a', { source: 's1', destination: 'd1' }, t0)).toEqual({});
      // d1 is full: nothing of b's claim is kept, so s2 and the overall cap stay free for c.
      expect(await slots.acquire('b', { source: 's2', destination: 'd1' }, t0)).toEqual({ full: { scope: 'destination', host: 'd1', limit: 1 } });
      expect(await slots.acquire('c', { source: 's2', destination: 'D2' }, t0)).toEqual({});
      expect(await slots.acquire('d', { source: 's3', destination: 'd3' }, t0)).toEqual({ full: { scope: 'all', host: undefined, limit: 2 } });
      // A holder claiming again keeps its slot (a job that comes back after a delay).
      expect(await slots.acquire('a', { source: 's1', destination: 'd1' }, t0)).toEqual({});
      // c renews, a does not: after the claim time only a's slots are free.
      await slots.renew('c', { source: 's2', destination: 'D2' }, t0 + 800);
      expect(await slots.acquire('b', { source: 's2', destination: 'd1' }, t0 + 1_500)).toEqual({});
      expect(await slots.acquire('e', { source: 's9', destination: 'd2' }, t0 + 1_500)).toEqual({ full: { scope: 'all', host: undefined, limit: 2 } });
      await slots.release('c', { source: 's2', destination: 'D2' });
      expect(await slots.acquire('e', { source: 's9', destination: 'd9' }, t0 + 1_500)).toEqual({});
    } finally {
      await slots.close();
    }
  });
});
