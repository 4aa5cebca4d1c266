// Servers that go away mid-task: Redis restarted, the destination Dovecot restarted, the source
// Dovecot stopped for 30 s, a link that resets every 4 s. Each task waits it out and ends
// completed, every message once (checked by IMAP, not by Tern's counters).
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { spawnRedis, type OwnRedis } from '../support/redis';
import { account, imapUrl, startTern, ternEnv, type TestTern } from '../support/tern';
import { startLatencyProxy, type LatencyProxy } from '../support/latency-proxy';
import { migrate } from '../../commands/migrate';
import { expectExactCopy, kill, seedSource, sleep, spawnWorker, until } from './harness';

let source: DovecotServer;
let destination: DovecotServer;
let redis: OwnRedis;
let slow: LatencyProxy;
let tern: TestTern;
let worker: ChildProcess;

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), spawnRedis()]);
  await Promise.all(['alice', 'bob', 'carol'].map((u) => seedSource(account(source, u), ['INBOX', 'Work'], 200)));
  // More for the source outage: far more than the lanes hold read ahead when it stops (each lane
  // reads while a few MB of its messages await their answers): 900 messages of about 30 KB.
  await source.addUser('dave', 'davepass');
  await seedSource(account(source, 'dave'), ['INBOX', 'Work', 'Old'], 300, 30_000);
  slow = await startLatencyProxy(destination.imapPort, 20);
  const env = ternEnv(redis.url, { TERN_JOB_LOCK_MS: '3000', TERN_CONNECTIONS_PER_ACCOUNT: '2', TERN_IMAP_PIPELINING: '0' });
  tern = await startTern(redis.url, env);
  worker = spawnWorker(env);
});

afterAll(async () => {
  if (worker) await kill(worker);
  await tern?.close();
  await slow?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

/** Starts alice/bob/carol's migration through the slow link, and waits until it is well under way. */
async function underWay(user: string, from = imapUrl(source, user)): Promise<string> {
  const task = await migrate(tern.service, { from, to: `imap://${user}:${user}pass@127.0.0.1:${slow.port}` }, tern.actor);
  await until('the first copies', async () => (await tern.runtime.tasks.get(task.id))!.steps[0].copied >= 40);
  return task.id;
}

async function expectCompleted(id: string, user: string, total = 400): Promise<void> {
  const done = await tern.waitFor(id);
  expect(done.status, done.error).toBe('completed');
  expect(done.steps[0]).toMatchObject({ total, copied: total, failed: 0 });
  await expectExactCopy(source, user, destination, user);
}

describe('servers that go away', () => {
  it('Redis restarted mid-task', async () => {
    const id = await underWay('alice');
    await redis.down(2_000);
    await expectCompleted(id, 'alice');
  });

  it('the destination Dovecot restarted mid-task', async () => {
    const id = await underWay('bob');
    await destination.down(2_000);
    await expectCompleted(id, 'bob');
  });

  it('the source Dovecot stopped for 30 s: the task says it waits for the source, then goes on', async () => {
    await destination.addUser('dave', 'davepass');
    const id = await underWay('dave');
    const stopped = source.down(30_000);
    await until('the task to wait for the source', async () => (await tern.runtime.tasks.get(id))!.waiting?.side === 'source', 60_000);
    await stopped;
    await expectCompleted(id, 'dave', 900);
    expect((await tern.runtime.tasks.auditLog(id)).filter((a) => a.action === 'task.waiting').length).toBeGreaterThan(0);
  });

  it('a link that resets every 4 s', async () => {
    const resetting = await startLatencyProxy(source.imapPort, 5);
    let stop = false;
    const resets = (async () => {
      while (!stop) {
        await sleep(4_000);
        await resetting.cut();
        await resetting.restore();
      }
    })();
    try {
      const id = await underWay('carol', `imap://carol:carolpass@127.0.0.1:${resetting.port}`);
      await expectCompleted(id, 'carol');
    } finally {
      stop = true;
      await resets;
      await resetting.close();
    }
  });
});
