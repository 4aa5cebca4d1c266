import type { Logger } from '../log';
import type { TaskStore } from '../store/tasks';
import type { Journal } from '../store/journal';
import type { FolderSyncStore } from '../store/folder-sync';
import type { Vault } from '../store/vault';
import type { AccountEndpoint, TokenSource } from '../ports/account';
import { credentialsOf } from './credentials';
import type { LoadConnector } from '../ports/connector';
import type { ItemKind } from '../items';
import type { StepCounters, TaskEvent } from '../task';
import { TernError, isRetryable } from '../errors';
import { ProgressThrottle, type ProgressSink } from './progress';
import type { StepContext, StepResult } from './context';
import { RunLease, RunningElsewhere } from './lease';
import { RetryLater, backoffMs } from './retry';
import { leasedJournal } from './run-journal';
import { runEmailStep } from './steps/emails';
import { runPimStep } from './steps/pim';
import { runOofStep, runRulesStep } from './steps/settings';
import { boundedWords, categorize, factsOf } from '../failure-category';

export interface EngineDeps {
  connectors: LoadConnector;
  tasks: TaskStore;
  journal: Journal;
  /** Per-folder sync state between accounts, for instant re-runs (optional: without it every folder is compared in full). */
  syncStates?: FolderSyncStore;
  vault: Vault;
  log: Logger;
  /** Who runs (host, process): recorded with the run lease. */
  workerId: string;
  /** How long a run's lease lasts unrenewed: a dead worker's task is taken over after about this. */
  leaseMs: number;
  connectionsPerAccount: number;
  connectTimeoutMs: number;
  /** How long a task waits out servers that are unreachable or busy, from its last progress, before it fails. */
  retryWindowMs: number;
  imapPipelining: boolean;
  rollbackWindowHours: number;
  /** OAuth2 accounts' access tokens (from what the vault kept: a given token, or their sign-in). */
  tokens?: TokenSource;
  /** A local file holding a stored upload (blob key), for the PST reader; unset: `file` is read as it is. */
  blobFile?: (key: string) => Promise<string>;
  /** Tells of a task's moments (never throws). */
  notify?: (taskId: string, event: TaskEvent) => Promise<void>;
}

type StepRunner = (ctx: StepContext) => Promise<StepResult>;
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
 * A failure that may pass (a server unreachable or busy, a dropped connection) throws RetryLater:
 * the task waits, says what for and when it tries again, and goes on from where it stopped, for
 * up to `retryWindowMs` without progress. Throws RunningElsewhere while another run holds the
 * task; `signal` aborts when the worker lost the job.
 */
export async function runTask(deps: EngineDeps, taskId: string, sink: ProgressSink, signal?: AbortSignal): Promise<void> {
  const { tasks } = deps;
  const row = await tasks.row(taskId);
  if (!row || !['queued', 'running'].includes(row.status)) return; // ended already: nothing to do
  const lease = await RunLease.take(tasks, taskId, deps.workerId, deps.leaseMs, signal);
  if (!lease) throw new RunningElsewhere(taskId, await tasks.leaseHolder(taskId));
  try {
    await runSteps(deps, taskId, row, lease, sink);
  } finally {
    await lease.release();
  }
}

