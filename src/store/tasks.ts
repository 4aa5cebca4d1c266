import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { AccountEndpoint } from '../ports/account';
import { formatAccount, mailboxOf } from '../accounts';
import type { ItemKind } from '../items';
import type { MigrationOptions } from '../options';
import type { FolderReport, StepCounters, StepStatus, StepView, TaskStatus, TaskView } from '../task';
import { isEnded } from '../task';
import type { Db, Tables } from './db';
import { FailedItemStore } from './failed-items';

type TaskRow = Tables['tasks']['$inferSelect'];
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

  async create(t: NewTask, now = Date.now()): Promise<void> {
    const { tasks, steps } = this.db.t;
    await this.db.transaction(async (tx) => {
      await tx.insert(tasks).values({
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
      });
      if (t.items.length) await tx.insert(steps).values(t.items.map((kind, position) => ({ taskId: t.id, kind, position, status: 'pending' })));
    });
  }

  async row(id: string): Promise<TaskRow | undefined> {
    const { tasks } = this.db.t;
    return (await this.db.orm.select().from(tasks).where(eq(tasks.id, id)).limit(1))[0];
  }

  async get(id: string, now = Date.now()): Promise<TaskView | undefined> {
    const row = await this.row(id);
    return row && this.view(row, now);
  }

  /** Newest first; only the requester's when given. */
  async list(options: { requester?: string; limit?: number } = {}, now = Date.now()): Promise<TaskView[]> {
    const { tasks } = this.db.t;
    const where = options.requester ? eq(tasks.requester, options.requester) : undefined;
    const rows = await this.db.orm.select().from(tasks).where(where).orderBy(desc(tasks.createdAt)).limit(options.limit ?? 50);
    return Promise.all(rows.map((r) => this.view(r, now)));
  }

  async update(id: string, patch: Partial<Omit<TaskRow, 'id'>>, now = Date.now()): Promise<void> {
    const { tasks } = this.db.t;
    await this.db.orm.update(tasks).set({ ...patch, updatedAt: now }).where(eq(tasks.id, id));
  }

  /** Moves a task from one of `from` to `to` atomically; false when it was in another state. */
  async transition(id: string, from: TaskStatus[], to: TaskStatus, patch: Partial<Omit<TaskRow, 'id' | 'status'>> = {}, now = Date.now()): Promise<boolean> {
    const { tasks } = this.db.t;
    const rows = await this.db.orm
      .update(tasks)
      .set({ ...patch, status: to, updatedAt: now })
      .where(and(eq(tasks.id, id), inArray(tasks.status, from)))
      .returning({ id: tasks.id });
    return rows.length > 0;
  }

  /**
   * A transition and its audit entry in one transaction: a worker killed between the two leaves
   * neither (a task is never completed without saying so, nor said completed twice). The entry is
   * written only when the transition happened.
   */
  async transitionAudited(id: string, from: TaskStatus[], to: TaskStatus, patch: Partial<Omit<TaskRow, 'id' | 'status'>>, entry: { actor: string; action: string; detail?: string }, now = Date.now()): Promise<boolean> {
    const { tasks, audit } = this.db.t;
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .update(tasks)
        .set({ ...patch, status: to, updatedAt: now })
        .where(and(eq(tasks.id, id), inArray(tasks.status, from)))
        .returning({ id: tasks.id });
      if (rows.length === 0) return false;
      await tx.insert(audit).values(auditRow(id, entry, now));
      return true;
    });
  }

  /** How many tasks are in each state. */
  async countByStatus(): Promise<Record<string, number>> {
    const { tasks } = this.db.t;
    const rows = await this.db.orm.select({ status: tasks.status, n: sql<number>`count(*)` }).from(tasks).groupBy(tasks.status);
    // PostgreSQL's count is a bigint, which arrives as a string.
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** The accounts of the running tasks (for per-server load). */
  async runningEndpoints(): Promise<Array<{ source: AccountEndpoint; destination: AccountEndpoint }>> {
    const { tasks } = this.db.t;
    const rows = await this.db.orm.select({ source: tasks.source, destination: tasks.destination }).from(tasks).where(eq(tasks.status, 'running'));
    return rows.map((r) => ({ source: JSON.parse(r.source) as AccountEndpoint, destination: JSON.parse(r.destination) as AccountEndpoint }));
  }

  /** Tasks not ended: queued, running or rolling back. */
  async unfinished(): Promise<Array<{ id: string; status: TaskStatus }>> {
    const { tasks } = this.db.t;
    const rows = await this.db.orm
      .select({ id: tasks.id, status: tasks.status })
      .from(tasks)
      .where(inArray(tasks.status, ['queued', 'running', 'rolling_back']));
    return rows.map((r) => ({ id: r.id, status: r.status as TaskStatus }));
  }

  /**
   * Takes the task's run lease when nobody holds a live one (none, released, or run out): the new
   * generation, or undefined while another run holds it. Compare-and-set in one statement: on
   * PostgreSQL a concurrent claimer waits for the row and re-checks the condition, so one wins.
   */
  async takeLease(id: string, holder: string, ttlMs: number, now = Date.now()): Promise<number | undefined> {
    const { tasks } = this.db.t;
    const rows = await this.db.orm
      .update(tasks)
      .set({ lease: sql`${tasks.lease} + 1`, leaseHolder: holder, leaseUntil: now + ttlMs })
      .where(and(eq(tasks.id, id), or(isNull(tasks.leaseHolder), lt(tasks.leaseUntil, now))))
      .returning({ lease: tasks.lease });
    return rows[0]?.lease;
  }

  /** Extends the lease while this generation still holds it; false when another run took it. */
  async renewLease(id: string, generation: number, ttlMs: number, now = Date.now()): Promise<boolean> {
    const { tasks } = this.db.t;
    const rows = await this.db.orm
      .update(tasks)
      .set({ leaseUntil: now + ttlMs })
      .where(and(eq(tasks.id, id), eq(tasks.lease, generation)))
      .returning({ id: tasks.id });
    return rows.length > 0;
  }

  /** True while `generation` is the task's lease (renewed or not, nobody took it). */
  async holdsLease(id: string, generation: number): Promise<boolean> {
    const { tasks } = this.db.t;
    const rows = await this.db.orm.select({ lease: tasks.lease }).from(tasks).where(eq(tasks.id, id));
    return rows[0]?.lease === generation;
  }

  async releaseLease(id: string, generation: number): Promise<void> {
    const { tasks } = this.db.t;
    await this.db.orm.update(tasks).set({ leaseHolder: null, leaseUntil: null }).where(and(eq(tasks.id, id), eq(tasks.lease, generation)));
  }

  /** Who holds a live lease on the task now, if anyone. */
  async leaseHolder(id: string, now = Date.now()): Promise<string | undefined> {
    const { tasks } = this.db.t;
    const [row] = await this.db.orm.select({ holder: tasks.leaseHolder, until: tasks.leaseUntil }).from(tasks).where(eq(tasks.id, id));
    return row?.holder && (row.until ?? 0) >= now ? row.holder : undefined;
  }

  async steps(taskId: string): Promise<StepView[]> {
    const { steps } = this.db.t;
    const rows = await this.db.orm.select().from(steps).where(eq(steps.taskId, taskId)).orderBy(asc(steps.position));
    return rows.map((s) => ({
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

  async updateStep(taskId: string, kind: ItemKind, patch: Partial<StepCounters> & { status?: StepStatus; startedAt?: number; endedAt?: number; error?: string | null }): Promise<void> {
    const { steps } = this.db.t;
    await this.db.orm.update(steps).set(patch).where(and(eq(steps.taskId, taskId), eq(steps.kind, kind)));
  }

  /** updateStep and its audit entry in one transaction: a worker that dies between them leaves neither half. */
  async updateStepAudited(taskId: string, kind: ItemKind, patch: Parameters<TaskStore['updateStep']>[2], entry: { actor: string; action: string; detail?: string }, now = Date.now()): Promise<void> {
    const { steps, audit } = this.db.t;
    await this.db.transaction(async (tx) => {
      await tx.update(steps).set(patch).where(and(eq(steps.taskId, taskId), eq(steps.kind, kind)));
      await tx.insert(audit).values(auditRow(taskId, entry, now));
    });
  }

  /** Marks every step still pending or running as `status` (cancel, failure). */
  async closeOpenSteps(taskId: string, status: StepStatus, now = Date.now()): Promise<void> {
    const { steps } = this.db.t;
    await this.db.orm
      .update(steps)
      .set({ status, endedAt: now })
      .where(and(eq(steps.taskId, taskId), inArray(steps.status, ['pending', 'running'])));
  }

  async folderReports(taskId: string): Promise<FolderReport[]> {
    const { folderReports } = this.db.t;
    const rows = await this.db.orm.select().from(folderReports).where(eq(folderReports.taskId, taskId)).orderBy(asc(folderReports.sourceFolder));
    return rows.map(({ taskId: _t, ...r }) => ({
      ...r,
      status: r.status as FolderReport['status'],
      destinationCount: r.destinationCount ?? undefined,
      note: r.note ?? undefined,
      warning: r.warning ?? undefined,
      failures: r.failures ? (JSON.parse(r.failures) as FolderReport['failures']) : undefined,
    }));
  }

  async saveFolderReport(taskId: string, r: FolderReport): Promise<void> {
    const { folderReports } = this.db.t;
    const row = { ...r, taskId, destinationCount: r.destinationCount ?? null, note: r.note ?? null, warning: r.warning ?? null, failures: r.failures?.length ? JSON.stringify(r.failures) : null };
    await this.db.orm
      .insert(folderReports)
      .values(row)
      .onConflictDoUpdate({ target: [folderReports.taskId, folderReports.sourceFolder], set: row });
  }

  async audit(taskId: string | null, actor: string, action: string, detail?: string, now = Date.now()): Promise<void> {
    await this.db.orm.insert(this.db.t.audit).values(auditRow(taskId, { actor, action, detail }, now));
  }

  async auditLog(taskId: string): Promise<Array<{ actor: string; action: string; detail?: string; at: string }>> {
    const { audit } = this.db.t;
    const rows = await this.db.orm.select().from(audit).where(eq(audit.taskId, taskId)).orderBy(asc(audit.id));
    return rows.map((a) => ({ actor: a.actor, action: a.action, detail: a.detail ?? undefined, at: new Date(a.at).toISOString() }));
  }

  /** A task's audit entries of one action, oldest first. */
  private async auditOf(taskId: string, action: string) {
    const { audit } = this.db.t;
    return this.db.orm
      .select()
      .from(audit)
      .where(and(eq(audit.taskId, taskId), eq(audit.action, action)))
      .orderBy(asc(audit.id));
  }

  /** The last of a task's audit entries of one action. */
  private async lastAudit(taskId: string, action: string) {
    const { audit } = this.db.t;
    const [row] = await this.db.orm
      .select()
      .from(audit)
      .where(and(eq(audit.taskId, taskId), eq(audit.action, action)))
      .orderBy(desc(audit.id))
      .limit(1);
    return row;
  }

  /** The last rollback request of a task: who and when (from the audit log). */
  private async rollbackAsked(taskId: string): Promise<{ by: string; at: string } | undefined> {
    const r = await this.lastAudit(taskId, 'task.rollback');
    return r ? { by: r.actor, at: new Date(r.at).toISOString() } : undefined;
  }

  /** Servers chosen by autodetection when the task was created. */
  private async detections(taskId: string): Promise<string[] | undefined> {
    const rows = await this.auditOf(taskId, 'account.detected');
    return rows.length ? rows.map((r) => r.detail ?? '') : undefined;
  }

  /** The remarks of the last finished rollback (one per line in its audit entry). */
  private async rollbackNotes(taskId: string): Promise<string[] | undefined> {
    const row = await this.lastAudit(taskId, 'rollback.done');
    return row?.detail ? row.detail.split('\n') : undefined;
  }

  /** The last notification e-mail that could not be sent, for the task's view. */
  private async lastNotifyFailure(taskId: string): Promise<string | undefined> {
    return (await this.lastAudit(taskId, 'notify.failed'))?.detail ?? undefined;
  }

  /** Ended tasks whose rollback window has closed and that still hold a journal or credentials. */
  async expired(now = Date.now()): Promise<string[]> {
    const { tasks } = this.db.t;
    const rows = await this.db.orm
      .select({ id: tasks.id })
      .from(tasks)
      .where(and(isNull(tasks.purgedAt), lt(tasks.rollbackUntil, now)));
    return rows.map((r) => r.id);
  }

  private async view(row: TaskRow, now: number): Promise<TaskView> {
    const status = row.status as TaskStatus;
    const source = JSON.parse(row.source) as AccountEndpoint;
    const destination = JSON.parse(row.destination) as AccountEndpoint;
    const [steps, folders, rollbackAsked, notifyError, detected, rollbackNotes, pass, failedItems] = await Promise.all([
      this.steps(row.id),
      this.folderReports(row.id),
      status === 'rolling_back' || status === 'rolled_back' || row.rollbackError ? this.rollbackAsked(row.id) : undefined,
      row.notify ? this.lastNotifyFailure(row.id) : undefined,
      this.detections(row.id),
      row.status === 'rolled_back' ? this.rollbackNotes(row.id) : undefined,
      this.passOf(row.id),
      this.failedItemsOf(row.id),
    ]);
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
      steps,
      folders,
      error: row.error ?? undefined,
      rollbackError: row.rollbackError ?? undefined,
      cancelledBy: row.cancelledBy ?? undefined,
      cancelledAt: iso(row.cancelRequestedAt),
      rollbackAsked,
      notifyError,
      detected,
      rollbackNotes,
      createdAt: iso(row.createdAt)!,
      updatedAt: iso(row.updatedAt)!,
      startedAt: iso(row.startedAt),
      endedAt: iso(row.endedAt),
      rollbackUntil: iso(row.rollbackUntil),
      canRollback: isEnded(status) && row.purgedAt == null && row.rollbackUntil != null && row.rollbackUntil > now,
      canRetry: isEnded(status) && row.purgedAt == null && row.rollbackUntil != null && row.rollbackUntil > now,
      ...pass,
      failedItems,
    };
  }

  /** Which pass the task is at (one more per retry asked for) and where the last retry started from. */
  private async passOf(taskId: string): Promise<Pick<TaskView, 'pass' | 'passStart'>> {
    const retries = await this.auditOf(taskId, 'task.retry');
    const last = retries.at(-1)?.detail;
    const start = last ? (JSON.parse(last) as { done?: number; bytes?: number }) : undefined;
    return { pass: 1 + retries.length, ...(start ? { passStart: { done: start.done ?? 0, bytes: start.bytes ?? 0 } } : {}) };
  }

  /** The failed items a task view carries: all counts, the first items (the CLI and --json show them; cards a few). */
  private async failedItemsOf(taskId: string, shown = 200): Promise<TaskView['failedItems']> {
    const counts = await this.failed.counts(taskId);
    const total = Object.values(counts).reduce((n, c) => n + (c ?? 0), 0);
    if (total === 0) return undefined;
    const items = await this.failed.list(taskId, shown);
    return { counts, items, more: Math.max(0, total - items.reduce((n, i) => n + i.count, 0)) };
  }
}

/** An audit log row: who did what to which task (none: a refused request), and when. */
function auditRow(taskId: string | null, entry: { actor: string; action: string; detail?: string }, at: number) {
  return { taskId, actor: entry.actor, action: entry.action, detail: entry.detail ?? null, at };
}
