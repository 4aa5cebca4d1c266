import { newBatchId, normalizeBatchId, normalizeTaskId } from '../ids';
import { TernError } from '../errors';
import { summarizeBatch, type BatchView, type RowProblem } from '../batch';
import { isEnded, type TaskView } from '../task';
import { BatchStore } from '../store/batches';
import type { Runtime } from './runtime';
import type { Actor } from './actor';
import type { CheckedTask, CreateTaskInput } from './task-input';
import { BatchCardPlaces, type BatchCardPlace } from '../queue/batch-card-places';

/** What batches need of the service: a task's checks, storing a checked task, cancel and rollback. */
export interface TaskOps {
  check(request: CreateTaskInput): Promise<CheckedTask>;
  store(checked: CheckedTask, actor: Actor): Promise<string>;
  cancel(taskId: string, actor: Actor): Promise<unknown>;
  rollback(taskId: string, actor: Actor): Promise<unknown>;
}

/** A parsed CSV row: its line, and the migration it asks for. */
export interface BatchRow {
  line: number;
  request: CreateTaskInput;
}

export interface BatchOutcome {
  /** Unset for a dry run: nothing was queued. */
  batch?: BatchView;
  /** Rows that passed every check (queued, unless a dry run). */
  good: Array<{ line: number; taskId?: string; detected: string[] }>;
  /** Rows that did not, by line and column. */
  refused: RowProblem[];
}

/** How many rows' logins are checked at once. */
const CHECK_PARALLEL = 8;

/**
 * Batches: many migrations from one CSV, each an ordinary task with its own ID, under one batch
 * ID that follows, cancels or rolls them back together. Every row is checked (accounts, item
 * kinds, logins) before anything is queued; bad rows are reported, good rows still go.
 */
export class Batches {
  private readonly store: BatchStore;

  constructor(
    private readonly rt: Runtime,
    private readonly service: TaskOps,
  ) {
    this.store = new BatchStore(rt.db);
  }

  /**
   * Checks every row, then (unless `dryRun`) queues the good ones as one batch, taking fair turns
   * with other batches. `problems` are rows the CSV parser refused already; they are reported with
   * the others. A batch with no good row is not created.
   */
  async run(rows: BatchRow[], problems: RowProblem[], options: { name: string; dryRun: boolean }, actor: Actor): Promise<BatchOutcome> {
    // The queue first: a task is never stored without one to run it.
    const queue = options.dryRun ? undefined : await this.rt.queue();
    const checked = await checkAll(rows, (r) => this.service.check(r.request));
    const refused = [...problems];
    const good: Array<{ line: number; checked: CheckedTask }> = [];
    for (const c of checked) {
      if ('checked' in c) good.push(c as { line: number; checked: CheckedTask });
      else refused.push(c.problem);
    }
    refused.sort((a, b) => a.line - b.line);
    if (options.dryRun || good.length === 0) return { good: good.map((g) => ({ line: g.line, detected: g.checked.detected })), refused };
    const id = newBatchId();
    const stored: Array<{ line: number; taskId: string; detected: CheckedTask['detected'] }> = [];
    for (const g of good) stored.push({ line: g.line, taskId: await this.service.store(g.checked, actor), detected: g.checked.detected });
    await this.store.create({ id, requester: actor.id, name: options.name, refused, createdAt: Date.now() }, stored);
    await this.rt.tasks.audit(null, actor.id, 'batch.create', `${id} ${options.name}: ${stored.length} queued, ${refused.length} refused`);
    const base = await queue!.batchPriorityBase();
    for (const [i, s] of stored.entries()) await queue!.enqueueMigration(s.taskId, base + i);
    return { batch: await this.view(id, actor), good: stored, refused };
  }

  /** The batch card: anyone who may see it (its requester, an admin). */
  async view(batchId: string, actor: Actor): Promise<BatchView> {
    const head = await this.find(batchId);
    if (!actor.admin && head.requester !== actor.id) throw new TernError('FORBIDDEN', `Only the person who started ${head.id} or an administrator may see it.`);
    return this.summary(head.id);
  }

  /** The batch as it is now, for its card (public in its channel already). */
  async summary(batchId: string): Promise<BatchView> {
    const head = await this.find(batchId);
    const rows = await this.store.tasks(head.id);
    const found = await Promise.all(rows.map(async ({ taskId, line }) => ({ line, task: await this.rt.tasks.get(taskId) })));
    return summarizeBatch(head, found.flatMap(({ line, task }) => (task ? [{ line, task }] : [])));
  }

  /** The batch a task belongs to (for its card), if any. */
  async of(taskId: string): Promise<string | undefined> {
    return this.store.of(taskId);
  }

  /** Where the batch's live card is on a chat surface (kept in Redis until the batch ends). */
  async saveCard(batchId: string, surface: string, place: BatchCardPlace): Promise<void> {
    await (await this.cardPlaces()).save(surface, batchId, place);
  }

