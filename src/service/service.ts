import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AccountCredentials } from '../ports/account';
import { AUTO_HOST, endpointOf, formatAccount, mailboxOf, refuseSameMailbox, type Side } from '../accounts';
import type { RunObserver } from '../queue/worker';
import type { Operations } from './operations';
import { resolveIssuer, signInKey } from '../auth/issuers';
import type { DeviceCode, DeviceOptions } from '../auth/device';
import { domainOf } from '../auth/domain';
import type { OAuthApp, OAuthAppListing } from '../store/oauth-apps';
import type { ItemKind } from '../items';
import type { MigrationOptions } from '../options';
import type { PlanView } from '../plan';
import { checkItemsSupported, loadConnector } from '../connectors/registry';
import { newTaskId, normalizeTaskId } from '../ids';
import { TernError } from '../errors';
import { END_STATUSES, isEnded, statusText, type TaskView } from '../task';
import type { Runtime } from './runtime';
import type { Actor } from './actor';
import { checkAccount, checkAccounts } from './check-accounts';
import { reconcile } from './reconcile';
import type { Detection } from '../connectors/autodetect';
import type { EngineDeps } from '../engine/run-task';
import { withTokenProvider } from '../engine/credentials';
import type { MessageRef } from '../store/messages';
import { FolderSyncStore } from '../store/folder-sync';
import { TaskFeed } from '../notify/task-feed';
import { Batches } from './batches';
import { SealedKeeps } from '../queue/sealed-keeps';
import type { CheckedTask, CreateTaskInput } from './task-input';
import { deleteStoredUpload, deleteUpload, downloadPst, probePstFile, storeUpload } from './uploads';

export type { CheckedTask, CreateTaskInput } from './task-input';

/** Who runs tasks in this process, for their leases. */
const WORKER_ID = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

const PURGE_EVERY_MS = 10 * 60_000;
const RECONCILE_EVERY_MS = 60_000;

/**
 * The domain's one entry point for commands and adapters. Autodetection, the worker (engine and
 * every connector) and the queue load when first used, so that reading a task loads none of them.
 */
export class TernService {
  constructor(private readonly rt: Runtime) {}

  private batchService?: Batches;

  private keeps?: SealedKeeps;
  /** Chat state kept across bot restarts (waiting sign-ins, plan cards' forms), sealed, in the queue's Redis. */
  async chatKeeps(): Promise<SealedKeeps> {
    return (this.keeps ??= new SealedKeeps(await this.rt.queue(), this.rt.vault));
  }

  /** Batches of tasks from a CSV (tern batch, a CSV shared in chat). */
  get batches(): Batches {
    return (this.batchService ??= new Batches(this.rt, this));
  }

  /** Checks both logins, then stores and queues the task. Nothing is queued when a check fails. */
  async create(request: CreateTaskInput, actor: Actor): Promise<TaskView> {
    // The logins are checked while the queue opens (loading BullMQ, reaching Redis or starting a
    // private one). The accounts' connectors load first, as both loads share the one thread: the
    // first login then goes out within ~0.3 s of `tern migrate`'s start, not after the queue's
    // code. A task is never stored without a queue to run it, and a queue that cannot open is
    // said before what the logins found.
    await Promise.all([request.source.protocol, request.destination.protocol].map((protocol) => loadConnector(protocol)));
    const checking = this.check(request);
    checking.catch(() => {});
    const queue = await this.rt.queue();
    const checked = await checking;
    const id = await this.store(checked, actor);
    await queue.enqueueMigration(id);
    return (await this.rt.tasks.get(id))!;
  }

  /**
   * What the migration would do, without creating a task or writing anything at the destination:
   * both logins are checked, both sides read (see engine/plan). Needs no queue.
   */
  async plan(request: CreateTaskInput, actor: Actor): Promise<PlanView> {
    this.checkNotify(request.notify);
    refuseSameMailbox(request.source, request.destination);
    const { input } = await this.resolveAccounts(request);
    await this.requireSignIn(input.source, 'source');
    await this.requireSignIn(input.destination, 'destination');
    const [source, destination] = [this.withTokens(input.source), this.withTokens(input.destination)];
    await checkAccounts(source, destination, this.rt.config.connectTimeoutMs);
    const { planWithConnectors } = await import('./plan');
    const plan = await planWithConnectors(this.rt.config, { source, destination, items: input.items, options: input.options });
    await this.rt.tasks.audit(null, actor.id, 'task.plan', `${plan.source} → ${plan.destination}: ${input.items.join(',')}`);
    return plan;
  }

