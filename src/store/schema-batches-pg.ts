import { pgTable, text, bigint, primaryKey, index } from 'drizzle-orm/pg-core';

// The PostgreSQL twin of schema-batches.ts (kept equal by test/store-schema.test.ts).

/** A batch: many migrations from one CSV, each an ordinary task, followed and cancelled together. */
export const batches = pgTable(
  'batches',
  {
    id: text('id').primaryKey(),
    requester: text('requester').notNull(),
    /** The CSV's file name, as shown on the batch card. */
    name: text('name').notNull(),
    /** Rows refused when the batch was queued, as JSON [{ line, column, message }] (no secrets). */
    refused: text('refused').notNull().default('[]'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('batches_requester').on(t.requester)],
);

/** Which tasks a batch holds, with the CSV line each came from. */
export const batchTasks = pgTable(
  'batch_tasks',
  {
    batchId: text('batch_id').notNull(),
    taskId: text('task_id').notNull(),
    line: bigint('line', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.taskId] }), index('batch_tasks_task').on(t.taskId)],
);
