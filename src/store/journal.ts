import { and, desc, eq } from 'drizzle-orm';
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

/** The rollback journal: what a task created at the destination, and nothing else. */
export class Journal {
  constructor(private readonly db: Db) {}

  addFolder(taskId: string, folder: string, now = Date.now()): void {
    this.db.insert(journal).values({ taskId, kind: 'folder', folder, createdAt: now }).run();
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

  removeFolder(taskId: string, folder: string): void {
    this.db.delete(journal).where(and(eq(journal.taskId, taskId), eq(journal.kind, 'folder'), eq(journal.folder, folder))).run();
  }

  purge(taskId: string): void {
    this.db.delete(journal).where(eq(journal.taskId, taskId)).run();
  }
}
