import type { Logger } from '../log';
import type { TaskStore } from '../store/tasks';
import type { Journal } from '../store/journal';
import type { Vault } from '../store/vault';
import type { AccountEndpoint } from '../ports/account';
import type { LoadConnector } from '../ports/connector';
import type { ItemKind } from '../items';
import type { TaskEvent } from '../task';
import { TernError, isRetryable } from '../errors';
import { ProgressThrottle, type ProgressSink } from './progress';
import type { StepContext } from './context';
import { runEmailStep } from './steps/emails';
import { runPimStep } from './steps/pim';
import { runOofStep, runRulesStep } from './steps/settings';

export interface EngineDeps {
  connectors: LoadConnector;
  tasks: TaskStore;
  journal: Journal;
  vault: Vault;
  log: Logger;
  connectionsPerAccount: number;
  connectTimeoutMs: number;
  imapPipelining: boolean;
  rollbackWindowHours: number;
  /** Tells of a task's moments (never throws). */
  notify?: (taskId: string, event: TaskEvent) => Promise<void>;
}

type StepRunner = (ctx: StepContext) => Promise<{ cancelled: boolean }>;
const STEP_RUNNERS: Record<ItemKind, StepRunner> = {
  emails: runEmailStep,
  contacts: (ctx) => runPimStep(ctx, 'contacts'),
  contactGroups: (ctx) => runPimStep(ctx, 'contactGroups'),
  calendars: (ctx) => runPimStep(ctx, 'calendars'),
  tasks: (ctx) => runPimStep(ctx, 'tasks'),
  inboxRules: runRulesStep,
  outOfOffice: runOofStep,
};

/**
 * Runs (or resumes) a task's steps in order. Steps already done are skipped; a step that was
 * running when a worker died runs again, and its journal keeps it from copying anything twice.
 * `finalAttempt` false lets a transient error escape so the queue retries the task.
 */
export async function runTask(deps: EngineDeps, taskId: string, sink: ProgressSink, finalAttempt = true): Promise<void> {
  const { tasks, log } = deps;
  const row = tasks.row(taskId);
  if (!row || !['queued', 'running'].includes(row.status)) return; // ended already: nothing to do
  const now = Date.now();
  if (!tasks.transition(taskId, ['queued', 'running'], 'running', { startedAt: row.startedAt ?? now })) return;
  await deps.notify?.(taskId, 'started');
  const cancelRequested = () => tasks.row(taskId)?.cancelRequestedAt != null;
  const progress = new ProgressThrottle(async (snapshot) => {
    tasks.updateStep(taskId, snapshot.step, snapshot.counters);
    await sink(snapshot);
  });

  try {
    const ctx: StepContext = {
      taskId,
      source: withPassword(deps, taskId, 'source', JSON.parse(row.source)),
      destination: withPassword(deps, taskId, 'destination', JSON.parse(row.destination)),
      connectors: deps.connectors,
      tasks,
      journal: deps.journal,
      progress,
      cancelRequested,
      connectionsPerAccount: deps.connectionsPerAccount,
      open: { timeoutMs: deps.connectTimeoutMs, pipelining: deps.imapPipelining },
      log,
    };
    let cancelled = false;
    for (const step of tasks.steps(taskId)) {
      if (step.status !== 'pending' && step.status !== 'running') continue;
      if (cancelled || cancelRequested()) {
        cancelled = true;
        tasks.updateStep(taskId, step.kind, { status: 'cancelled', endedAt: Date.now() });
        continue;
      }
      const runner = STEP_RUNNERS[step.kind];
      tasks.updateStep(taskId, step.kind, { status: 'running', startedAt: Date.now(), error: null });
      tasks.audit(taskId, 'worker', 'step.start', step.kind);
      const result = await runner(ctx);
      await progress.flush();
      const status = result.cancelled ? 'cancelled' : 'done';
      tasks.updateStep(taskId, step.kind, { status, endedAt: Date.now() });
      tasks.audit(taskId, 'worker', 'step.end', `${step.kind}: ${status}`);
      cancelled ||= result.cancelled;
    }
    await finish(deps, taskId, cancelled || cancelRequested() ? 'cancelled' : 'completed');
  } catch (err) {
    await progress.flush();
    if (!finalAttempt && isRetryable(err)) {
      log.warn({ task: taskId, code: (err as TernError).code }, 'task attempt failed; it will be retried');
      throw err;
    }
    const message = err instanceof TernError ? err.userMessage : 'Internal error while migrating; the details are in the worker log.';
    if (!(err instanceof TernError)) log.error({ err, task: taskId }, 'task failed with an unexpected error');
    for (const step of tasks.steps(taskId)) {
      if (step.status === 'running') tasks.updateStep(taskId, step.kind, { status: 'failed', endedAt: Date.now(), error: message });
    }
    tasks.closeOpenSteps(taskId, 'skipped');
    await finish(deps, taskId, 'failed', message);
  }
}

async function finish(deps: EngineDeps, taskId: string, status: 'completed' | 'cancelled' | 'failed', error?: string): Promise<void> {
  const now = Date.now();
  deps.tasks.transition(taskId, ['running'], status, {
    endedAt: now,
    rollbackUntil: now + deps.rollbackWindowHours * 3_600_000,
    error: error ?? null,
  });
  deps.tasks.audit(taskId, 'worker', `task.${status}`, error);
  await deps.notify?.(taskId, status);
}

function withPassword(deps: EngineDeps, taskId: string, side: 'source' | 'destination', endpoint: AccountEndpoint) {
  const password = deps.vault.get(taskId, side);
  if (password === undefined) {
    throw new TernError('INVALID_STATE', `The ${side} credentials of task ${taskId} are no longer stored; start a new migration.`);
  }
  return { ...endpoint, password };
}
