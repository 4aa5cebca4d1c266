import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from './db';
import type { FailedItem, FailureCategory, FailureCounts } from '../failure-category';
import type { ItemKind } from '../items';

/** The failed items of each task's last pass. */
export class FailedItemStore {
  constructor(private readonly db: Db) {}

  /**
   * Keeps a failed item. One that failed already in this pass (a resumed attempt tried it again:
   * the worker stopped, a connection dropped) is kept once, with what it said last.
   */
  async add(taskId: string, item: FailedItem, now = Date.now()): Promise<void> {
    const { failedItems } = this.db.t;
    await this.db.transaction(async (tx) => {
      if (item.id !== undefined) {
        await tx
          .delete(failedItems)
          .where(and(eq(failedItems.taskId, taskId), eq(failedItems.kind, item.kind), eq(failedItems.folder, item.folder), eq(failedItems.itemRef, item.id)));
      }
      await tx.insert(failedItems).values({
        taskId,
        kind: item.kind,
        category: item.category,
        reason: item.reason,
        folder: item.folder,
        itemDate: item.date ? Date.parse(item.date) : null,
        subject: item.subject ?? null,
        itemRef: item.id ?? null,
        count: item.count,
        createdAt: now,
      });
    });
  }

  /** The first `limit` items, in the order they failed. */
  async list(taskId: string, limit = 1000): Promise<FailedItem[]> {
    const { failedItems } = this.db.t;
    const rows = await this.db.orm
      .select()
      .from(failedItems)
      .where(eq(failedItems.taskId, taskId))
      .orderBy(asc(failedItems.id))
      .limit(limit);
    return rows.map((r) => ({
        kind: r.kind as ItemKind,
        category: r.category as FailureCategory,
        reason: r.reason,
        folder: r.folder,
        ...(r.itemDate != null ? { date: new Date(r.itemDate).toISOString() } : {}),
        ...(r.subject != null ? { subject: r.subject } : {}),
        ...(r.itemRef != null ? { id: r.itemRef } : {}),
        count: r.count,
      }));
  }

  async counts(taskId: string): Promise<FailureCounts> {
    const { failedItems } = this.db.t;
    const rows = await this.db.orm
      .select({ category: failedItems.category, n: sql<number>`sum(${failedItems.count})` })
      .from(failedItems)
      .where(eq(failedItems.taskId, taskId))
      .groupBy(failedItems.category);
    return Object.fromEntries(rows.map((r) => [r.category, Number(r.n)]));
  }

  /** A new pass starts: what failed before is tried again, and fails again by itself if it must. */
  async clear(taskId: string): Promise<void> {
    const { failedItems } = this.db.t;
    await this.db.orm.delete(failedItems).where(eq(failedItems.taskId, taskId));
  }
}
