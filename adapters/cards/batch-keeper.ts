import type { TernService } from '../../src/service/service';
import type { Logger } from '../../src/log';
import type { BatchView } from '../../src/batch';
import type { BatchCardPlace } from '../../src/queue/batch-card-places';
import { Coalescer } from '../../src/notify/coalescer';
import type { TaskFeed } from '../../src/notify/task-feed';

/** What a chat platform does with a batch card; the keeper decides when. */
export interface BatchCardTransport {
  post(batch: BatchView, channel: string, threadId?: string): Promise<BatchCardPlace>;
  edit(place: BatchCardPlace, batch: BatchView): Promise<void>;
}

/** Tasks whose batch (or lack of one) is remembered: a task never changes batch. */
const REMEMBERED_TASKS = 10_000;

/**
 * Keeps batch cards live on one platform: any change of a task of the batch (the same feed as the
 * task cards: job progress from every worker, plus a slow poll of the open cards) redraws its
 * batch's card, coalesced per batch and paced like the task cards (the platform's transport
 * goes through the workspace's pacer). The last edit shows the batch ended; the card is then no
 * longer followed. A failed edit is logged and tried again on the next change or poll.
 */
export class BatchCardKeeper {
  private readonly edits: Coalescer<true>;
  private readonly batchOf = new Map<string, string | null>();
  private readonly lastSent = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly surface: string,
    private readonly transport: BatchCardTransport,
    private readonly service: TernService,
    private readonly feed: TaskFeed,
    private readonly log: Logger,
    editIntervalMs: number,
    private readonly pollMs = 5_000,
  ) {
    this.edits = new Coalescer<true>((batchId) => this.edit(batchId), editIntervalMs, (batchId, err) => log.warn({ batch: batchId, err: (err as Error).message }, 'batch card edit failed'));
  }

  /** Listens to the feed (call before the feed starts, or after: it only adds a listener) and catches up with open cards. */
  start(): void {
    this.feed.onChange((taskId) => void this.onTask(taskId).catch((err) => this.log.warn({ err: (err as Error).message, task: taskId }, 'could not find the batch of a task')));
    // The feed's poll covers task cards only; a batch's tasks have none, so its card polls itself.
    this.timer = setInterval(() => void this.refreshOpen(), this.pollMs);
    this.timer.unref();
    void this.refreshOpen();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Posts a new batch's card and starts following it. */
  async post(batch: BatchView, channel: string, threadId?: string): Promise<BatchCardPlace> {
    const place = await this.transport.post(batch, channel, threadId);
    await this.service.batches.saveCard(batch.id, this.surface, place);
    this.lastSent.set(batch.id, shown(batch));
    this.refresh(batch.id);
    return place;
  }

  /** A click on a card this process does not know (posted before cards were kept): follow it from now on. */
  async adopt(batchId: string, place: BatchCardPlace): Promise<void> {
    if (!(await this.service.batches.card(batchId, this.surface))) await this.service.batches.saveCard(batchId, this.surface, place);
  }

  /** Redraws the card from the batch as it is now; `force` even when nothing seems to have changed (a Refresh click). */
  refresh(batchId: string, force = false): void {
    if (force) this.lastSent.delete(batchId);
    this.edits.push(batchId, true);
  }

  /** Resolves when pending edits are out (tests, shutdown). */
  idle(): Promise<void> {
    return this.edits.flushed();
  }

  private async onTask(taskId: string): Promise<void> {
    let batchId = this.batchOf.get(taskId);
    if (batchId === undefined) {
      batchId = (await this.service.batches.of(taskId)) ?? null;
      if (this.batchOf.size >= REMEMBERED_TASKS) this.batchOf.delete(this.batchOf.keys().next().value!);
      this.batchOf.set(taskId, batchId);
    }
    if (batchId) this.refresh(batchId);
  }

  private async refreshOpen(): Promise<void> {
    try {
      for (const batchId of await this.service.batches.openCards(this.surface)) this.refresh(batchId);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not list the open batch cards');
    }
  }

  private async edit(batchId: string): Promise<void> {
    const place = await this.service.batches.card(batchId, this.surface);
    if (!place) return;
    // Rendered from the freshest state: the coalescer may have waited.
    const batch = await this.service.batches.summary(batchId);
    const key = shown(batch);
    if (this.lastSent.get(batchId) !== key) {
      await this.transport.edit(place, batch);
      this.lastSent.set(batchId, key);
    }
    if (batch.ended) {
      await this.service.batches.closeCard(batchId, this.surface);
      this.lastSent.delete(batchId);
    }
  }
}

/** What a card shows of a batch, to skip edits that would change nothing (rates as shown, to one decimal). */
function shown(b: BatchView): string {
  return JSON.stringify({ ...b, throughput: b.throughput?.toFixed(1), tasks: b.tasks.map((t) => [t.id, t.status, t.done, t.total]), slowest: b.slowest && [b.slowest.id, b.slowest.rate?.toFixed(1)], failed: b.failed.map((f) => [f.id, f.error]) });
}
