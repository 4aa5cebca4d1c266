import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { QUEUE_NAME, type TaskJob } from './queue';
import { runTask, type EngineDeps } from '../engine/run-task';
import { runRollback } from '../engine/rollback';
import { RunningElsewhere } from '../engine/lease';
import { RetryLater } from '../engine/retry';
import { isStoreUnavailable, rootCauseText } from '../store/unavailable';
import type { ProgressSnapshot } from '../engine/progress';
import type { AccountEndpoint } from '../ports/account';
import { slotWaitReason, type HostSlots } from './host-slots';

/** How soon a task waiting for a free slot looks again (plus up to as much again, so waiting tasks spread out). */
const SLOT_RETRY_MS = 5_000;

type Claimed = 'full' | { release(): Promise<void> };

/**
 * Claims the task's slots (overall, its source server, its destination server) before it runs; a
 * full cap leaves the task queued with the reason shown on its card. The claim is renewed while
 * the task runs and released when the run ends.
 */
async function claimSlots(deps: EngineDeps, options: WorkerOptions, taskId: string): Promise<Claimed | undefined> {
  const slots = options.slots;
  const row = await deps.tasks.row(taskId);
  if (!slots?.active || !row || !['queued', 'running'].includes(row.status)) return undefined;
  const source = JSON.parse(row.source) as AccountEndpoint;
  const destination = JSON.parse(row.destination) as AccountEndpoint;
  const hosts = { source: source.protocol === 'pst' ? undefined : source.host, destination: destination.host };
  const claim = await slots.acquire(taskId, hosts);
  if (claim.full) {
    await deps.tasks.update(taskId, { waitingFor: slotWaitReason(claim.full), nextTryAt: Date.now() + SLOT_RETRY_MS });
    return 'full';
  }
  const renewing = setInterval(() => void slots.renew(taskId, hosts).catch(() => {}), Math.max(1_000, Math.floor(options.lockMs / 2)));
  return {
    async release() {
      clearInterval(renewing);
      await slots.release(taskId, hosts).catch(() => {});
    },
  };
}

/** How soon a run stopped by an unreachable store (a PostgreSQL restart) tries again; it resumes from the journal. */
const STORE_RETRY_MS = 3_000;

/** How soon a job whose task another run holds looks again (the lease may be freed long before it runs out). */
const RETRY_ELSEWHERE_MS = 5_000;

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  /** How long a job stays locked without a heartbeat; a dead worker's job is taken over after about this. */
  lockMs: number;
  /** Told of each run's start, progress and end (metrics). */
  observer?: RunObserver;
  /** Caps on running tasks, overall and per server, shared by all workers. */
  slots?: HostSlots;
}

export interface RunObserver {
  started(taskId: string): Promise<void> | void;
  progress(snapshot: ProgressSnapshot): void;
  /** The run ended: with the error it threw, if any (a delayed run is not an end). */
  ended(taskId: string, err?: unknown): void;
}

/**
 * The worker: runs migrations and rollbacks from the queue. A job whose worker died is "stalled"
 * and handed to another worker, which resumes it from the journal. One run per task, always: a
 * task another run still holds waits (its job is delayed), and a run whose worker lost the job's
 * lock is stopped (its task's lease then tells the next run it may go on).
 */
export function startWorker(deps: EngineDeps, options: WorkerOptions): Worker<TaskJob> {
  const worker = new Worker<TaskJob>(
    QUEUE_NAME,
    async (job: Job<TaskJob>, token?: string, signal?: AbortSignal) => {
      const { taskId, action } = job.data;
      const observer = options.observer;
      let claimed: Claimed | undefined;
      try {
        if (action === 'rollback') return await runRollback(deps, taskId, signal);
        claimed = await claimSlots(deps, options, taskId);
        if (claimed === 'full') {
          await job.moveToDelayed(Date.now() + SLOT_RETRY_MS + Math.floor(Math.random() * SLOT_RETRY_MS), token);
          throw new DelayedError();
        }
        await observer?.started(taskId);
        await runTask(
          deps,
          taskId,
          (snapshot) => {
            observer?.progress(snapshot);
            return job.updateProgress({ ...snapshot });
          },
          signal,
        );
        observer?.ended(taskId);
      } catch (err) {
        if (err instanceof DelayedError) throw err;
        const storeGone = isStoreUnavailable(err);
        const delayMs = err instanceof RetryLater ? err.delayMs : err instanceof RunningElsewhere ? Math.min(options.lockMs, RETRY_ELSEWHERE_MS) : storeGone ? STORE_RETRY_MS : undefined;
        if (action === 'migrate') observer?.ended(taskId, delayMs === undefined ? err : undefined);
        if (delayMs === undefined || !token) throw err;
        // Not an attempt used: the job waits, for its server to come back or for the other run to end.
        if (err instanceof RunningElsewhere) deps.log.info({ task: taskId, holder: err.holder }, 'the task is being run elsewhere; trying again later');
        if (storeGone) deps.log.warn({ task: taskId, reason: rootCauseText(err) }, 'the store or the queue cannot be reached; the task resumes from its journal when they answer');
        await job.moveToDelayed(Date.now() + delayMs, token);
        throw new DelayedError();
      } finally {
        if (claimed && claimed !== 'full') await claimed.release();
      }
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
  // The queue gave the job to another worker (this one's lock could not be renewed): stop this run.
  worker.on('lockRenewalFailed', (jobIds) => jobIds.forEach((id) => worker.cancelJob(id, 'lock lost')));
  worker.on('error', (err) => deps.log.error({ err }, 'worker error'));
  worker.on('failed', (job, err) => deps.log.warn({ task: job?.data.taskId, err: err.message }, 'job attempt failed'));
  return worker;
}
