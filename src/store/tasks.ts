import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { AccountEndpoint } from '../ports/account';
import { formatAccount, mailboxOf } from '../accounts';
import type { ItemKind } from '../items';
import type { MigrationOptions } from '../options';
import type { FolderReport, StepCounters, StepStatus, StepView, TaskStatus, TaskView } from '../task';
import { isEnded } from '../task';
import type { Db } from './db';
import { audit, folderReports, steps, tasks } from './schema';
import { FailedItemStore } from './failed-items';

type TaskRow = typeof tasks.$inferSelect;
/** The side a message is about, from the "Source: …" / "Destination: …" the engine puts in front. */
const sideOf = (message: string) => (/^source\b/i.test(message) ? 'source' : /^destination\b/i.test(message) ? 'destination' : undefined);
const iso = (ms: number | null | undefined) => (ms == null ? undefined : new Date(ms).toISOString());

export interface NewTask {
  id: string;
  requester: string;
  source: AccountEndpoint;
  destination: AccountEndpoint;
  items: ItemKind[];
  notify?: string;
  options?: MigrationOptions;
}

/** Tasks, their steps and per-folder reports, and the audit log. */
export class TaskStore {
  /** Each task's failed items, with their categories (issue 17). */
  readonly failed: FailedItemStore;

  constructor(private readonly db: Db) {
    this.failed = new FailedItemStore(db);
  }

  create(t: NewTask, now = Date.now()): void {
    this.db.transaction((tx) => {
      tx.insert(tasks)
        .values({
          id: t.id,
          status: 'queued',
          requester: t.requester,
          sourceLogin: mailboxOf(t.source).toLowerCase(),
          source: JSON.stringify(t.source),
          destination: JSON.stringify(t.destination),
          items: JSON.stringify(t.items),
          notify: t.notify ?? null,
          options: t.options ? JSON.stringify(t.options) : null,
          createdAt: now,
          updatedAt: now,
        })
        .run();
      t.items.forEach((kind, position) => tx.insert(steps).values({ taskId: t.id, kind, position, status: 'pending' }).run());
    });
  }

  row(id: string): TaskRow | undefined {
    return this.db.select().from(tasks).where(eq(tasks.id, id)).get();
  }

  get(id: string, now = Date.now()): TaskView | undefined {
    const row = this.row(id);
    return row && this.view(row, now);
  }

  /** Newest first; only the requester's when given. */
  list(options: { requester?: string; limit?: number } = {}, now = Date.now()): TaskView[] {
    const where = options.requester ? eq(tasks.requester, options.requester) : undefined;
    const rows = this.db.select().from(tasks).where(where).orderBy(desc(tasks.createdAt)).limit(options.limit ?? 50).all();
    return rows.map((r) => this.view(r, now));
  }

  update(id: string, patch: Partial<Omit<TaskRow, 'id'>>, now = Date.now()): void {
    this.db.update(tasks).set({ ...patch, updatedAt: now }).where(eq(tasks.id, id)).run();
  }

  /** Moves a task from one of `from` to `to` atomically; false when it was in another state. */
  transition(id: string, from: TaskStatus[], to: TaskStatus, patch: Partial<Omit<TaskRow, 'id' | 'status'>> = {}, now = Date.now()): boolean {
    const res = this.db
      .update(tasks)
      .set({ ...patch, status: to, updatedAt: now })
      .where(and(eq(tasks.id, id), inArray(tasks.status, from)))
      .run();
    return res.changes > 0;
  }

