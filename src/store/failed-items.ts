import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from './db';
import { failedItems } from './schema';
import type { FailedItem, FailureCategory, FailureCounts } from '../failure-category';
import type { ItemKind } from '../items';

/** The failed items of each task's last pass. */
export class FailedItemStore {
  constructor(private readonly db: Db) {}

  add(taskId: string, item: FailedItem, now = Date.now()): void {
    this.db
      .insert(failedItems)
      .values({
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
      })
      .run();
  }

  /** The first `limit` items, in the order they failed. */
  list(taskId: string, limit = 1000): FailedItem[] {
    return this.db
      .select()
      .from(failedItems)
      .where(eq(failedItems.taskId, taskId))
      .orderBy(asc(failedItems.id))
      .limit(limit)
      .all()
      .map((r) => ({
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

  counts(taskId: string): FailureCounts {
    const rows = this.db
      .select({ category: failedItems.category, n: sql<number>`sum(${failedItems.count})` })
      .from(failedItems)
      .where(eq(failedItems.taskId, taskId))
      .groupBy(failedItems.category)
      .all();
    return Object.fromEntries(rows.map((r) => [r.category, Number(r.n)]));
  }

  /** A new pass starts: what failed before is tried again, and fails again by itself if it must. */
  clear(taskId: string): void {
    this.db.delete(failedItems).where(eq(failedItems.taskId, taskId)).run();
  }
}