async function runSteps(deps: EngineDeps, taskId: string, row: NonNullable<Awaited<ReturnType<TaskStore['row']>>>, lease: RunLease, sink: ProgressSink): Promise<void> {
  const { tasks, log } = deps;
  // Trying again: no longer waiting, though the outage counts on until something moves.
  if (!await tasks.transition(taskId, ['queued', 'running'], 'running', { startedAt: row.startedAt ?? Date.now(), waitingFor: null, nextTryAt: null })) return;
  if (row.startedAt == null) await deps.notify?.(taskId, 'started');
  const cancelRequested = async () => (await tasks.row(taskId))?.cancelRequestedAt != null;
  // A resumed step recounts from what is really there; until it is done, its progress never shows less than before.
  const floors = new Map((await tasks.steps(taskId)).map((s) => [s.kind, s]));
  let progressed = false;
  const progress = new ProgressThrottle(async (snapshot) => {
    const counters = atLeast(snapshot.counters, floors.get(snapshot.step));
    const before = floors.get(snapshot.step);
    if (!progressed && (!before || handled(counters) > handled(before))) await markProgress();
    await tasks.updateStep(taskId, snapshot.step, counters);
    await sink({ ...snapshot, counters });
  });
  // Moving again: an outage later on starts its own waiting time.
  const markProgress = async () => {
    progressed = true;
    await tasks.update(taskId, { waitingSince: null, retries: 0 });
  };

  try {
    const ctx: StepContext = {
      taskId,
      source: await credentialsOf(deps, taskId, 'source', await withLocalFile(deps, JSON.parse(row.source))),
      destination: await credentialsOf(deps, taskId, 'destination', JSON.parse(row.destination)),
      connectors: deps.connectors,
      tasks,
      // A copy stopped by a shutdown still journals the answers to what it sent (its next batch is never started).
      journal: leasedJournal(deps.journal, lease, { answersWhileStopping: true }),
      // A run that lost its task writes no sync state either.
      syncStates: deps.syncStates && {
        get: (...a) => deps.syncStates!.get(...a),
        put: async (...a) => (await lease.check(), deps.syncStates!.put(...a)),
        drop: async (...a) => (await lease.check(), deps.syncStates!.drop(...a)),
      },
      progress,
      cancelRequested,
      ensureRunning: () => lease.check(),
      stop: lease.stopSignal,
      connectionsPerAccount: deps.connectionsPerAccount,
      open: { timeoutMs: deps.connectTimeoutMs, pipelining: deps.imapPipelining },
      log,
      options: row.options ? JSON.parse(row.options) : undefined,
    };
    let cancelled = false;
    for (const step of await tasks.steps(taskId)) {
      if (step.status !== 'pending' && step.status !== 'running') continue;
      if (cancelled || (await cancelRequested())) {
        // Cancelled while paused for a sign-in: what it had not copied is reported under "sign-in expired".
        if (!cancelled && step.status === 'running' && pausedForSignIn(row)) await leftUncopied(deps, taskId, step.kind, new TernError('SIGN_IN_NEEDED', row.waitingFor!), row.waitingFor!);
        cancelled = true;
        await tasks.updateStep(taskId, step.kind, { status: 'cancelled', endedAt: Date.now() });
        continue;
      }
      const runner = STEP_RUNNERS[step.kind];
      await lease.check();
      await tasks.updateStepAudited(taskId, step.kind, { status: 'running', startedAt: Date.now(), error: null }, { actor: 'worker', action: 'step.start', detail: step.kind });
      const result = await runner(ctx);
      await progress.flush();
      await lease.check();
      const status = result.cancelled ? 'cancelled' : 'done';
      // The step's own counters, exact now that it has recounted everything.
      await tasks.updateStepAudited(taskId, step.kind, { ...result.counters, status, endedAt: Date.now() }, { actor: 'worker', action: 'step.end', detail: `${step.kind}: ${status}` });
      if (!progressed) await markProgress();
      cancelled ||= result.cancelled;
    }
    await lease.check();
    // Every step ran to its end; items that failed (each folder says which and why) make it so.
    const failed = (await tasks.steps(taskId)).some((s) => s.failed > 0);
    await finish(deps, taskId, cancelled || (await cancelRequested()) ? 'cancelled' : failed ? 'completed_with_errors' : 'completed');
  } catch (err) {
    await progress.flush();
    if (err instanceof TernError && err.code === 'RUN_STOPPED') {
      // Another run holds the task now: it, not this one, says how the task ends.
      log.warn({ task: taskId }, err.userMessage);
      return;
    }
    if (err instanceof TernError && err.code === 'SIGN_IN_NEEDED') throw await waitForSignIn(deps, taskId, err);
    const waited = isRetryable(err) && (await waitFor(deps, taskId, err as TernError));
    if (waited) throw waited;
    let message = err instanceof TernError ? err.userMessage : 'Internal error while migrating; the details are in the worker log.';
    if (isRetryable(err)) message += ` (tried again for ${spell(deps.retryWindowMs)} without getting further)`;
    if (!(err instanceof TernError)) log.error({ err, task: taskId }, 'task failed with an unexpected error');
    for (const step of await tasks.steps(taskId)) {
      if (step.status !== 'running') continue;
      await tasks.updateStep(taskId, step.kind, { status: 'failed', endedAt: Date.now(), error: message });
      await leftUncopied(deps, taskId, step.kind, err, message);
    }
    await tasks.closeOpenSteps(taskId, 'skipped');
    await finish(deps, taskId, 'failed', message);
  }
}

/**
 * A failure that may pass: the task waits (it says what for and until when) and is tried again
 * later, unless it has waited the whole window since it last moved; then undefined.
 */
async function waitFor(deps: EngineDeps, taskId: string, err: TernError): Promise<RetryLater | undefined> {
  const now = Date.now();
  const row = (await deps.tasks.row(taskId))!;
  const since = row.waitingSince ?? now;
  if (now - since >= deps.retryWindowMs) return undefined;
  const retries = row.retries + 1;
  const delayMs = backoffMs(retries);
  await deps.tasks.update(taskId, { waitingSince: since, waitingFor: err.userMessage, nextTryAt: now + delayMs, retries });
  await deps.tasks.audit(taskId, 'worker', 'task.waiting', err.userMessage);
  deps.log.warn({ task: taskId, code: err.code, retries, delayMs }, 'a server is unreachable or busy; the task will try again');
  return new RetryLater(taskId, delayMs);
}

