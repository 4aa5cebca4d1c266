import type { AccountCredentials } from '../connectors/types';
import { endpointOf } from '../accounts';
import { checkItemsSupported, type ItemKind } from '../items';
import { newTaskId, normalizeTaskId } from '../ids';
import { TernError } from '../errors';
import { isEnded, type TaskView } from '../task';
import type { Runtime } from './runtime';
import type { Actor } from './actor';
import { checkAccounts } from './check-accounts';
import { createQueueEvents } from '../queue/queue';
import { startWorker } from '../queue/worker';
import type { EngineDeps } from '../engine/run-task';
import type { MessageRef } from '../store/messages';
import { TaskFeed } from '../notify/task-feed';
import { checkPstFile } from './uploads';

export interface CreateTaskInput {
  source: AccountCredentials;
  destination: AccountCredentials;
  items: ItemKind[];
  notify?: string;
}

const PURGE_EVERY_MS = 10 * 60_000;

/** The domain's one entry point for commands and adapters. */
export class TernService {
  constructor(private readonly rt: Runtime) {}

  /** Checks both logins, then stores and queues the task. Nothing is queued when a check fails. */
  async create(input: CreateTaskInput, actor: Actor): Promise<TaskView> {
    checkItemsSupported(input.items, input.source.protocol, input.destination.protocol);
    this.checkNotify(input.notify);
    await checkAccounts(input.source, input.destination, this.rt.config.connectTimeoutMs);
    const id = newTaskId();
    this.rt.tasks.create({ id, requester: actor.id, source: endpointOf(input.source), destination: endpointOf(input.destination), items: input.items, notify: input.notify });
    this.rt.vault.put(id, 'source', input.source.password);
    this.rt.vault.put(id, 'destination', input.destination.password);
    this.rt.tasks.audit(id, actor.id, 'task.create', input.items.join(','));
    await this.rt.queue.enqueueMigration(id);
    return this.rt.tasks.get(id)!;
  }

  /**
   * A task as its requester or an admin sees it; anyone else must also give the source address
   * the task was started with.
   */
  status(taskId: string, actor: Actor, sourceEmail?: string): TaskView {
    const task = this.find(taskId);
    const mayFollow = actor.admin || task.requester === actor.id || (sourceEmail !== undefined && sourceEmail.trim().toLowerCase() === task.sourceEndpoint.user.toLowerCase());
    if (!mayFollow) {
      throw new TernError('FORBIDDEN', `To follow ${task.id}, give its source e-mail address as well.`);
    }
    return task;
  }

  list(actor: Actor, options: { all?: boolean } = {}): TaskView[] {
    return this.rt.tasks.list({ requester: options.all && actor.admin ? undefined : actor.id });
  }

  /** Cancel: a queued task ends at once; a running one finishes the folder in progress, then stops. */
  async cancel(taskId: string, actor: Actor): Promise<TaskView> {
    const task = this.authorised(taskId, actor, 'cancel');
    if (task.cancelling) throw new TernError('INVALID_STATE', `${task.id} is already being cancelled.`);
    if (task.status !== 'queued' && task.status !== 'running') {
      throw new TernError('INVALID_STATE', `${task.id} has already ended (${task.status.replace('_', ' ')}); there is nothing to cancel.`);
    }
    const now = Date.now();
    this.rt.tasks.update(task.id, { cancelRequestedAt: now, cancelledBy: actor.label }, now);
    if (this.rt.tasks.transition(task.id, ['queued'], 'cancelled', { endedAt: now, rollbackUntil: now + this.rollbackWindowMs() })) {
      this.rt.tasks.closeOpenSteps(task.id, 'cancelled', now);
      await this.rt.queue.removeWaiting(task.id);
      this.rt.tasks.audit(task.id, actor.id, 'task.cancel');
      await this.rt.notify(task.id, 'cancelled');
      return this.rt.tasks.get(task.id)!;
    }
    this.rt.tasks.audit(task.id, actor.id, 'task.cancel');
    return this.rt.tasks.get(task.id)!;
  }