  /**
   * Everything `create` checks before a task exists: the notification address, the accounts
   * (servers given as "auto" detected), the item kinds both sides carry, the sign-ins and both
   * logins. Returns the request with its detected servers; throws a TernError naming the field.
   */
  async check(request: CreateTaskInput): Promise<CheckedTask> {
    this.checkNotify(request.notify);
    refuseSameMailbox(request.source, request.destination);
    const { input, detected } = await this.resolveAccounts(request);
    checkItemsSupported(input.items, input.source.protocol, input.destination.protocol, { source: input.source.pim?.protocol, destination: input.destination.pim?.protocol });
    await this.requireSignIn(input.source, 'source');
    await this.requireSignIn(input.destination, 'destination');
    await checkAccounts(this.withTokens(input.source), this.withTokens(input.destination), this.rt.config.connectTimeoutMs);
    return { input, detected: detected.filter((d): d is string => !!d) };
  }

  /** Accounts given as "auto" get their detected server (the task shows what was chosen); never the source itself as destination. */
  private async resolveAccounts(request: CreateTaskInput): Promise<{ input: CreateTaskInput; detected: Array<string | undefined> }> {
    // Autodetection (DNS, probes, Autodiscover: ~0.1 s to load) loads only for an account given as "auto".
    if (![request.source, request.destination, request.source.pim, request.destination.pim].some((a) => a?.host === AUTO_HOST)) return { input: request, detected: [] };
    const { resolveAuto } = await import('./resolve-auto');
    const [source, destination, sourcePim, destinationPim] = await Promise.all([
      resolveAuto(request.source, 'source', this.rt.network),
      resolveAuto(request.destination, 'destination', this.rt.network),
      // The CalDAV/CardDAV account next to a mail account may be "…@auto" too.
      request.source.pim && resolveAuto(request.source.pim, 'source', this.rt.network),
      request.destination.pim && resolveAuto(request.destination.pim, 'destination', this.rt.network),
    ]);
    const input = {
      ...request,
      source: { ...source.account, ...(sourcePim ? { pim: sourcePim.account } : {}) },
      destination: { ...destination.account, ...(destinationPim ? { pim: destinationPim.account } : {}) },
    };
    refuseSameMailbox(input.source, input.destination);
    return { input, detected: [source.detected, destination.detected, sourcePim?.detected, destinationPim?.detected] };
  }

  /** Stores a checked task and its secrets (sealed); the caller queues it. Returns its ID. */
  async store({ input, detected }: CheckedTask, actor: Actor): Promise<string> {
    const id = newTaskId();
    await this.rt.tasks.create({ id, requester: actor.id, source: endpointOf(input.source), destination: endpointOf(input.destination), items: input.items, notify: input.notify, options: input.options });
    await this.rt.vault.put(id, 'source', input.source.password);
    await this.rt.vault.put(id, 'destination', input.destination.password);
    // A CalDAV/CardDAV account next to a side's mail account has its own secret.
    if (input.source.pim) await this.rt.vault.put(id, 'source-pim', input.source.pim.password);
    if (input.destination.pim) await this.rt.vault.put(id, 'destination-pim', input.destination.pim.password);
    await this.rt.tasks.audit(id, actor.id, 'task.create', input.items.join(','));
    for (const d of detected) await this.rt.tasks.audit(id, actor.id, 'account.detected', d);
    return id;
  }

  /**
   * An account given as "auto" with its detected server, OAuth2 chosen when that is Microsoft's or
   * Google's; not refused for want of a password (the CLI asks for one next, once it knows it is needed).
   */
  async detectAccount(account: AccountCredentials, side: Side): Promise<{ account: AccountCredentials; detected?: string }> {
    const { resolveAuto } = await import('./resolve-auto');
    return resolveAuto(account, side, this.rt.network, { passwordLater: true });
  }

  /** Server settings for an address (presets, autoconfig, SRV, Exchange Autodiscover, probed guesses). */
  async detect(email: string, password?: string): Promise<Detection> {
    const { detectSettings } = await import('../connectors/autodetect');
    return detectSettings(email, { network: this.rt.network, password });
  }

