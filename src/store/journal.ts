import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from './db';
import { journal } from './schema';

export interface JournalMessage {
  id: number;
  folder: string;
  uidValidity: string;
  uid: number | null;
  minUid: number | null;
  dedupeKey: string | null;
}

export type RefKind = 'message' | 'item';

/** An Exchange row: `ref` is null for an intent whose CreateItem answer never came. */
export interface JournalRef {
  id: number;
  kind: RefKind;
  folder: string;
  key: string;
  ref: string | null;
}

/** The rollback journal: what a task created at the destination, and nothing else. */
export class Journal {
  constructor(private readonly db: Db) {}

  /** `ref`: the FolderId, for Exchange destinations. */
  addFolder(taskId: string, folder: string, now = Date.now(), ref?: string): void {
    this.db.insert(journal).values({ taskId, kind: 'folder', folder, itemRef: ref ?? null, createdAt: now }).run();
  }

  /** An intent, written before the APPEND; confirm() fills in the UID the server gave. */
  addMessageIntent(taskId: string, folder: string, uidValidity: string, dedupeKey: string, minUid: number, now = Date.now()): number {
    const res = this.db.insert(journal).values({ taskId, kind: 'message', folder, uidValidity, dedupeKey, minUid, createdAt: now }).run();
    return Number(res.lastInsertRowid);
  }

  confirm(id: number, uid: number): void {
    this.db.update(journal).set({ uid }).where(eq(journal.id, id)).run();
  }

  remove(id: number): void {
    this.db.delete(journal).where(eq(journal.id, id)).run();
  }

  createdFolders(taskId: string): string[] {
    return this.db
      .select({ folder: journal.folder })
      .from(journal)
      .where(and(eq(journal.taskId, taskId), eq(journal.kind, 'folder')))
      .orderBy(desc(journal.id))
      .all()
      .map((r) => r.folder);
  }

  messages(taskId: string, folder?: string): JournalMessage[] {
    const conds = [eq(journal.taskId, taskId), eq(journal.kind, 'message')];
    if (folder !== undefined) conds.push(eq(journal.folder, folder));
    return this.db
      .select({ id: journal.id, folder: journal.folder, uidValidity: journal.uidValidity, uid: journal.uid, minUid: journal.minUid, dedupeKey: journal.dedupeKey })
      .from(journal)
      .where(and(...conds))
      .all()
      .map((r) => ({ ...r, uidValidity: r.uidValidity ?? '' }));
  }

  /** Folders the task created at an Exchange destination, newest first, with their FolderIds. */
  createdFolderRefs(taskId: string): Array<{ folder: string; ref: string }> {
    return this.db
      .select({ folder: journal.folder, ref: journal.itemRef })
      .from(journal)
      .where(and(eq(journal.taskId, taskId), eq(journal.kind, 'folder')))
      .orderBy(desc(journal.id))
      .all()
      .flatMap((r) => (r.ref ? [{ folder: r.folder, ref: r.ref }] : []));
  }

  /**
   * Exchange: an intent written before CreateItem ("message" for mail, "item" for contacts,
   * groups, events, tasks); `key` is the message's dedupe key or the item's Tern stamp.
   */
  addRefIntent(taskId: string, kind: RefKind, folder: string, key: string, now = Date.now()): number {
    const res = this.db.insert(journal).values({ taskId, kind, folder, dedupeKey: key, createdAt: now }).run();
    return Number(res.lastInsertRowid);
  }

  confirmRef(id: number, ref: string): void {
    this.db.update(journal).set({ itemRef: ref }).where(eq(journal.id, id)).run();
  }

  refs(taskId: string, kind?: RefKind, folder?: string): JournalRef[] {
    const conds = [eq(journal.taskId, taskId), kind ? eq(journal.kind, kind) : inArray(journal.kind, ['message', 'item'])];
    if (folder !== undefined) conds.push(eq(journal.folder, folder));
    return this.db
      .select({ id: journal.id, kind: journal.kind, folder: journal.folder, key: journal.dedupeKey, ref: journal.itemRef })
      .from(journal)
      .where(and(...conds))
      .all()
      .map((r) => ({ ...r, kind: r.kind as RefKind, key: r.key ?? '' }));
  }

  /** Keeps what the task is about to replace (the first time only: a resumed task must not overwrite it). */
  saveSnapshot(taskId: string, name: string, payload: unknown, now = Date.now()): void {
    if (this.snapshot(taskId, name) !== undefined) return;
    this.db.insert(journal).values({ taskId, kind: 'snapshot', folder: name, payload: JSON.stringify(payload), createdAt: now }).run();
  }

  snapshot<T>(taskId: string, name: string): T | undefined {
    const row = this.db
      .select({ payload: journal.payload })
      .from(journal)
      .where(and(eq(journal.taskId, taskId), eq(journal.kind, 'snapshot'), eq(journal.folder, name)))
      .get();
    return row?.payload == null ? undefined : (JSON.parse(row.payload) as T);
  }

  removeSnapshot(taskId: string, name: string): void {
    this.db.delete(journal).where(and(eq(journal.taskId, taskId), eq(journal.kind, 'snapshot'), eq(journal.folder, name))).run();
  }

  removeFolder(taskId: string, folder: string): void {
    this.db.delete(journal).where(and(eq(journal.taskId, taskId), eq(journal.kind, 'folder'), eq(journal.folder, folder))).run();
  }

  purge(taskId: string): void {
    this.db.delete(journal).where(eq(journal.taskId, taskId)).run();
  }
}