  /** Queues the removal of what the task created; allowed within the rollback window after it ended. */
  async rollback(taskId: string, actor: Actor): Promise<TaskView> {
    const task = this.authorised(taskId, actor, 'roll back');
    if (task.status === 'rolling_back') throw new TernError('INVALID_STATE', `${task.id} is already being rolled back.`);
    if (task.status === 'rolled_back') throw new TernError('INVALID_STATE', `${task.id} has already been rolled back.`);
    if (!isEnded(task.status)) throw new TernError('INVALID_STATE', `${task.id} is still ${task.status}: cancel it first, then roll it back.`);
    if (!task.canRollback) throw new TernError('ROLLBACK_EXPIRED', `The rollback window of ${task.id} has closed (${this.rt.config.rollbackWindowHours} h after it ended).`);
    if (!this.rt.tasks.transition(task.id, ['completed', 'failed', 'cancelled'], 'rolling_back', { endStatus: task.status, rollbackError: null })) {
      throw new TernError('INVALID_STATE', `${task.id} changed state meanwhile; try again.`);
    }
    this.rt.tasks.audit(task.id, actor.id, 'task.rollback');
    await this.rt.queue.enqueueRollback(task.id);
    return this.rt.tasks.get(task.id)!;
  }

  /**
   * Calls onUpdate as progress arrives (job progress through QueueEvents, plus a slow poll of the
   * store as a safety net) until `done(task)` holds; returns that last view.
   */
  async follow(taskId: string, done: (t: TaskView) => boolean, onUpdate: (t: TaskView) => void = () => {}, signal?: AbortSignal): Promise<TaskView> {
    const id = this.find(taskId).id;
    const events = createQueueEvents(this.rt.connection, this.rt.config.redisPrefix);
    let poll: NodeJS.Timeout | undefined;
    try {
      return await new Promise<TaskView>((resolve, reject) => {
        // Stopping to follow leaves the task alone: it goes on (or resumes) in a worker.
        const onAbort = () => reject(new TernError('INTERRUPTED', `Stopped following ${id}; the task goes on in a worker (tern status ${id}).`));
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const check = () => {
          try {
            const view = this.rt.tasks.get(id)!;
            onUpdate(view);
            if (done(view)) resolve(view);
          } catch (err) {
            reject(err);
          }
        };
        events.on('progress', ({ jobId }) => jobId === id && check());
        events.on('completed', check);
        events.on('failed', check);
        poll = setInterval(check, 1000);
        events.waitUntilReady().then(check, reject);
      });
    } finally {
      clearInterval(poll);
      await events.close();
    }
  }

  /**
   * Imports a .pst file into a mailbox. The file is checked first (PST signature); reading PST
   * files is not built yet, so a valid file gets a clear "not available yet".
   */
  async importPst(req: { file: string; fileName: string; destination: AccountCredentials; items: ItemKind[] }, actor: Actor): Promise<TaskView> {
    await checkPstFile(req.file, req.fileName);
    this.rt.tasks.audit(null, actor.id, 'pst.import_refused', req.fileName);
    throw new TernError('NOT_AVAILABLE', `PST import is not available yet: ${req.fileName} was received and checked, but Tern cannot read PST files so far.`);
  }

  /** Where a task's status card lives on a chat surface. */
  saveCard(ref: Omit<MessageRef, 'announced' | 'finalPosted'>): void {
    this.rt.messages.save(ref);
  }

  card(taskId: string, surface: string): MessageRef | undefined {
    return this.rt.messages.get(taskId, surface);
  }

  /** Cards still to keep up to date (a restarted bot resumes them). */
  openCards(surface: string): MessageRef[] {
    return this.rt.messages.open(surface);
  }

  recordAnnounced(taskId: string, surface: string, announced: Record<string, string>, finalPosted: boolean): void {
    this.rt.messages.setAnnounced(taskId, surface, announced);
    this.rt.messages.setFinalPosted(taskId, surface, finalPosted);
  }

