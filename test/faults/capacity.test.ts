// Load and limits: 20 tasks at once on two workers, each run once; a destination that fills up
// stops with its quota, and its rollback is exact.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { spawnRedis, type OwnRedis } from '../support/redis';
import { snapshotMailbox } from '../support/mailbox';
import { account, imapUrl, startTern, ternEnv, type TestTern } from '../support/tern';
import { migrate } from '../../commands/migrate';
import { rollback } from '../../commands/rollback';
import { expectExactCopy, kill, seedSource, spawnWorker } from './harness';

const USERS = Array.from({ length: 20 }, (_, i) => `user${i}`);

let source: DovecotServer;
let destination: DovecotServer;
let full: DovecotServer;
let redis: OwnRedis;
let tern: TestTern;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  const users = USERS.map((u) => `${u}:${u}pass`).join(' ');
  [source, destination, full, redis] = await Promise.all([
    startDovecot('slash', { users: `alice:alicepass ${users}` }),
    startDovecot('dot-inbox-prefix', { users }),
    startDovecot('dot-inbox-prefix', { users: 'alice:alicepass', quotaKb: 400 }),
    spawnRedis(),
  ]);
  await Promise.all(USERS.map((u) => seedSource(account(source, u), ['INBOX', 'Work'], 40)));
  await seedSource(account(source, 'alice'), ['INBOX', 'Work'], 100, 6 * 1024);
  const env = ternEnv(redis.url, { TERN_WORKER_CONCURRENCY: '4', TERN_CONNECTIONS_PER_ACCOUNT: '2' });
  tern = await startTern(redis.url, env);
  workers.push(spawnWorker(env), spawnWorker(env));
});

afterAll(async () => {
  await Promise.all(workers.map(kill));
  await tern?.close();
  await Promise.all([source?.stop(), destination?.stop(), full?.stop(), redis?.stop()]);
});

describe('load and limits', () => {
  it('20 tasks at once on two workers: each completes once, every mailbox copied exactly', async () => {
    const tasks = await Promise.all(USERS.map((u) => migrate(tern.service, { from: imapUrl(source, u), to: imapUrl(destination, u) }, tern.actor)));
    const done = await Promise.all(tasks.map((t) => tern.waitFor(t.id)));
    for (const d of done) expect(d.status, d.error).toBe('completed');
    for (const u of USERS) await expectExactCopy(source, u, destination, u);
    // Each task ran its steps once: one start and one end in its audit log.
    for (const d of done) expect((await tern.runtime.tasks.auditLog(d.id)).filter((a) => a.action === 'task.completed')).toHaveLength(1);
  });

  it('a destination that fills up: the copy stops with its quota; the rollback leaves it as it was', async () => {
    const before = await snapshotMailbox(account(full, 'alice'));
    const task = await migrate(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(full, 'alice') }, tern.actor);
    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^Destination: the mailbox is full \(\d+ KB of 400 KB\)/);
    await rollback(tern.service, { taskId: task.id }, tern.actor);
    const rolled = await tern.waitFor(task.id, (t) => t.status !== 'rolling_back');
    expect(rolled.status, rolled.rollbackError).toBe('rolled_back');
    expect(await snapshotMailbox(account(full, 'alice'))).toEqual(before);
  });
});