  /**
   * A task as its requester or an admin sees it; anyone else must also give the source address
   * the task was started with.
   */
  async status(taskId: string, actor: Actor, sourceEmail?: string): Promise<TaskView> {
    const task = await this.find(taskId);
    const mayFollow = actor.admin || task.requester === actor.id || (sourceEmail !== undefined && sourceEmail.trim().toLowerCase() === mailboxOf(task.sourceEndpoint).toLowerCase());
    if (!mayFollow) {
      throw new TernError('FORBIDDEN', `To follow ${task.id}, give its source e-mail address as well.`);
    }
    return task;
  }

  async list(actor: Actor, options: { all?: boolean } = {}): Promise<TaskView[]> {
    return await this.rt.tasks.list({ requester: options.all && actor.admin ? undefined : actor.id });
  }

  /** Cancel: a queued task ends at once; a running one finishes the folder in progress, then stops. */
  async cancel(taskId: string, actor: Actor): Promise<TaskView> {
    const task = await this.authorised(taskId, actor, 'cancel');
    if (task.cancelling) throw new TernError('INVALID_STATE', `${task.id} is already being cancelled.`);
    if (task.status !== 'queued' && task.status !== 'running') {
      throw new TernError('INVALID_STATE', `${task.id} has already ended (${statusText(task.status)}); there is nothing to cancel.`);
    }
    // Only a queued task has a job to take off the queue (a running one reads the cancel from the
    // store), so only then is Redis needed.
    const queue = task.status === 'queued' ? await this.rt.queue() : undefined;
    const now = Date.now();
    await this.rt.tasks.update(task.id, { cancelRequestedAt: now, cancelledBy: actor.label }, now);
    if (queue && (await this.rt.tasks.transition(task.id, ['queued'], 'cancelled', { endedAt: now, rollbackUntil: now + this.rollbackWindowMs() }))) {
      await this.rt.tasks.closeOpenSteps(task.id, 'cancelled', now);
      await queue.removeWaiting(task.id);
      await this.rt.tasks.audit(task.id, actor.id, 'task.cancel');
      await this.rt.notify(task.id, 'cancelled');
      return (await this.rt.tasks.get(task.id))!;
    }
    await this.rt.tasks.audit(task.id, actor.id, 'task.cancel');
    // A task paused (for a sign-in, or waiting out a server) reads the cancel when it runs: now, not at its next try.
    if (task.status === 'running' && task.waiting && !(await this.rt.tasks.leaseHolder(task.id))) await (await this.rt.queue()).wake(task.id);
    // A running task that no run holds and no job serves (its workers are gone) would never read
    // the cancel: it ends now.
    if (task.status === 'running' && !(await this.rt.tasks.leaseHolder(task.id)) && (await (await this.rt.queue()).jobOf(task.id, 'migrate')).state !== 'alive') {
      if (await this.rt.tasks.transition(task.id, ['running'], 'cancelled', { endedAt: now, rollbackUntil: now + this.rollbackWindowMs() })) {
        await this.rt.tasks.closeOpenSteps(task.id, 'cancelled', now);
        await this.rt.notify(task.id, 'cancelled');
      }
    }
    return (await this.rt.tasks.get(task.id))!;
  }

  /** Queues the removal of what the task created; allowed within the rollback window after it ended. */
  async rollback(taskId: string, actor: Actor): Promise<TaskView> {
    const task = await this.authorised(taskId, actor, 'roll back');
    if (task.status === 'rolling_back') throw new TernError('INVALID_STATE', `${task.id} is already being rolled back.`);
    if (task.status === 'rolled_back') throw new TernError('INVALID_STATE', `${task.id} has already been rolled back.`);
    if (!isEnded(task.status)) throw new TernError('INVALID_STATE', `${task.id} is still ${task.status}: cancel it first, then roll it back.`);
    if (!task.canRollback) throw new TernError('ROLLBACK_EXPIRED', `The rollback window of ${task.id} has closed (${this.rt.config.rollbackWindowHours} h after it ended).`);
    const queue = await this.rt.queue();
    if (!(await this.rt.tasks.transition(task.id, [...END_STATUSES], 'rolling_back', { endStatus: task.status, rollbackError: null }))) {
      throw new TernError('INVALID_STATE', `${task.id} changed state meanwhile; try again.`);
    }
    await this.rt.tasks.audit(task.id, actor.id, 'task.rollback');
    await queue.enqueueRollback(task.id);
    return (await this.rt.tasks.get(task.id))!;
  }