  /** Changes of the tasks whose cards `surface` keeps up to date. */
  feed(surface: string): TaskFeed {
    return new TaskFeed(this.rt, () => this.openCards(surface).map((c) => c.taskId));
  }

  /** A task for its status card: the card is public in its channel already, so no follow rule applies. */
  view(taskId: string): TaskView {
    return this.find(taskId);
  }

  /** Records who did what from a chat surface. */
  audit(taskId: string, actor: Actor, action: string, detail?: string): void {
    this.rt.tasks.audit(taskId, actor.id, action, detail);
  }

  /**
   * Runs a worker in this process (for `tern migrate` when none is running, and `tern worker`).
   * Workers also close rollback windows as they pass.
   */
  startWorker() {
    const worker = startWorker(this.engineDeps(), {
      connection: this.rt.connection,
      prefix: this.rt.config.redisPrefix,
      concurrency: this.rt.config.workerConcurrency,
      lockMs: this.rt.config.jobLockMs,
    });
    const purge = () => {
      const ids = this.purgeExpired();
      if (ids.length) this.rt.log.info({ tasks: ids }, 'rollback windows closed: journals and credentials deleted');
    };
    purge();
    const timer = setInterval(purge, PURGE_EVERY_MS);
    timer.unref();
    worker.on('closed', () => clearInterval(timer));
    return worker;
  }

  async workersRunning(): Promise<boolean> {
    return (await this.rt.queue.workerCount()) > 0;
  }

  /** Closes rollback windows that have passed: the journal and the credentials go. */
  purgeExpired(now = Date.now()): string[] {
    const ids = this.rt.tasks.expired(now);
    for (const id of ids) {
      this.rt.vault.deleteTask(id);
      this.rt.journal.purge(id);
      this.rt.tasks.update(id, { purgedAt: now }, now);
      this.rt.tasks.audit(id, 'system', 'rollback.window_closed');
    }
    return ids;
  }

  engineDeps(): EngineDeps {
    const { config } = this.rt;
    return {
      tasks: this.rt.tasks,
      journal: this.rt.journal,
      vault: this.rt.vault,
      log: this.rt.log,
      connectionsPerAccount: config.connectionsPerAccount,
      connectTimeoutMs: config.connectTimeoutMs,
      rollbackWindowHours: config.rollbackWindowHours,
      notify: this.rt.notify,
    };
  }

  /** A notification address needs a valid form and an SMTP server to send through. */
  private checkNotify(notify: string | undefined): void {
    if (notify === undefined) return;
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(notify)) {
      throw new TernError('BAD_NOTIFY', `The notification address "${notify}" is not an e-mail address.`, { field: 'notify' });
    }
    if (!this.rt.config.smtp) {
      throw new TernError('BAD_NOTIFY', 'E-mail notifications are not set up on this Tern (no SMTP_URL): leave the notification address empty, or ask the administrator to set SMTP_URL.', { field: 'notify' });
    }
  }

  private rollbackWindowMs(): number {
    return this.rt.config.rollbackWindowHours * 3_600_000;
  }

  private find(taskId: string): TaskView {
    const id = normalizeTaskId(taskId);
    if (!id) throw new TernError('TASK_NOT_FOUND', `"${taskId}" is not a task ID: task IDs look like T-7K3M9QXA.`);
    const task = this.rt.tasks.get(id);
    if (!task) throw new TernError('TASK_NOT_FOUND', `There is no task ${id}. Check the ID (\`tern list\` shows yours).`);
    return task;
  }

  private authorised(taskId: string, actor: Actor, what: string): TaskView {
    const task = this.find(taskId);
    if (!actor.admin && task.requester !== actor.id) {
      throw new TernError('FORBIDDEN', `Only the person who started ${task.id} or an administrator may ${what} it.`);
    }
    return task;
  }
}
