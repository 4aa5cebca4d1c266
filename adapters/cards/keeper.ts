import type { TernService } from '../../src/service/service';
import type { Logger } from '../../src/log';
import { isEnded, type TaskView } from '../../src/task';
import { Coalescer } from '../../src/notify/coalescer';
import type { TaskFeed } from '../../src/notify/task-feed';
import { statusCard, type StatusCard } from '../../commands/views';
import { pendingMilestones } from '../../commands/milestones';

/** Where a card lives on a platform: the message and the thread under it. */
export interface CardPlace {
  channel: string;
  messageId: string;
  threadId: string;
}

/** A message for a task's thread. */
export interface ThreadPost {
  lines: string[];
  /** Plain text from the views (folder names, server messages): the platform escapes and bounds it. Otherwise already in the platform's markup. */
  plain: boolean;
  /** The task's last message: it notifies the requester. */
  final?: boolean;
  /** The task's requester ("slack:U…"). */
  requester?: string;
}

/** What a chat platform does with a card; the keeper decides when. */
export interface CardTransport {
  post(card: StatusCard, channel: string): Promise<CardPlace>;
  edit(place: CardPlace, card: StatusCard): Promise<void>;
  reply(place: CardPlace, post: ThreadPost): Promise<void>;
}

/**
 * Keeps every task's status card and thread up to date on one platform: the card is edited in
 * place (coalesced per task, at most one edit every `editIntervalMs` for the whole workspace),
 * milestones go to the thread once each, the final report always. Card places are stored, so a
 * restarted process keeps editing the same card. A failed edit is logged and never touches the task.
 */
export class CardKeeper {
  private readonly edits: Coalescer<TaskView>;
  /** One refresh at a time per task, so a milestone is never posted twice. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Tasks with a refresh waiting to run. */
  private readonly queued = new Set<string>();
  /** The last card sent per task, to skip identical edits. */
  private readonly lastSent = new Map<string, string>();

  constructor(
    private readonly surface: string,
    private readonly transport: CardTransport,
    private readonly service: TernService,
    private readonly feed: TaskFeed,
    private readonly log: Logger,
    editIntervalMs: number,
  ) {
    this.edits = new Coalescer<TaskView>((taskId) => this.edit(taskId), editIntervalMs, (taskId, err) =>
      log.warn({ task: taskId, err: (err as Error).message }, 'status card edit failed'),
    );
  }

  async start(): Promise<void> {
    this.feed.onChange((taskId) => this.refresh(taskId));
    await this.feed.start();
    // A restarted bot catches up with what happened while it was away.
    for (const card of await this.service.openCards(this.surface)) this.refresh(card.taskId);
  }

  async stop(): Promise<void> {
    await this.feed.stop();
  }

  /** Posts a new task's card in the channel (or where the platform could put it) and starts following it. */
  async post(task: TaskView, channel: string): Promise<CardPlace> {
    const place = await this.transport.post(statusCard(task), channel);
    await this.service.saveCard({ taskId: task.id, surface: this.surface, ...place });
    this.refresh(task.id);
    return place;
  }

  /** A line in the task's thread (who pressed what), already in the platform's markup. */
  async say(taskId: string, text: string): Promise<void> {
    const place = await this.place(taskId);
    if (!place) return;
    await this.transport.reply(place, { lines: [text], plain: false }).catch((err: Error) => this.log.warn({ task: taskId, err: err.message }, 'thread reply failed'));
  }

  refresh(taskId: string): void {
    // One refresh already waiting reads the state as it is when it runs: a burst of progress
    // events costs one read of the task, not one each (the event loop answers people meanwhile).
    if (this.queued.has(taskId)) return;
    this.queued.add(taskId);
    const previous = this.chains.get(taskId) ?? Promise.resolve();
    const next = previous
      .then(() => this.nextTurn())
      .then(() => {
        this.queued.delete(taskId);
        return this.update(taskId);
      }).catch((err: Error) => this.log.warn({ task: taskId, err: err.message }, 'status card refresh failed'));
    this.chains.set(taskId, next);
    void next.finally(() => this.chains.get(taskId) === next && this.chains.delete(taskId));
  }

  /**
   * A refresh reads its task from the store synchronously. Refreshes take turns, one per turn of
   * the event loop (each waits for the previous one's setImmediate), so that a burst of 20 tasks'
   * events never holds up an acknowledgement behind 20 reads.
   */
  private turns = Promise.resolve();
  private nextTurn(): Promise<void> {
    const turn = this.turns.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.turns = turn;
    return turn;
  }

  /** Resolves when pending edits and replies are out (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
    await this.edits.flushed();
  }

  private async place(taskId: string): Promise<CardPlace | undefined> {
    const ref = await this.service.card(taskId, this.surface);
    return ref && { channel: ref.channel, messageId: ref.messageId, threadId: ref.threadId ?? ref.messageId };
  }

  private async update(taskId: string): Promise<void> {
    const ref = await this.service.card(taskId, this.surface);
    if (!ref) return;
    const place = { channel: ref.channel, messageId: ref.messageId, threadId: ref.threadId ?? ref.messageId };
    const task = await this.service.view(taskId);
    const { milestones, announced } = pendingMilestones(task, ref.announced);
    const final = milestones.some((m) => m.final);
    this.edits.push(taskId, task, final || statusCard(task).final);
    const settled = isEnded(task.status) || task.status === 'rolled_back';
    // Recorded after each post: a failure later never makes an earlier milestone post twice.
    let done = { ...ref.announced };
    for (const m of milestones) {
      await this.transport.reply(place, { lines: m.lines, plain: true, final: m.final, requester: task.requester });
      done = { ...done, ...m.marks };
      await this.service.recordAnnounced(taskId, this.surface, done, false);
    }
    const finalPosted = settled && announced.task === task.status;
    // Nothing new to record (most progress events): no write.
    if (milestones.length || finalPosted !== ref.finalPosted || JSON.stringify(announced) !== JSON.stringify(ref.announced)) {
      await this.service.recordAnnounced(taskId, this.surface, announced, finalPosted);
    }
  }

  private async edit(taskId: string): Promise<void> {
    const place = await this.place(taskId);
    if (!place) return;
    // Rendered from the freshest state: the coalescer may have waited.
    const card = statusCard(await this.service.view(taskId));
    // The same card again (a poll, a second event for one change) is not sent: it would only spend the rate limit.
    const key = JSON.stringify(card);
    if (this.lastSent.get(taskId) === key) return;
    await this.transport.edit(place, card);
    this.lastSent.set(taskId, key);
    if (card.final) setTimeout(() => this.lastSent.delete(taskId), 60_000).unref();
  }
}
