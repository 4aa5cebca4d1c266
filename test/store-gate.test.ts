// SQLite has one connection: a query made by another caller while a hand-made transaction is open
// must not join it (a rollback would lose that caller's write). PostgreSQL gives each transaction a
// connection of its own; the same must hold there, for the journal's batches too (on SQLite they
// run as synchronous transactions of their own). Real SQLite and PostgreSQL.
import { beforeAll, describe, expect, it } from 'vitest';
import { TaskStore } from '../src/store/tasks';
import { Journal } from '../src/store/journal';
import { storeKinds, useTestStore } from './support/stores';

const endpoint = { protocol: 'imap' as const, host: 'h', port: 143, secure: false, insecure: false, user: 'u' };

describe.each(storeKinds)('store transactions (%s)', (kind) => {
  const store = useTestStore(kind);
  let tasks: TaskStore;
  beforeAll(() => {
    tasks = new TaskStore(store.db);
  });

  it("another caller's write made while a transaction is open survives that transaction's rollback", async () => {
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    const db = store.db;
    const failing = db.transaction(async (tx) => {
      await tx.update(db.t.tasks).set({ updatedAt: 1 });
      inside();
      await new Promise((r) => setTimeout(r, 50)); // the other caller writes meanwhile
      throw new Error('rolled back on purpose');
    });
    await opened;
    const other = tasks.create({ id: 'T-OUTSIDE1', requester: 'r', source: endpoint, destination: endpoint, items: ['emails'] });
    await expect(failing).rejects.toThrow('rolled back on purpose');
    await other;
    expect((await tasks.get('T-OUTSIDE1'))?.id).toBe('T-OUTSIDE1');
    // And a plain query (no transaction of its own) waits too.
    const again = db.transaction(async (tx) => {
      await tx.update(db.t.tasks).set({ updatedAt: 2 });
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('again');
    });
    const update = tasks.update('T-OUTSIDE1', { error: 'kept' });
    await expect(again).rejects.toThrow('again');
    await update;
    expect((await tasks.row('T-OUTSIDE1'))?.error).toBe('kept');
  });

  it("a journal batch written while another caller's transaction is open survives that transaction's rollback", async () => {
    const db = store.db;
    const journal = new Journal(db);
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    const failing = db.transaction(async (tx) => {
      await tx.update(db.t.tasks).set({ updatedAt: 3 });
      inside();
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('rolled back on purpose');
    });
    await opened;
    const ids = journal.intendAll('T-JOURNAL1', 'message', [{ folder: 'INBOX', key: 'a' }, { folder: 'INBOX', key: 'b' }]);
    await expect(failing).rejects.toThrow('rolled back on purpose');
    const [a, b] = await ids;
    const settling = db.transaction(async (tx) => {
      await tx.update(db.t.tasks).set({ updatedAt: 4 });
      await new Promise((r) => setTimeout(r, 20));
      throw new Error('again');
    });
    const settled = journal.settle({ confirmed: [[a, '7']], dropped: [b] });
    await expect(settling).rejects.toThrow('again');
    await settled;
    expect((await journal.entries('T-JOURNAL1')).map((e) => [e.key, e.ref])).toEqual([['a', '7']]);
  });
});
