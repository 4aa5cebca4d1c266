// One run per task: the lease in the store (compare-and-set, renewed, taken over only once it ran
// out) and the journal that refuses the writes of a run that lost it. Real SQLite, no queue.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/db';
import { TaskStore } from '../src/store/tasks';
import { Journal } from '../src/store/journal';
import { RunLease } from '../src/engine/lease';
import { leasedJournal } from '../src/engine/run-journal';
import { TernError } from '../src/errors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-lease-'));
const db = await openStore({ dataDir: dir });
const tasks = new TaskStore(db);
const journal = new Journal(db);
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const endpoint = { protocol: 'imap' as const, host: 'h', port: 143, secure: false, insecure: false, user: 'u' };
let n = 0;
async function newTask(): Promise<string> {
  const id = `T-LEASE${++n}`;
  await tasks.create({ id, requester: 'r', source: endpoint, destination: endpoint, items: ['emails'] });
  return id;
}

const stopped = async (fn: () => unknown) => {
  try {
    await fn();
  } catch (err) {
    return err instanceof TernError && err.code === 'RUN_STOPPED';
  }
  return false;
};

describe('run lease', () => {
  it('one run at a time: a second run cannot take a live lease, and takes it once it is released', async () => {
    const id = await newTask();
    const first = (await RunLease.take(tasks, id, 'worker-a', 60_000))!;
    expect(first).toBeDefined();
    expect(await RunLease.take(tasks, id, 'worker-b', 60_000)).toBeUndefined();
    expect(await tasks.leaseHolder(id)).toBe('worker-a');
    await first.release();
    expect(await tasks.leaseHolder(id)).toBeUndefined();
    const second = (await RunLease.take(tasks, id, 'worker-b', 60_000))!;
    expect(second.generation).toBe(first.generation + 1);
    await second.release();
  });

  it('a lease that ran out unrenewed (its worker frozen or dead) is taken over; the old run stops at its next journal write', async () => {
    const id = await newTask();
    const now = Date.now();
    const stale = (await RunLease.take(tasks, id, 'frozen', 50))!;
    const writes = leasedJournal(journal, stale);
    await writes.intend(id, 'message', { folder: 'INBOX', key: 'a' });
    // As if the old worker had been frozen past its lease:
    expect(await tasks.takeLease(id, 'fresh', 60_000, now + 1_000)).toBe(stale.generation + 1);
    expect(await stopped(() => writes.intend(id, 'message', { folder: 'INBOX', key: 'b' }))).toBe(true);
    expect(await stopped(() => writes.confirm(1, '1'))).toBe(true);
    expect(await stopped(() => stale.check())).toBe(true);
    // Nothing the stopped run tried after losing the lease reached the journal.
    expect((await journal.entries(id)).map((e) => e.key)).toEqual(['a']);
    // Its release does not free the new run's lease.
    await stale.release();
    expect(await tasks.leaseHolder(id)).toBe('fresh');
  });

  it('a renewed lease is not taken over', async () => {
    const id = await newTask();
    const lease = (await RunLease.take(tasks, id, 'busy', 300))!;
    await new Promise((r) => setTimeout(r, 700)); // renewed every 100 ms meanwhile
    expect(await RunLease.take(tasks, id, 'other', 300)).toBeUndefined();
    await expect(lease.check()).resolves.toBeUndefined();
    await lease.release();
  });

  it('a run whose worker lost the job (aborted) stops at once, even holding the lease', async () => {
    const id = await newTask();
    const abort = new AbortController();
    const lease = (await RunLease.take(tasks, id, 'w', 60_000, abort.signal))!;
    await expect(lease.check()).resolves.toBeUndefined();
    abort.abort();
    expect(await stopped(() => lease.check())).toBe(true);
    await lease.release();
  });
});
