import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';

export const QUEUE_NAME = 'migrations';

/** BullMQ's highest priority number (the lowest priority). */
const MAX_PRIORITY = 2_097_152;

/** A job carries IDs only; credentials stay in the encrypted store. */
export interface TaskJob {
  taskId: string;
  action: 'migrate' | 'rollback';
}

export class TaskQueue {
  readonly queue: Queue<TaskJob>;

  private closing = false;

  constructor(
    readonly connection: ConnectionOptions & { url: string },
    readonly prefix: string,
    onError: (err: Error) => void = () => {},
  ) {
    this.queue = new Queue<TaskJob>(QUEUE_NAME, { connection, prefix });
    // Without a listener a Redis error would crash the process; once closing, a dropped connection is expected.
    this.queue.on('error', (err) => this.closing || onError(err));
  }

  /** The Redis URL (with its password: never shown). */
  get url(): string {
    return this.connection.url;
  }

  /**
   * Queues a task's run. A task started on its own has no priority, so it goes before every batch
   * row (someone waits for it); a batch row has one (see batchPriorityBase), lower going first.
   */
  async enqueueMigration(taskId: string, priority?: number): Promise<void> {
    await this.queue.add('migrate', { taskId, action: 'migrate' }, {
      jobId: taskId,
      ...(priority ? { priority: Math.min(priority, MAX_PRIORITY) } : {}),
      // The engine waits out failures that may pass itself (the job is delayed, no attempt used);
      // a worker that dies is the queue's to see (a stalled job), not an attempt either.
      attempts: 1,
      removeOnComplete: { age: 7 * 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    });
  }

  async enqueueRollback(taskId: string): Promise<void> {
    // A rollback may be asked for again after one failed, hence a fresh job ID each time.
    await this.queue.add('rollback', { taskId, action: 'rollback' }, { jobId: `${taskId}.rollback.${Date.now()}`, removeOnComplete: true, removeOnFail: { age: 7 * 86_400 } });
  }

  /**
   * Whether a job for the task is alive in the queue (waiting, delayed, running), or what became
   * of it: 'failed' (the queue gave up on it, with its reason), 'done', or 'none'.
   */
  async jobOf(taskId: string, action: TaskJob['action']): Promise<{ state: 'alive' | 'done' | 'none' } | { state: 'failed'; reason: string; stalls: boolean }> {
    const job =
      action === 'migrate'
        ? await this.queue.getJob(taskId)
        : (await this.queue.getJobs(['active', 'waiting', 'delayed', 'prioritized'])).find((j) => j?.data.action === 'rollback' && j.data.taskId === taskId);
    if (!job) return { state: 'none' };
    const state = await job.getState();
    if (state === 'failed') return { state: 'failed', reason: job.failedReason ?? 'unknown', stalls: /stalled/i.test(job.failedReason ?? '') };
    if (state === 'completed' || state === 'unknown') return { state: 'done' };
    return { state: 'alive' };
  }

  /**
   * Fair turns between batches: row i of a batch is queued at priority base + i, where base is the
   * priority of the batch row queued next now. A new batch's first row thus ranks with the rows
   * every earlier batch runs next, and batches take turns, one task each, instead of the newest
   * waiting for hundreds of rows queued before it. Rows of equal priority run in the order queued.
   */
  async batchPriorityBase(): Promise<number> {
    const [next] = await this.queue.getJobs(['prioritized'], 0, 0, true);
    return Math.max(1, next?.priority ?? 1);
  }

  /** Removes an ended job of the task, so that the task can be queued again under its ID. */
  async removeEnded(taskId: string): Promise<void> {
    const job = await this.queue.getJob(taskId);
    if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove();
  }

  /** Runs a delayed job now (a task paused for a sign-in, once signed in). */
  async wake(taskId: string): Promise<void> {
    const job = await this.queue.getJob(taskId);
    if (job && (await job.isDelayed())) await job.promote().catch(() => {});
  }

  /** Drops a job that no worker has taken yet (a cancelled queued task). */
  async removeWaiting(taskId: string): Promise<void> {
    const job = await this.queue.getJob(taskId);
    if (job && (await job.isWaiting())) await job.remove().catch(() => {});
  }

  /** Progress, completions and failures of this queue's jobs, from any worker. */
  events(): QueueEvents {
    return createQueueEvents(this.connection, this.prefix);
  }

  async workerCount(): Promise<number> {
    return (await this.queue.getWorkers()).length;
  }

  async close(): Promise<void> {
    this.closing = true;
    // Closing while BullMQ still sets its connection up makes ioredis emit an error nobody hears
    // (a short CLI command like `tern detect`): let the set-up finish first.
    await this.queue.waitUntilReady().catch(() => {});
    await this.queue.close();
  }
}

export function createQueueEvents(connection: ConnectionOptions, prefix: string): QueueEvents {
  const events = new QueueEvents(QUEUE_NAME, { connection, prefix });
  // A lost connection only delays updates: followers also poll the store. Unheard, it would crash the process.
  events.on('error', () => {});
  return events;
}
