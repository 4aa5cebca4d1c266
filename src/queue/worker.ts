import { Worker, type ConnectionOptions } from 'bullmq';
import { QUEUE_NAME, type TaskJob } from './queue';
import { runTask, type EngineDeps } from '../engine/run-task';
import { runRollback } from '../engine/rollback';

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  /** How long a job stays locked without a heartbeat; a dead worker's job is taken over after about this. */
  lockMs: number;
}

/**
 * The worker: runs migrations and rollbacks from the queue. A job whose worker died is "stalled"
 * and handed to another worker, which resumes it from the journal.
 */
export function startWorker(deps: EngineDeps, options: WorkerOptions): Worker<TaskJob> {
  const worker = new Worker<TaskJob>(
    QUEUE_NAME,
    async (job) => {
      const { taskId, action } = job.data;
      if (action === 'rollback') return runRollback(deps, taskId);
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await runTask(deps, taskId, (snapshot) => job.updateProgress({ ...snapshot }), finalAttempt);
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      maxStalledCount: 10,
    },
  );
  worker.on('error', (err) => deps.log.error({ err }, 'worker error'));
  worker.on('failed', (job, err) => deps.log.warn({ task: job?.data.taskId, err: err.message }, 'job attempt failed'));
  return worker;
}
