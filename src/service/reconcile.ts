import type { Logger } from '../log';
import type { TaskStore } from '../store/tasks';
import type { TaskQueue } from '../queue/queue';
import type { TaskEvent } from '../task';

/**
 * Keeps the store and the queue from disagreeing for long: a task "queued", "running" or
 * "rolling back" with no run holding it and no live job is either ended or resumed. Runs when a
 * worker starts and every minute after.
 * - The queue gave up on its job (it stalled too often: a worker died on it again and again, or
 *   its attempts ran out): the task fails with the reason, and can be run again, rolled back.
 * - Its job vanished or ended while the task did not (a worker stopped between the two): the job
 *   is queued again, and the run resumes from the journal.
 */
export interface ReconcileDeps {
  tasks: TaskStore;
  queue: TaskQueue;
  log: Logger;
  rollbackWindowMs: number;
  notify: (taskId: string, event: TaskEvent) => Promise<void>;
}

export async function reconcile({ tasks, queue, log, rollbackWindowMs, notify }: ReconcileDeps, now = Date.now()): Promise<string[]> {
  const acted: string[] = [];
  for (const task of await tasks.unfinished()) {
    if (await tasks.leaseHolder(task.id, now)) continue; // a run holds it: alive
    const action = task.status === 'rolling_back' ? 'rollback' : 'migrate';
    const job = await queue.jobOf(task.id, action);
    if (job.state === 'alive') continue;
    // Looked at again: the task may have moved on while the queue was asked.
    if ((await tasks.row(task.id))?.status !== task.status || (await tasks.leaseHolder(task.id))) continue;
    if (job.state === 'failed' && action === 'migrate') {
      const why = job.stalls
        ? 'the workers running it stopped again and again before it finished (killed, or out of memory on this mailbox)'
        : `the queue gave up on it (${job.reason})`;
      const message = `Stopped: ${why}. What was copied stays and is journaled: run the same migration again to go on from there, or roll it back.`;
      if (await tasks.transition(task.id, ['queued', 'running'], 'failed', { endedAt: now, rollbackUntil: now + rollbackWindowMs, error: message })) {
        for (const step of await tasks.steps(task.id)) {
          if (step.status === 'running') await tasks.updateStep(task.id, step.kind, { status: 'failed', endedAt: now, error: message });
        }
        await tasks.closeOpenSteps(task.id, 'skipped', now);
        await tasks.audit(task.id, 'system', 'task.failed', message);
        log.warn({ task: task.id, reason: job.reason }, 'the queue gave up on a task: marked failed');
        await notify(task.id, 'failed');
        acted.push(task.id);
      }
      continue;
    }
    log.warn({ task: task.id, status: task.status, job: job.state }, 'a task had no live job: queued again, it resumes from its journal');
    if (action === 'migrate') {
      await queue.removeEnded(task.id);
      await queue.enqueueMigration(task.id);
    } else {
      await queue.enqueueRollback(task.id);
    }
    await tasks.audit(task.id, 'system', 'task.requeued', `${task.status} with no live job`);
    acted.push(task.id);
  }
  return acted;
}
