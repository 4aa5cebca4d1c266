import { sqliteTable, text, integer, primaryKey, index } from 'drizzle-orm/sqlite-core';

/** A batch: many migrations from one CSV, each an ordinary task, followed and cancelled together. */
export const batches = sqliteTable(
  'batches',
  {
    id: text('id').primaryKey(),
    requester: text('requester').notNull(),
    /** The CSV's file name, as shown on the batch card. */
    name: text('name').notNull(),
    /** Rows refused when the batch was queued, as JSON [{ line, column, message }] (no secrets). */
    refused: text('refused').notNull().default('[]'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('batches_requester').on(t.requester)],
);

/** Which tasks a batch holds, with the CSV line each came from. */
export const batchTasks = sqliteTable(
  'batch_tasks',
  {
    batchId: text('batch_id').notNull(),
    taskId: text('task_id').notNull(),
    line: integer('line').notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.taskId] }), index('batch_tasks_task').on(t.taskId)],
);
