import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, SqliteOrm } from './db';
import type * as sqliteSchema from './schema';

/** Rows per statement when many are written at once (well under both databases' parameter limits). */
const CHUNK = 500;

/**
 * What a journal entry is about. "item" is how an older version journaled any contact, group,
 * event or task; such entries are still read (and rolled back).
 */
export type EntryKind = 'folder' | 'message' | 'contact' | 'group' | 'event' | 'task' | 'item' | 'snapshot';

export interface JournalEntry {
  id: number;
  kind: EntryKind;
  /** The destination folder's path (a folder entry's own path; a snapshot's name). */
  folder: string;
  /** How it is recognised: a message's dedupe key, an item's stamp, a folder's family, a snapshot's name. */
  key: string;
  /** The destination's id for it; null while it is only intended. */
  ref: string | null;
  /** What `ref` is valid for (IMAP UIDVALIDITY); "" when ids never change. */
  scope: string;
  /** An intent's lowest possible position at the destination (IMAP UIDNEXT before the write). */
  watermark: number | null;
  /** A snapshot's content. */
  payload?: unknown;
}

export interface Intent {
  folder: string;
  key: string;
  scope?: string;
  watermark?: number;
}

/**
 * The one journal: what each task created at the destination, and what it replaced. Everything
 * goes intend → confirm (or drop): an intent is written before the write, confirmed with the id
 * the destination gave, dropped when the write did not happen. What is known at once (a folder
 * just made, a snapshot) is recorded in one go.
 */
export class Journal {
  constructor(private readonly db: Db) {}

  /** SQLite: a batch's rows go through statements prepared once (see Db.syncTransaction). */
  private prepared?: ReturnType<typeof prepareStatements>;
  private statements(sqlite: SqliteOrm) {
    return (this.prepared ??= prepareStatements(sqlite, this.db.t.journal as unknown as typeof sqliteSchema.journal));
  }

  async intend(taskId: string, kind: EntryKind, e: Intent, now = Date.now()): Promise<number> {
    return (await this.intendAll(taskId, kind, [e], now))[0]!;
  }

  /**
   * Intents for a whole batch: one multi-row INSERT per chunk (one round trip and one disk sync,
   * not one per item). Ids come back in insertion order (they only grow), whatever order the rows
   * are returned in.
   */
  async intendAll(taskId: string, kind: EntryKind, entries: Intent[], now = Date.now()): Promise<number[]> {
    const { journal } = this.db.t;
    const rowOf = (e: Intent) => ({ taskId, kind, folder: e.folder, key: e.key, scope: e.scope ?? null, watermark: e.watermark ?? null, createdAt: now });
    if (this.db.syncTransaction) return this.db.syncTransaction((sqlite) => entries.map((e) => this.statements(sqlite).intend.get(rowOf(e))!.id));
    const ids: number[] = [];
    for (let i = 0; i < entries.length; i += CHUNK) {
      const rows = entries.slice(i, i + CHUNK).map(rowOf);
      const got = await this.db.orm.insert(journal).values(rows).returning({ id: journal.id });
      ids.push(...got.map((r) => r.id).sort((a, b) => a - b));
    }
    return ids;
  }

  async confirm(id: number, ref: string): Promise<void> {
    await this.settle({ confirmed: [[id, ref]] });
  }

  async drop(id: number): Promise<void> {
    await this.settle({ dropped: [id] });
  }

  /**
   * Many answers at once, in one transaction: intents confirmed with their ids (one UPDATE … CASE
   * per chunk), or dropped (one DELETE per chunk).
   */
  async settle(answers: { confirmed?: Array<[id: number, ref: string]>; dropped?: number[] }): Promise<void> {
    const confirmed = answers.confirmed ?? [];
    const dropped = answers.dropped ?? [];
    if (!confirmed.length && !dropped.length) return;
    if (this.db.syncTransaction) {
      return this.db.syncTransaction((sqlite) => {
        const { confirm, drop } = this.statements(sqlite);
        for (const [id, ref] of confirmed) confirm.run({ id, ref });
        for (const id of dropped) drop.run({ id });
      });
    }
    const { journal } = this.db.t;
    const work = async (tx: Pick<Db['orm'], 'update' | 'delete'>) => {
      for (let i = 0; i < confirmed.length; i += CHUNK) {
        const part = confirmed.slice(i, i + CHUNK);
        const ref = sql`case ${journal.id} ${sql.join(part.map(([id, r]) => sql`when ${id} then ${r}`), sql` `)} end`;
        await tx.update(journal).set({ ref }).where(inArray(journal.id, part.map(([id]) => id)));
      }
      for (let i = 0; i < dropped.length; i += CHUNK) await tx.delete(journal).where(inArray(journal.id, dropped.slice(i, i + CHUNK)));
    };
    // One statement needs no transaction of its own.
    if (confirmed.length + dropped.length <= CHUNK && (!confirmed.length || !dropped.length)) await work(this.db.orm);
    else await this.db.transaction(work);
  }

  /** Something created or replaced and known at once: a folder just made (`ref` its id), a snapshot (`payload`). */
  async record(taskId: string, kind: EntryKind, e: { folder: string; key: string; ref?: string; payload?: unknown }, now = Date.now()): Promise<number> {
    const { journal } = this.db.t;
    const payload = e.payload === undefined ? null : JSON.stringify(e.payload);
    const [row] = await this.db.orm.insert(journal).values({ taskId, kind, folder: e.folder, key: e.key, ref: e.ref ?? null, payload, createdAt: now }).returning({ id: journal.id });
    return row!.id;
  }

  /** A task's entries, oldest first; only some kinds, or one folder, when asked. */
  async entries(taskId: string, filter: { kind?: EntryKind | EntryKind[]; folder?: string } = {}): Promise<JournalEntry[]> {
    const { journal } = this.db.t;
    const conds = [eq(journal.taskId, taskId)];
    if (filter.kind !== undefined) conds.push(Array.isArray(filter.kind) ? inArray(journal.kind, filter.kind) : eq(journal.kind, filter.kind));
    if (filter.folder !== undefined) conds.push(eq(journal.folder, filter.folder));
    const rows = await this.db.orm.select().from(journal).where(and(...conds)).orderBy(asc(journal.id));
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as EntryKind,
      folder: r.folder,
      key: r.key ?? '',
      ref: r.ref,
      scope: r.scope ?? '',
      watermark: r.watermark,
      ...(r.payload == null ? {} : { payload: JSON.parse(r.payload) as unknown }),
    }));
  }

  /** Everything of a task goes (its rollback window closed). */
  async dropTask(taskId: string): Promise<void> {
    const { journal } = this.db.t;
    await this.db.orm.delete(journal).where(eq(journal.taskId, taskId));
  }
}

/** The hot statements of a copy: an intent written, confirmed with its id, or dropped. */
function prepareStatements(sqlite: SqliteOrm, journal: typeof sqliteSchema.journal) {
  const p = (name: string) => sql.placeholder(name);
  return {
    intend: sqlite
      .insert(journal)
      .values({ taskId: p('taskId'), kind: p('kind'), folder: p('folder'), key: p('key'), scope: p('scope'), watermark: p('watermark'), createdAt: p('createdAt') })
      .returning({ id: journal.id })
      .prepare(),
    confirm: sqlite.update(journal).set({ ref: sql`${p('ref')}` }).where(eq(journal.id, p('id'))).prepare(),
    drop: sqlite.delete(journal).where(eq(journal.id, p('id'))).prepare(),
  };
}