/**
 * A task that stops leaves the items of its unfinished folders uncopied: they are reported under
 * the category of what stopped it (network, throttled, sign-in…), one line per folder. A folder's
 * report starts again from nothing on each attempt, so what earlier attempts copied into it (its
 * journaled messages) is not counted as left.
 */
async function leftUncopied(deps: EngineDeps, taskId: string, kind: ItemKind, err: unknown, message: string): Promise<void> {
  const facts = { ...factsOf(err), text: message };
  const journaled = new Map<string, number>();
  for (const e of await deps.journal.entries(taskId, { kind: 'message' })) if (e.ref !== null) journaled.set(e.folder, (journaled.get(e.folder) ?? 0) + 1);
  for (const f of await deps.tasks.folderReports(taskId)) {
    if (f.status === 'done' || f.status === 'cancelled') continue;
    const accounted = Math.max(f.copied + f.alreadyPresent, journaled.get(f.destinationFolder) ?? 0);
    const count = f.sourceCount - accounted - f.failed;
    if (count <= 0) continue;
    await deps.tasks.failed.add(taskId, { kind, category: categorize(facts), reason: boundedWords(`not copied, the task stopped: ${message}`), folder: f.sourceFolder, count });
  }
}

/** How often a task paused for a sign-in looks again by itself (a new sign-in wakes it at once). */
export const SIGN_IN_RECHECK_MS = 60_000;

/**
 * An OAuth2 account must sign in again (its sign-in revoked or expired): the task pauses, saying so,
 * however long it takes; what it copied stays, and it goes on from there after the new sign-in.
 */
async function waitForSignIn(deps: EngineDeps, taskId: string, err: TernError): Promise<RetryLater> {
  await deps.tasks.update(taskId, { waitingSince: null, waitingFor: err.userMessage, nextTryAt: Date.now() + SIGN_IN_RECHECK_MS, retries: 0 });
  await deps.tasks.audit(taskId, 'worker', 'task.waiting_sign_in', err.userMessage);
  deps.log.warn({ task: taskId, side: err.side }, 'an account must sign in again; the task is paused');
  return new RetryLater(taskId, SIGN_IN_RECHECK_MS);
}

/** Whether the task was paused by waitForSignIn (which, unlike an outage's wait, counts no waiting time). */
const pausedForSignIn = (row: NonNullable<Awaited<ReturnType<TaskStore['row']>>>) => row.status === 'running' && row.waitingFor != null && row.waitingSince == null;

const spell = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} seconds`);

const handled = (c: StepCounters) => c.copied + c.alreadyPresent + c.failed;

/** Progress at least what it was when the run began (a resumed step has not recounted yet); failures as they are now. */
function atLeast(counters: StepCounters, floor: StepCounters | undefined): StepCounters {
  if (!floor) return counters;
  return {
    total: Math.max(counters.total, floor.total),
    copied: Math.max(counters.copied, floor.copied),
    alreadyPresent: Math.max(counters.alreadyPresent, floor.alreadyPresent),
    failed: counters.failed,
    bytes: Math.max(counters.bytes, floor.bytes),
    ...(counters.totalBytes !== undefined ? { totalBytes: counters.totalBytes } : {}),
  };
}

async function finish(deps: EngineDeps, taskId: string, status: 'completed' | 'completed_with_errors' | 'cancelled' | 'failed', error?: string): Promise<void> {
  const now = Date.now();
  // The lease goes with the end, in the same write: a rollback asked for at once finds the task free.
  // The end and its audit entry in one transaction: a worker killed in between leaves the task
  // running, for another worker to end (once).
  const ended = await deps.tasks.transitionAudited(
    taskId,
    ['running'],
    status,
    { endedAt: now, rollbackUntil: now + deps.rollbackWindowHours * 3_600_000, error: error ?? null, leaseHolder: null, leaseUntil: null, waitingSince: null, waitingFor: null, nextTryAt: null, retries: 0 },
    { actor: 'worker', action: `task.${status}`, detail: error },
    now,
  );
  if (ended) await deps.notify?.(taskId, status);
}

/** A PST kept in the blob store is read from a local file (fetched on this machine when needed). */
async function withLocalFile(deps: EngineDeps, endpoint: AccountEndpoint): Promise<AccountEndpoint> {
  if (!endpoint.blob || !deps.blobFile) return endpoint;
  return { ...endpoint, file: await deps.blobFile(endpoint.blob) };
}

