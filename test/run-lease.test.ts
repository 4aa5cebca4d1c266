// One run per task: the lease in the store (compare-and-set, renewed, taken over only once it ran
// out) and the journal that refuses the writes of a run that lost it. Real SQLite and PostgreSQL,
// no queue.
import { beforeAll, describe, expect, it } from 'vitest';
import { TaskStore } from '../src/store/tasks';
import { Journal } from '../src/store/journal';
import { RunLease } from '../src/engine/lease';
import { leasedJournal } from '../src/engine/run-journal';
import { TernError } from '../src/errors';
import { storeKinds, useTestStore } from './support/stores';

const endpoint = { protocol: 'imap' as const, host: 'h', port: 143, secure: false, insecure: false, user: 'u' };
let n = 0;

const stopped = async (fn: () => unknown) => {
  try {
    await fn();
  } catch (err) {
    return err instanceof TernError && err.code === 'RUN_STOPPED';
  }
  return false;
};

describe.each(storeKinds)('run lease (%s)', (kind) => {
  const opened = useTestStore(kind);
  let tasks: TaskStore;
  let journal: Journal;
  beforeAll(() => {
    tasks = new TaskStore(opened.db);
    journal = new Journal(opened.db);
  });
  async function newTask(): Promise<string> {
    const id = `T-LEASE${++n}`;
    await tasks.create({ id, requester: 'r', source: endpoint, destination: endpoint, items: ['emails'] });
    return id;
  }

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

  it('8 claimers racing for the same task, each on its own connection: exactly one wins, 50 times over', async () => {
    const id = await newTask();
    // Eight connections to the one store, as eight worker processes (or machines) would have.
    const claimers = await Promise.all(Array.from({ length: 8 }, async () => new TaskStore(await opened.store.openAnother())));
    const ttl = 1_000;
    const base = Date.now();
    let generation = 0;
    for (let round = 1; round <= 50; round++) {
      // Each round the last round's lease has run out (its `now` is past it): everyone may take it over.
      const now = base + round * 2 * ttl;
      const won = await Promise.all(claimers.map((c, i) => c.takeLease(id, `claimer-${i}`, ttl, now)));
      const winners = won.flatMap((g, i) => (g === undefined ? [] : [{ i, g }]));
      expect(winners, `round ${round}`).toHaveLength(1);
      expect(winners[0]!.g, `round ${round}: one new generation`).toBe(generation + 1);
      generation = winners[0]!.g;
      expect(await tasks.leaseHolder(id, now)).toBe(`claimer-${winners[0]!.i}`);
    }
  });
});
