import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from './db';
import { journal } from './schema';

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

  intend(taskId: string, kind: EntryKind, e: Intent, now = Date.now()): number {
    const res = this.db.insert(journal).values({ taskId, kind, folder: e.folder, key: e.key, scope: e.scope ?? null, watermark: e.watermark ?? null, createdAt: now }).run();
    return Number(res.lastInsertRowid);
  }

  /** Intents for a whole batch, in one transaction (one disk sync instead of one per item). */
  intendAll(taskId: string, kind: EntryKind, entries: Intent[], now = Date.now()): number[] {
    return this.db.transaction(() => entries.map((e) => this.intend(taskId, kind, e, now)));
  }

  confirm(id: number, ref: string): void {
    this.db.update(journal).set({ ref }).where(eq(journal.id, id)).run();
  }

  drop(id: number): void {
    this.db.delete(journal).where(eq(journal.id, id)).run();
  }

  /** Many answers at once, in one transaction (one disk sync): intents confirmed with their ids, or dropped. */
  settle(answers: { confirmed?: Array<[id: number, ref: string]>; dropped?: number[] }): void {
    if (!answers.confirmed?.length && !answers.dropped?.length) return;
    this.db.transaction(() => {
      for (const [id, ref] of answers.confirmed ?? []) this.confirm(id, ref);
      for (const id of answers.dropped ?? []) this.drop(id);
    });
  }

  /** Something created or replaced and known at once: a folder just made (`ref` its id), a snapshot (`payload`). */
  record(taskId: string, kind: EntryKind, e: { folder: string; key: string; ref?: string; payload?: unknown }, now = Date.now()): number {
    const payload = e.payload === undefined ? null : JSON.stringify(e.payload);
    const res = this.db.insert(journal).values({ taskId, kind, folder: e.folder, key: e.key, ref: e.ref ?? null, payload, createdAt: now }).run();
    return Number(res.lastInsertRowid);
  }

  /** A task's entries, oldest first; only some kinds, or one folder, when asked. */
  entries(taskId: string, filter: { kind?: EntryKind | EntryKind[]; folder?: string } = {}): JournalEntry[] {
    const conds = [eq(journal.taskId, taskId)];
    if (filter.kind !== undefined) conds.push(Array.isArray(filter.kind) ? inArray(journal.kind, filter.kind) : eq(journal.kind, filter.kind));
    if (filter.folder !== undefined) conds.push(eq(journal.folder, filter.folder));
    return this.db
      .select()
      .from(journal)
      .where(and(...conds))
      .orderBy(asc(journal.id))
      .all()
      .map((r) => ({
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
  dropTask(taskId: string): void {
    this.db.delete(journal).where(eq(journal.taskId, taskId)).run();
  }
}