  /**
   * A new pass over what the task did not copy: the items that failed, the folders a stop left
   * unfinished, plus what arrived at the source since (a delta). The same task runs again, so
   * everything it copies is journaled under it and one rollback removes both passes' items;
   * nothing is copied twice (the e-mail step claims this task's earlier copies from the journal,
   * and folders that had no failure cost a STATUS each through their sync state).
   * Allowed from an ended task (completed, with errors, failed, cancelled) within its rollback
   * window, while its credentials and journal are kept; not while it runs or rolls back, nor
   * once rolled back. Inbox rules and out-of-office that were set are not set again.
   */
  async retry(taskId: string, actor: Actor): Promise<TaskView> {
    const task = await this.authorised(taskId, actor, 'retry');
    if (task.status === 'rolling_back') throw new TernError('INVALID_STATE', `${task.id} is being rolled back; there is nothing left to retry.`);
    if (task.status === 'rolled_back') throw new TernError('INVALID_STATE', `${task.id} has been rolled back: start a new migration instead of a retry.`);
    if (!isEnded(task.status)) throw new TernError('INVALID_STATE', `${task.id} is still ${statusText(task.status)}: a retry is for a task that has ended.`);
    if (!task.canRetry) {
      throw new TernError('ROLLBACK_EXPIRED', `${task.id} ended more than ${this.rt.config.rollbackWindowHours} h ago: its credentials and journal are deleted, so it cannot be retried. Start a new migration: it copies only what is missing.`);
    }
    const queue = await this.rt.queue();
    // Where the pass starts from, for its own speed (progress-figures.ts).
    const passStart = { done: task.steps.reduce((n, s) => n + s.copied + s.alreadyPresent + s.failed, 0), bytes: task.steps.reduce((n, s) => n + s.bytes, 0) };
    const reset = { startedAt: null, endedAt: null, rollbackUntil: null, error: null, cancelRequestedAt: null, cancelledBy: null, waitingSince: null, waitingFor: null, nextTryAt: null, retries: 0 };
    if (!(await this.rt.tasks.transition(task.id, [...END_STATUSES], 'queued', reset))) throw new TernError('INVALID_STATE', `${task.id} changed state meanwhile; try again.`);
    for (const step of task.steps) {
      // Settings steps that were set stay as they are: setting them again would replace their snapshot.
      const again = step.status !== 'done' || step.failed > 0 || !['inboxRules', 'outOfOffice'].includes(step.kind);
      if (again) await this.rt.tasks.updateStep(task.id, step.kind, { status: 'pending', failed: 0, error: null, totalBytes: 0 });
    }
    await this.rt.tasks.failed.clear(task.id);
    await this.rt.messages.reopen(task.id);
    await this.rt.tasks.audit(task.id, actor.id, 'task.retry', JSON.stringify(passStart));
    await queue.removeEnded(task.id);
    await queue.enqueueMigration(task.id);
    return (await this.rt.tasks.get(task.id))!;
  }

