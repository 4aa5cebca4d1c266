import { asc, eq } from 'drizzle-orm';
import type { Db } from './db';
import { batches, batchTasks } from './schema-batches';
import type { RowProblem } from '../batch';

export interface BatchHead {
  id: string;
  requester: string;
  name: string;
  refused: RowProblem[];
  createdAt: number;
}

/** Batches and which tasks (with their CSV lines) each holds. The tasks themselves are ordinary tasks. */
export class BatchStore {
  constructor(private readonly db: Db) {}

  create(head: BatchHead, rows: Array<{ taskId: string; line: number }>): void {
    this.db.transaction((tx) => {
      tx.insert(batches).values({ id: head.id, requester: head.requester, name: head.name, refused: JSON.stringify(head.refused), createdAt: head.createdAt }).run();
      for (const r of rows) tx.insert(batchTasks).values({ batchId: head.id, taskId: r.taskId, line: r.line }).run();
    });
  }

  /** Adds one task (queued after the batch was created, row by row). */
  add(batchId: string, taskId: string, line: number): void {
    this.db.insert(batchTasks).values({ batchId, taskId, line }).run();
  }

  get(id: string): BatchHead | undefined {
    const row = this.db.select().from(batches).where(eq(batches.id, id)).get();
    return row && { id: row.id, requester: row.requester, name: row.name, refused: JSON.parse(row.refused) as RowProblem[], createdAt: row.createdAt };
  }

  tasks(id: string): Array<{ taskId: string; line: number }> {
    return this.db.select({ taskId: batchTasks.taskId, line: batchTasks.line }).from(batchTasks).where(eq(batchTasks.batchId, id)).orderBy(asc(batchTasks.line)).all();
  }

  /** The batch a task belongs to, if any. */
  of(taskId: string): string | undefined {
    return this.db.select({ batchId: batchTasks.batchId }).from(batchTasks).where(eq(batchTasks.taskId, taskId)).get()?.batchId;
  }
}