  /** How many tasks are in each state. */
  countByStatus(): Record<string, number> {
    const rows = this.db.select({ status: tasks.status, n: sql<number>`count(*)` }).from(tasks).groupBy(tasks.status).all();
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** The accounts of the running tasks (for per-server load). */
  runningEndpoints(): Array<{ source: AccountEndpoint; destination: AccountEndpoint }> {
    return this.db
      .select({ source: tasks.source, destination: tasks.destination })
      .from(tasks)
      .where(eq(tasks.status, 'running'))
      .all()
      .map((r) => ({ source: JSON.parse(r.source) as AccountEndpoint, destination: JSON.parse(r.destination) as AccountEndpoint }));
  }

  /** Tasks not ended: queued, running or rolling back. */
  unfinished(): Array<{ id: string; status: TaskStatus }> {
    return this.db
      .select({ id: tasks.id, status: tasks.status })
      .from(tasks)
      .where(inArray(tasks.status, ['queued', 'running', 'rolling_back']))
      .all()
      .map((r) => ({ id: r.id, status: r.status as TaskStatus }));
  }

  /**
   * Takes the task's run lease when nobody holds a live one (none, released, or run out): the new
   * generation, or undefined while another run holds it. Compare-and-set in one statement.
   */
  takeLease(id: string, holder: string, ttlMs: number, now = Date.now()): number | undefined {
    const row = this.db
      .update(tasks)
      .set({ lease: sql`${tasks.lease} + 1`, leaseHolder: holder, leaseUntil: now + ttlMs })
      .where(and(eq(tasks.id, id), or(isNull(tasks.leaseHolder), lt(tasks.leaseUntil, now))))
      .returning({ lease: tasks.lease })
      .get();
    return row?.lease;
  }

  /** Extends the lease while this generation still holds it; false when another run took it. */
  renewLease(id: string, generation: number, ttlMs: number, now = Date.now()): boolean {
    return this.db.update(tasks).set({ leaseUntil: now + ttlMs }).where(and(eq(tasks.id, id), eq(tasks.lease, generation))).run().changes > 0;
  }

  /** True while `generation` is the task's lease (renewed or not, nobody took it). */
  holdsLease(id: string, generation: number): boolean {
    return this.db.select({ lease: tasks.lease }).from(tasks).where(eq(tasks.id, id)).get()?.lease === generation;
  }

  releaseLease(id: string, generation: number): void {
    this.db.update(tasks).set({ leaseHolder: null, leaseUntil: null }).where(and(eq(tasks.id, id), eq(tasks.lease, generation))).run();
  }

  /** Who holds a live lease on the task now, if anyone. */
  leaseHolder(id: string, now = Date.now()): string | undefined {
    const row = this.db.select({ holder: tasks.leaseHolder, until: tasks.leaseUntil }).from(tasks).where(eq(tasks.id, id)).get();
    return row?.holder && (row.until ?? 0) >= now ? row.holder : undefined;
  }

  steps(taskId: string): StepView[] {
    return this.db
      .select()
      .from(steps)
      .where(eq(steps.taskId, taskId))
      .orderBy(asc(steps.position))
      .all()
      .map((s) => ({
        kind: s.kind as ItemKind,
        status: s.status as StepStatus,
        total: s.total,
        copied: s.copied,
        alreadyPresent: s.alreadyPresent,
        failed: s.failed,
        bytes: s.bytes,
        ...(s.totalBytes ? { totalBytes: s.totalBytes } : {}),
        startedAt: iso(s.startedAt),
        endedAt: iso(s.endedAt),
        error: s.error ?? undefined,
      }));
  }

  updateStep(taskId: string, kind: ItemKind, patch: Partial<StepCounters> & { status?: StepStatus; startedAt?: number; endedAt?: number; error?: string | null }): void {
    this.db.update(steps).set(patch).where(and(eq(steps.taskId, taskId), eq(steps.kind, kind))).run();
  }

  /** Marks every step still pending or running as `status` (cancel, failure). */
  closeOpenSteps(taskId: string, status: StepStatus, now = Date.now()): void {
    this.db
      .update(steps)
      .set({ status, endedAt: now })
      .where(and(eq(steps.taskId, taskId), inArray(steps.status, ['pending', 'running'])))
      .run();
  }

  folderReports(taskId: string): FolderReport[] {
    return this.db
      .select()
      .from(folderReports)
      .where(eq(folderReports.taskId, taskId))
      .orderBy(asc(folderReports.sourceFolder))
      .all()
      .map(({ taskId: _t, ...r }) => ({
        ...r,
        status: r.status as FolderReport['status'],
        destinationCount: r.destinationCount ?? undefined,
        note: r.note ?? undefined,
        warning: r.warning ?? undefined,
        failures: r.failures ? (JSON.parse(r.failures) as FolderReport['failures']) : undefined,
      }));
  }

  saveFolderReport(taskId: string, r: FolderReport): void {
    const row = { ...r, taskId, destinationCount: r.destinationCount ?? null, note: r.note ?? null, warning: r.warning ?? null, failures: r.failures?.length ? JSON.stringify(r.failures) : null };
    this.db
      .insert(folderReports)
      .values(row)
      .onConflictDoUpdate({ target: [folderReports.taskId, folderReports.sourceFolder], set: row })
      .run();
  }

  audit(taskId: string | null, actor: string, action: string, detail?: string, now = Date.now()): void {
    this.db.insert(audit).values({ taskId, actor, action, detail: detail ?? null, at: now }).run();
  }

  auditLog(taskId: string): Array<{ actor: string; action: string; detail?: string; at: string }> {
    return this.db
      .select()
      .from(audit)
      .where(eq(audit.taskId, taskId))
      .orderBy(asc(audit.id))
      .all()
      .map((a) => ({ actor: a.actor, action: a.action, detail: a.detail ?? undefined, at: new Date(a.at).toISOString() }));
  }

  /** The last rollback request of a task: who and when (from the audit log). */
  private rollbackAsked(taskId: string): { by: string; at: string } | undefined {
    const r = this.db.select().from(audit).where(and(eq(audit.taskId, taskId), eq(audit.action, 'task.rollback'))).orderBy(desc(audit.id)).limit(1).get();
    return r ? { by: r.actor, at: new Date(r.at).toISOString() } : undefined;
  }

  /** Servers chosen by autodetection when the task was created. */
  private detections(taskId: string): string[] | undefined {
    const rows = this.db.select({ detail: audit.detail }).from(audit).where(and(eq(audit.taskId, taskId), eq(audit.action, 'account.detected'))).all();
    return rows.length ? rows.map((r) => r.detail ?? '') : undefined;
  }

  /** The remarks of the last finished rollback (one per line in its audit entry). */
  private rollbackNotes(taskId: string): string[] | undefined {
    const row = this.db
      .select({ detail: audit.detail })
      .from(audit)
      .where(and(eq(audit.taskId, taskId), eq(audit.action, 'rollback.done')))
      .orderBy(desc(audit.id))
      .get();
    return row?.detail ? row.detail.split('\n') : undefined;
  }

  /** The last notification e-mail that could not be sent, for the task's view. */
  private lastNotifyFailure(taskId: string): string | undefined {
    const row = this.db
      .select({ detail: audit.detail })
      .from(audit)
      .where(and(eq(audit.taskId, taskId), eq(audit.action, 'notify.failed')))
      .orderBy(desc(audit.id))
      .limit(1)
      .get();
    return row?.detail ?? undefined;
  }

  /** Ended tasks whose rollback window has closed and that still hold a journal or credentials. */
  expired(now = Date.now()): string[] {
    return this.db
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(isNull(tasks.purgedAt), lt(tasks.rollbackUntil, now)))
      .all()
      .map((r) => r.id);
  }

