// Workers SIGKILLed at random moments of one task, then of its rollback: whatever the moment, the
// task ends completed with every message once, and the rollback leaves the destination exactly as
// it was. The moments come from a seeded PRNG (FAULTS_SEED), printed so a failure can be replayed.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { spawnRedis, type OwnRedis } from '../support/redis';
import { snapshotMailbox } from '../support/mailbox';
import { account, imapUrl, startTern, ternEnv, type TestTern } from '../support/tern';
import { startLatencyProxy, type LatencyProxy } from '../support/latency-proxy';
import { migrate } from '../../commands/migrate';
import { rollback } from '../../commands/rollback';
import { expectExactCopy, kill, prng, seedSource, sleep, spawnWorker } from './harness';

const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 100_000);
const random = prng(SEED);

let source: DovecotServer;
let destination: DovecotServer;
let redis: OwnRedis;
let slow: LatencyProxy;
let tern: TestTern;
let env: Record<string, string>;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  console.log(`faults: kills with FAULTS_SEED=${SEED}`);
  [source, destination, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), spawnRedis()]);
  await seedSource(account(source, 'alice'), ['INBOX', 'Work', 'Work/Deep'], 300);
  // A distant destination, written one APPEND at a time: each run gets some way, never all of it.
  slow = await startLatencyProxy(destination.imapPort, 20);
  env = ternEnv(redis.url, { TERN_JOB_LOCK_MS: '1500', TERN_CONNECTIONS_PER_ACCOUNT: '2', TERN_IMAP_PIPELINING: '0' });
  tern = await startTern(redis.url, env);
});

afterAll(async () => {
  if (worker) await kill(worker);
  await tern?.close();
  await slow?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

/** Kills a fresh worker at up to `times` random moments while `running()` holds, then lets one finish. */
async function killRepeatedly(times: number, running: () => Promise<boolean>): Promise<number> {
  let kills = 0;
  while (kills < times && (await running())) {
    worker = spawnWorker(env);
    await sleep(300 + random() * 1500);
    await kill(worker);
    kills++;
  }
  worker = spawnWorker(env);
  return kills;
}

describe('a worker killed again and again', () => {
  it('during the migration: it ends completed, every message once, flags and dates kept', async () => {
    const before = await snapshotMailbox(account(destination, 'alice'));
    const task = await migrate(tern.service, { from: imapUrl(source, 'alice'), to: `imap://alice:alicepass@127.0.0.1:${slow.port}` }, tern.actor);
    const kills = await killRepeatedly(20, async () => (await tern.runtime.tasks.get(task.id))!.status !== 'completed');
    const done = await tern.waitFor(task.id);
    expect(done.status, `${done.error ?? ''} (after ${kills} kills, FAULTS_SEED=${SEED})`).toBe('completed');
    expect(done.steps[0]).toMatchObject({ total: 900, copied: 900, alreadyPresent: 0, failed: 0 });
    await expectExactCopy(source, 'alice', destination, 'alice');
    expect(await tern.runtime.journal.entries(task.id, { kind: 'message' })).toHaveLength(900);
    expect(kills).toBeGreaterThan(5);

    // The rollback, killed too: the destination ends exactly as it was before the migration.
    await kill(worker!);
    await rollback(tern.service, { taskId: task.id }, tern.actor);
    const rollbackKills = await killRepeatedly(5, async () => (await tern.runtime.tasks.get(task.id))!.status === 'rolling_back');
    const rolled = await tern.waitFor(task.id, (t) => t.status !== 'rolling_back');
    expect(rolled.status, `${rolled.rollbackError ?? ''} (after ${rollbackKills} kills, FAULTS_SEED=${SEED})`).toBe('rolled_back');
    expect(await snapshotMailbox(account(destination, 'alice'))).toEqual(before);
  });
});