  /**
   * Calls onUpdate as progress arrives (job progress through QueueEvents, plus a slow poll of the
   * store as a safety net) until `done(task)` holds; returns that last view.
   */
  async follow(taskId: string, done: (t: TaskView) => boolean, onUpdate: (t: TaskView) => void = () => {}, signal?: AbortSignal): Promise<TaskView> {
    const id = (await this.find(taskId)).id;
    const events = (await this.rt.queue()).events();
    let poll: NodeJS.Timeout | undefined;
    try {
      return await new Promise<TaskView>((resolve, reject) => {
        // Stopping to follow leaves the task alone: it goes on (or resumes) in a worker.
        const onAbort = () => reject(new TernError('INTERRUPTED', `Stopped following ${id}; the task goes on in a worker (tern status ${id}).`));
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const check = async () => {
          try {
            const view = (await this.rt.tasks.get(id))!;
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
   * Imports a .pst file into a mailbox, as a task like any migration. Checked before anything is
   * queued: the item kinds against the destination (an IMAP destination takes e-mails only), the
   * file (signature, OST, encryption, truncation, then its folder tree in a reader thread) and the
   * destination login. `file` is read in place until the rollback window closes; a stored upload
   * (under TERN_DATA_DIR/uploads) is deleted then, or at once when the import is refused.
   */
  async importPst(req: { file: string; fileName: string; destination: AccountCredentials; items: ItemKind[]; notify?: string; options?: MigrationOptions }, actor: Actor): Promise<TaskView> {
    // The queue first: a task is never stored without one to run it.
    const queue = await this.rt.queue();
    try {
      this.checkNotify(req.notify);
      checkItemsSupported(req.items, 'pst', req.destination.protocol);
      await probePstFile(req.file, req.fileName);
      await this.requireSignIn(req.destination, 'destination');
      await checkAccount(this.withTokens(req.destination), 'destination', this.rt.config.connectTimeoutMs);
    } catch (err) {
      deleteStoredUpload(this.rt.config.dataDir, req.file);
      await this.rt.tasks.audit(null, actor.id, 'pst.import_refused', `${req.fileName}: ${err instanceof TernError ? err.code : 'error'}`);
      throw err;
    }
    // Where every worker reaches it (the data folder, or S3); refused when the store is.
    const blob = await storeUpload(await this.rt.blobs(), this.rt.config.dataDir, req.file, req.fileName).catch((err: unknown) => {
      deleteStoredUpload(this.rt.config.dataDir, req.file);
      throw err;
    });
    const id = newTaskId();
    const source = { protocol: 'pst' as const, host: 'file', port: 0, secure: false, insecure: false, user: req.fileName, file: path.resolve(req.file), ...(blob ? { blob } : {}) };
    await this.rt.tasks.create({ id, requester: actor.id, source, destination: endpointOf(req.destination), items: req.items, notify: req.notify, options: req.options });
    // A PST has no password; the engine reads both sides' secrets the same way.
    await this.rt.vault.put(id, 'source', '');
    await this.rt.vault.put(id, 'destination', req.destination.password);
    await this.rt.tasks.audit(id, actor.id, 'pst.import', `${req.fileName}: ${req.items.join(',')}`);
    await queue.enqueueMigration(id);
    return (await this.rt.tasks.get(id))!;
  }

  /** Fetches a .pst from an HTTPS link (files above a chat's upload limit) into the uploads directory. */
  async downloadPst(url: string): Promise<{ file: string; fileName: string }> {
    return downloadPst(url, this.rt.config.dataDir, this.rt.config.maxUploadBytes);
  }

  /** Where a task's status card lives on a chat surface. */
  async saveCard(ref: Omit<MessageRef, 'announced' | 'finalPosted'>): Promise<void> {
    await this.rt.messages.save(ref);
  }

  async card(taskId: string, surface: string): Promise<MessageRef | undefined> {
    return await this.rt.messages.get(taskId, surface);
  }

  /** Cards still to keep up to date (a restarted bot resumes them). */
  async openCards(surface: string): Promise<MessageRef[]> {
    return await this.rt.messages.open(surface);
  }

  async recordAnnounced(taskId: string, surface: string, announced: Record<string, string>, finalPosted: boolean): Promise<void> {
    await this.rt.messages.setAnnounced(taskId, surface, announced);
    await this.rt.messages.setFinalPosted(taskId, surface, finalPosted);
  }

  /** Changes of the tasks whose cards `surface` keeps up to date. */
  feed(surface: string): TaskFeed {
    return new TaskFeed(async () => (await this.rt.queue()).events(), async () => (await this.openCards(surface)).map((c) => c.taskId));
  }

  /** A task for its status card: the card is public in its channel already, so no follow rule applies. */
  async view(taskId: string): Promise<TaskView> {
    return await this.find(taskId);
  }

  /** Records who did what from a chat surface. */
  async audit(taskId: string, actor: Actor, action: string, detail?: string): Promise<void> {
    await this.rt.tasks.audit(taskId, actor.id, action, detail);
  }

  /**
   * A worker whose TERN_SECRET_KEY opens none of the stored secrets (another machine's key, or one
   * generated into this machine's data folder) would fail every task it took: it does not start.
   */
  private async checkSecretKey(): Promise<void> {
    const { checked, opened } = await this.rt.vault.checkKey();
    if (checked === 0 || opened === checked) return;
    if (opened === 0) {
      throw new TernError(
        'CONFIG_INVALID',
        `TERN_SECRET_KEY here opens none of the ${checked} stored credentials tried: they were sealed with another key. Every machine that shares the store (DATABASE_URL) needs the same TERN_SECRET_KEY; set it and start the worker again. No task was taken.`,
      );
    }
    this.rt.log.warn({ checked, opened }, 'some stored credentials were sealed with another TERN_SECRET_KEY: the tasks they belong to will fail; every machine needs the same key');
  }

  /**
   * Runs a worker in this process (for `tern migrate` when none is running, and `tern worker`).
   * Workers also close rollback windows as they pass.
   */
  async startWorker(observer?: RunObserver) {
    await this.checkSecretKey();
    const [{ startWorker }, { HostSlots }, queue] = await Promise.all([import('../queue/worker'), import('../queue/host-slots'), this.rt.queue()]);
    const { config } = this.rt;
    // A dead worker's slots free themselves after twice the job lock.
    const slots = new HostSlots(queue.url, queue.prefix, config.limits, 2 * config.jobLockMs);
    const worker = startWorker(this.engineDeps(), {
      connection: queue.connection,
      prefix: queue.prefix,
      concurrency: config.workerConcurrency,
      lockMs: config.jobLockMs,
      observer,
      slots,
    });
    const purge = async () => {
      const ids = await this.purgeExpired().catch((err: unknown) => {
        this.rt.log.warn({ err: (err as Error).message }, 'closing rollback windows failed; trying again later');
        return [];
      });
      if (ids.length) this.rt.log.info({ tasks: ids }, 'rollback windows closed: journals and credentials deleted');
    };
    await purge();
    const timer = setInterval(purge, PURGE_EVERY_MS);
    timer.unref();
    // A task the store and the queue disagree on is settled when a worker starts, then every minute.
    const settle = () => void this.reconcile().catch((err: unknown) => this.rt.log.warn({ err: (err as Error).message }, 'could not check tasks against the queue'));
    settle();
    const reconciling = setInterval(settle, RECONCILE_EVERY_MS);
    reconciling.unref();
    worker.on('closed', () => {
      clearInterval(timer);
      clearInterval(reconciling);
      void slots.close();
    });
    return worker;
  }

  /** Health and metrics for `tern start` / `tern worker` (TERN_METRICS_PORT). */
  async operations(): Promise<Operations> {
    return (await import('./operations')).Operations.open(this.rt);
  }

  /**
   * Stops a worker within `withinMs`: its runs stop at their next write (each item is journaled)
   * and their tasks resume when a worker runs again; a run that does not stop in time is left to
   * the queue's stall check. Resolves true when it closed cleanly.
   */
  async stopWorker(worker: Awaited<ReturnType<TernService['startWorker']>>, withinMs: number): Promise<boolean> {
    const { SHUTDOWN } = await import('../engine/lease');
    worker.cancelAllJobs(SHUTDOWN);
    const closed = await Promise.race([worker.close().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), withinMs).unref())]);
    if (!closed) await worker.close(true);
    return closed;
  }

  /** Ends or resumes the tasks that no run holds and no live job serves (see reconcile.ts). */
  async reconcile(now = Date.now()): Promise<string[]> {
    const queue = await this.rt.queue();
    return reconcile({ tasks: this.rt.tasks, queue, log: this.rt.log, rollbackWindowMs: this.rollbackWindowMs(), notify: this.rt.notify }, now);
  }

  async workersRunning(): Promise<boolean> {
    return (await (await this.rt.queue()).workerCount()) > 0;
  }

  /** Closes rollback windows that have passed: the journal and the credentials go. */
  async purgeExpired(now = Date.now()): Promise<string[]> {
    const ids = await this.rt.tasks.expired(now);
    for (const id of ids) {
      // A PST import's stored upload goes with its rollback window.
      const source = (await this.rt.tasks.get(id))?.sourceEndpoint;
      if (source?.protocol === 'pst') {
        // The data folder's copy at once; the blob store's (S3) as soon as it answers.
        deleteStoredUpload(this.rt.config.dataDir, source.file);
        if (source.blob) {
          void this.rt
            .blobs()
            .then((blobs) => deleteUpload(blobs, this.rt.config.dataDir, source))
            .catch((err: unknown) => this.rt.log.warn({ task: id, err: err instanceof TernError ? err.userMessage : (err as Error).message }, 'could not delete the stored upload'));
        }
      }
      await this.rt.vault.deleteTask(id);
      await this.rt.journal.dropTask(id);
      await this.rt.tasks.update(id, { purgedAt: now }, now);
      await this.rt.tasks.audit(id, 'system', 'rollback.window_closed');
    }
    return ids;
  }

  engineDeps(): EngineDeps {
    const { config } = this.rt;
    return {
      connectors: loadConnector,
      workerId: WORKER_ID,
      // A dead worker's task is taken over after about as long as its job stays locked.
      leaseMs: config.jobLockMs,
      tasks: this.rt.tasks,
      journal: this.rt.journal,
      syncStates: new FolderSyncStore(this.rt.db),
      vault: this.rt.vault,
      log: this.rt.log,
      connectionsPerAccount: config.connectionsPerAccount,
      connectTimeoutMs: config.connectTimeoutMs,
      retryWindowMs: config.retryMinutes * 60_000,
      imapPipelining: config.imapPipelining,
      rollbackWindowHours: config.rollbackWindowHours,
      notify: this.rt.notify,
      tokens: this.rt.tokens,
      // A PST kept in S3 is read from this machine's copy, fetched on first use.
      blobFile: async (key) => (await import('../blobs/local-copy')).localCopy(await this.rt.blobs(), config.dataDir, key),
    };
  }

  /**
   * Signs an OAuth2 account in with the device authorization grant: `show` tells the person where
   * to go and the code; once they approve, the fresh token is tried on the mail server (a token
   * without mail access is said now, not at the first task) and the sign-in is stored, its refresh
   * token sealed. Tasks paused for this sign-in go on. `retry`: what a refused sign-in tells the person to run again.
   */
  async signIn(account: AccountCredentials, side: Side | 'account', show: (code: DeviceCode) => void | Promise<void>, actor: Actor, signal?: AbortSignal, retry?: string, device: Pick<DeviceOptions, 'started' | 'resume'> = {}): Promise<{ issuer: string }> {
    // A server to be detected ("auto"): the sign-in is the detected server's (Microsoft's, Google's).
    if (account.host === 'auto') account = (await this.detectAccount(account, side === 'account' ? 'source' : side)).account;
    if (account.auth !== 'oauth2') {
      throw new TernError('BAD_ACCOUNT_URL', `${formatAccount(account)} logs in with a password, not OAuth2: add ?auth=oauth2 to sign in.`, { field: side });
    }
    const issuer = resolveIssuer(account, this.rt.config.oauth, side);
    const { deviceSignIn } = await import('../auth/device');
    const signedIn = await deviceSignIn(issuer, show, { timeoutMs: this.rt.config.connectTimeoutMs, signal, retry, ...device });
    const fresh = { ...account, password: signedIn.accessToken, tokens: undefined };
    await checkAccount(fresh, side, this.rt.config.connectTimeoutMs);
    await this.rt.signIns.put(signInKey(account), { refreshToken: signedIn.refreshToken, scope: signedIn.scope });
    await this.rt.tasks.audit(null, actor.id, 'sign_in', `${formatAccount(account)} at ${issuer.label}`);
    await this.resumeSignedIn(account);
    return { issuer: issuer.label };
  }

  /**
   * App-only access for every mailbox of a domain (client credentials): a token is fetched now, so
   * a wrong client id or secret is said at once, and only then is the registration kept.
   */
  async addApp(app: OAuthApp, actor: Actor): Promise<{ issuer: string }> {
    if (!actor.admin) throw new TernError('FORBIDDEN', 'Only an administrator may set up app-only access for a domain.');
    if (app.issuer === 'google' && app.credential.kind !== 'service-account') {
      throw new TernError('BAD_ACCOUNT_URL', "Google app-only access is a service account with domain-wide delegation: give its key file with --service-account-file (the JSON key from Google Cloud's console).", { field: 'issuer' });
    }
    const configured = this.rt.config.oauthApps.find((a) => a.domain === app.domain.toLowerCase());
    if (configured) {
      throw new TernError('BAD_ACCOUNT_URL', `App-only access for ${configured.domain} is configured in ${configured.variables}, which wins over tern app add: change it there (and restart Tern).`, { field: 'domain' });
    }
    const { appIssuer, appTokens } = await import('../auth/app');
    const issuer = appIssuer(app, this.rt.config.oauth);
    // A service account's key is checked without acting for a mailbox (the token is its own).
    const probe = { protocol: 'imap' as const, host: '', port: 0, secure: true, insecure: false, user: `app@${app.domain}` };
    await appTokens(probe, issuer, this.rt.config.connectTimeoutMs, app.credential.kind === 'service-account' ? undefined : probe.user).accessToken();
    await this.rt.apps.put(app);
    await this.rt.tasks.audit(null, actor.id, 'oauth_app.add', `${app.domain} at ${issuer.label} (${app.credential.kind})`);
    return { issuer: issuer.label };
  }

  /** The domains with app-only access, without their credentials. */
  async listApps(): Promise<Array<OAuthAppListing & { configuredBy?: string }>> {
    const configured = this.rt.config.oauthApps.map(({ credential, tenant: _tenant, variables, ...app }) => ({ ...app, credentialKind: credential.kind, configuredBy: variables }));
    // A domain configured in the environment hides the stored one (the configuration wins).
    return [...configured, ...(await this.rt.apps.list()).filter((a) => !configured.some((c) => c.domain === a.domain))];
  }

  async removeApp(domain: string, actor: Actor): Promise<boolean> {
    if (!actor.admin) throw new TernError('FORBIDDEN', 'Only an administrator may remove app-only access.');
    const removed = await this.rt.apps.delete(domain);
    if (removed) await this.rt.tasks.audit(null, actor.id, 'oauth_app.remove', domain.toLowerCase());
    return removed;
  }

  /** Tasks paused until this account signed in again go on now. */
  private async resumeSignedIn(account: AccountCredentials): Promise<void> {
    const key = signInKey(account);
    const paused = (await this.rt.tasks.list({ limit: 10_000 })).filter((t) => t.status === 'running' && t.waiting && [t.sourceEndpoint, t.destinationEndpoint].some((e) => e.auth === 'oauth2' && signInKey(e) === key));
    if (paused.length === 0) return;
    const queue = await this.rt.queue();
    for (const t of paused) {
      await this.rt.tasks.update(t.id, { nextTryAt: Date.now() });
      await queue.wake(t.id);
    }
  }

  /** An OAuth2 account without a given token needs a stored sign-in: said before anything is checked or queued. */
  async requireSignIn(account: AccountCredentials, side: Side | 'account'): Promise<void> {
    if (account.auth !== 'oauth2' || account.password || (await this.hasApp(domainOf(account)))) return;
    resolveIssuer(account, this.rt.config.oauth, side);
    if ((await this.rt.signIns.updatedAt(signInKey(account))) === undefined) {
      const token = side === 'source' ? ' or set TERN_FROM_ACCESS_TOKEN' : side === 'destination' ? ' or set TERN_TO_ACCESS_TOKEN' : '';
      throw new TernError('SIGN_IN_NEEDED', `The ${side} account ${account.user} has not signed in yet: run tern login '${formatAccount(account)}' first${token} (on a terminal, tern migrate signs in itself).`, { field: side });
    }
  }

  /** Whether an OAuth2 account has a stored sign-in (or needs none: a token was given). */
  async hasSignIn(account: AccountCredentials): Promise<boolean> {
    return account.auth !== 'oauth2' || !!account.password || (await this.rt.signIns.updatedAt(signInKey(account))) !== undefined || (await this.hasApp(domainOf(account)));
  }

  /** App-only access for the domain: configured in the environment (TERN_APP_*), or stored by tern app add. */
  private async hasApp(domain: string): Promise<boolean> {
    return this.rt.config.oauthApps.some((a) => a.domain === domain) || (await this.rt.apps.has(domain));
  }

  /** An OAuth2 account with its tokens: the one given, or its stored sign-in's. */
  private withTokens(account: AccountCredentials): AccountCredentials {
    return withTokenProvider(this.rt, account);
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

  private async find(taskId: string): Promise<TaskView> {
    const id = normalizeTaskId(taskId);
    if (!id) throw new TernError('TASK_NOT_FOUND', `"${taskId}" is not a task ID: task IDs look like T-7K3M9QXA.`);
    const task = await this.rt.tasks.get(id);
    if (!task) throw new TernError('TASK_NOT_FOUND', `There is no task ${id}. Check the ID: \`/migrate list\` in chat or \`tern list\` in a terminal shows yours.`);
    return task;
  }

  private async authorised(taskId: string, actor: Actor, what: string): Promise<TaskView> {
    const task = await this.find(taskId);
    if (!actor.admin && task.requester !== actor.id) {
      throw new TernError('FORBIDDEN', `Only the person who started ${task.id} or an administrator may ${what} it.`);
    }
    return task;
  }
}