  async card(batchId: string, surface: string): Promise<BatchCardPlace | undefined> {
    return (await this.cardPlaces()).get(surface, batchId);
  }

  /** Batch cards on `surface` still to keep up to date (a restarted bot resumes them). */
  async openCards(surface: string): Promise<string[]> {
    return (await this.cardPlaces()).open(surface);
  }

  /** The card shows the batch ended: it is no longer followed. */
  async closeCard(batchId: string, surface: string): Promise<void> {
    await (await this.cardPlaces()).close(surface, batchId);
  }

  private places?: BatchCardPlaces;
  private async cardPlaces(): Promise<BatchCardPlaces> {
    return (this.places ??= new BatchCardPlaces(await this.rt.queue()));
  }

  /** Cancels every task of the batch still queued or running; the others are left as they are. */
  async cancel(batchId: string, actor: Actor): Promise<{ batch: BatchView; done: string[]; skipped: string[] }> {
    return this.forEach(batchId, actor, 'cancel', (t) => !isEnded(t.status) && t.status !== 'rolling_back' && t.status !== 'rolled_back' && !t.cancelling, (id) => this.service.cancel(id, actor));
  }

  /** Rolls back every ended task of the batch whose window is open (cancel the batch first to include the rest). */
  async rollback(batchId: string, actor: Actor): Promise<{ batch: BatchView; done: string[]; skipped: string[] }> {
    return this.forEach(batchId, actor, 'roll back', (t) => isEnded(t.status) && t.canRollback, (id) => this.service.rollback(id, actor));
  }

  /**
   * One task of the batch, by its ID (from the batch card): the task's own cancel or rollback,
   * with its own rules (who may, the rollback window). An ID from another batch is refused.
   */
  async onTask(batchId: string, taskId: string, what: 'cancel' | 'rollback', actor: Actor): Promise<string> {
    const head = await this.find(batchId);
    const id = normalizeTaskId(taskId);
    if (!id || (await this.store.of(id)) !== head.id) {
      throw new TernError('TASK_NOT_FOUND', `"${taskId.trim()}" is not a task of ${head.id}. Task IDs look like T-7K3M9QXA: /migrate list (or tern status ${head.id}) shows them.`, { field: 'task' });
    }
    await (what === 'cancel' ? this.service.cancel(id, actor) : this.service.rollback(id, actor));
    return id;
  }

  private async forEach(batchId: string, actor: Actor, what: string, applies: (t: TaskView) => boolean, act: (taskId: string) => Promise<unknown>) {
    const head = await this.find(batchId);
    if (!actor.admin && head.requester !== actor.id) throw new TernError('FORBIDDEN', `Only the person who started ${head.id} or an administrator may ${what} it.`);
    const done: string[] = [];
    const skipped: string[] = [];
    for (const { taskId } of await this.store.tasks(head.id)) {
      const task = await this.rt.tasks.get(taskId);
      if (!task || !applies(task)) {
        skipped.push(taskId);
        continue;
      }
      // One task changing state meanwhile does not stop the others.
      try {
        await act(taskId);
        done.push(taskId);
      } catch (err) {
        if (!(err instanceof TernError)) throw err;
        skipped.push(taskId);
      }
    }
    await this.rt.tasks.audit(null, actor.id, `batch.${what.replace(' ', '')}`, `${head.id}: ${done.length} tasks`);
    return { batch: await this.summary(head.id), done, skipped };
  }

  private async find(batchId: string) {
    const id = normalizeBatchId(batchId);
    if (!id) throw new TernError('BATCH_NOT_FOUND', `"${batchId}" is not a batch ID: batch IDs look like B-7K3M9QXA.`);
    const head = await this.store.get(id);
    if (!head) throw new TernError('BATCH_NOT_FOUND', `There is no batch ${id}. Check the ID: tern batch prints it when the batch is queued.`);
    return head;
  }
}

/** Checks rows a few at a time; each row's outcome is its checked task or its problem, by column. */
async function checkAll(rows: BatchRow[], check: (r: BatchRow) => Promise<CheckedTask>): Promise<Array<{ line: number; checked: CheckedTask } | { line: number; problem: RowProblem }>> {
  const out: Array<{ line: number; checked: CheckedTask } | { line: number; problem: RowProblem }> = new Array(rows.length);
  let next = 0;
  const lane = async () => {
    while (next < rows.length) {
      const i = next++;
      const row = rows[i];
      try {
        out[i] = { line: row.line, checked: await check(row) };
      } catch (err) {
        if (!(err instanceof TernError)) throw err;
        out[i] = { line: row.line, problem: { line: row.line, column: columnOf(err.field), message: err.userMessage } };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECK_PARALLEL, rows.length) }, lane));
  return out;
}

/** The CSV column a field error is about. */
function columnOf(field: string | undefined): string | undefined {
  if (!field) return undefined;
  const base = field.split('.')[0];
  return ['source', 'destination', 'items', 'notify'].includes(base) ? base : undefined;
}
