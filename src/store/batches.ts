import { asc, eq } from 'drizzle-orm';
import type { Db } from './db';
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

  async create(head: BatchHead, rows: Array<{ taskId: string; line: number }>): Promise<void> {
    const { batches, batchTasks } = this.db.t;
    await this.db.transaction(async (tx) => {
      await tx.insert(batches).values({ id: head.id, requester: head.requester, name: head.name, refused: JSON.stringify(head.refused), createdAt: head.createdAt });
      if (rows.length) await tx.insert(batchTasks).values(rows.map((r) => ({ batchId: head.id, taskId: r.taskId, line: r.line })));
    });
  }

  /** Adds one task (queued after the batch was created, row by row). */
  async add(batchId: string, taskId: string, line: number): Promise<void> {
    await this.db.orm.insert(this.db.t.batchTasks).values({ batchId, taskId, line });
  }

  async get(id: string): Promise<BatchHead | undefined> {
    const { batches } = this.db.t;
    const [row] = await this.db.orm.select().from(batches).where(eq(batches.id, id));
    return row && { id: row.id, requester: row.requester, name: row.name, refused: JSON.parse(row.refused) as RowProblem[], createdAt: row.createdAt };
  }

  async tasks(id: string): Promise<Array<{ taskId: string; line: number }>> {
    const { batchTasks } = this.db.t;
    return this.db.orm.select({ taskId: batchTasks.taskId, line: batchTasks.line }).from(batchTasks).where(eq(batchTasks.batchId, id)).orderBy(asc(batchTasks.line));
  }

  /** The batch a task belongs to, if any. */
  async of(taskId: string): Promise<string | undefined> {
    const { batchTasks } = this.db.t;
    const [row] = await this.db.orm.select({ batchId: batchTasks.batchId }).from(batchTasks).where(eq(batchTasks.taskId, taskId));
    return row?.batchId;
  }
}