  private view(row: TaskRow, now: number): TaskView {
    const status = row.status as TaskStatus;
    const source = JSON.parse(row.source) as AccountEndpoint;
    const destination = JSON.parse(row.destination) as AccountEndpoint;
    return {
      id: row.id,
      status,
      cancelling: row.cancelRequestedAt != null && (status === 'queued' || status === 'running'),
      waiting:
        (status === 'running' || status === 'queued') && row.waitingFor && row.nextTryAt != null
          ? { reason: row.waitingFor, side: sideOf(row.waitingFor), since: iso(row.waitingSince ?? (status === 'queued' ? row.createdAt : row.nextTryAt))!, nextTryAt: iso(row.nextTryAt)! }
          : undefined,
      requester: row.requester,
      source: formatAccount(source),
      destination: formatAccount(destination),
      sourceEndpoint: source,
      destinationEndpoint: destination,
      items: JSON.parse(row.items) as ItemKind[],
      notify: row.notify ?? undefined,
      options: row.options ? (JSON.parse(row.options) as MigrationOptions) : undefined,
      steps: this.steps(row.id),
      folders: this.folderReports(row.id),
      error: row.error ?? undefined,
      rollbackError: row.rollbackError ?? undefined,
      cancelledBy: row.cancelledBy ?? undefined,
      cancelledAt: iso(row.cancelRequestedAt),
      rollbackAsked: status === 'rolling_back' || status === 'rolled_back' || row.rollbackError ? this.rollbackAsked(row.id) : undefined,
      notifyError: row.notify ? this.lastNotifyFailure(row.id) : undefined,
      detected: this.detections(row.id),
      rollbackNotes: row.status === 'rolled_back' ? this.rollbackNotes(row.id) : undefined,
      createdAt: iso(row.createdAt)!,
      updatedAt: iso(row.updatedAt)!,
      startedAt: iso(row.startedAt),
      endedAt: iso(row.endedAt),
      rollbackUntil: iso(row.rollbackUntil),
      canRollback: isEnded(status) && row.purgedAt == null && row.rollbackUntil != null && row.rollbackUntil > now,
      canRetry: isEnded(status) && row.purgedAt == null && row.rollbackUntil != null && row.rollbackUntil > now,
      ...this.passOf(row.id),
      failedItems: this.failedItemsOf(row.id),
    };
  }

  /** Which pass the task is at (one more per retry asked for) and where the last retry started from. */
  private passOf(taskId: string): Pick<TaskView, 'pass' | 'passStart'> {
    const retries = this.db.select({ detail: audit.detail }).from(audit).where(and(eq(audit.taskId, taskId), eq(audit.action, 'task.retry'))).orderBy(asc(audit.id)).all();
    const last = retries.at(-1)?.detail;
    const start = last ? (JSON.parse(last) as { done?: number; bytes?: number }) : undefined;
    return { pass: 1 + retries.length, ...(start ? { passStart: { done: start.done ?? 0, bytes: start.bytes ?? 0 } } : {}) };
  }

  /** The failed items a task view carries: all counts, the first items (the CLI and --json show them; cards a few). */
  private failedItemsOf(taskId: string, shown = 200): TaskView['failedItems'] {
    const counts = this.failed.counts(taskId);
    const total = Object.values(counts).reduce((n, c) => n + (c ?? 0), 0);
    if (total === 0) return undefined;
    const items = this.failed.list(taskId, shown);
    return { counts, items, more: Math.max(0, total - items.reduce((n, i) => n + i.count, 0)) };
  }
}
