import type { webApi } from '@slack/bolt';
import type { TernService } from '../../src/service/service';
import type { Logger } from '../../src/log';
import type { TaskView } from '../../src/task';
import { Coalescer } from '../../src/notify/coalescer';
import type { TaskFeed } from '../../src/notify/task-feed';
import { statusCard } from '../../commands/views';
import { pendingMilestones } from '../../commands/milestones';
import { cardBlocks, cardText } from './render-card';

export const SURFACE = 'slack';

/**
 * Keeps every task's status card and thread up to date: the card is edited in place (coalesced
 * per task, and at most one edit every `editIntervalMs` for the whole workspace: chat.update is
 * Tier 3), milestones go to the thread once each, the final report always. A failed edit is logged
 * and never touches the migration.
 */
export class SlackCards {
  private readonly edits: Coalescer<TaskView>;
  /** One refresh at a time per task, so a milestone is never posted twice. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly service: TernService,
    private readonly feed: TaskFeed,
    private readonly log: Logger,
    editIntervalMs = 1_200,
  ) {
    this.edits = new Coalescer<TaskView>((taskId, task) => this.edit(taskId, task), editIntervalMs, (taskId, err) =>
      log.warn({ task: taskId, err: (err as Error).message }, 'status card edit failed'),
    );
  }

  async start(): Promise<void> {
    this.feed.onChange((taskId) => this.refresh(taskId));
    await this.feed.start();
    // A restarted bot catches up with what happened while it was away.
    for (const card of this.service.openCards(SURFACE)) this.refresh(card.taskId);
  }

  async stop(): Promise<void> {
    await this.feed.stop();
  }

  /** Posts a new task's card in the channel and starts following it. */
  async post(task: TaskView, channel: string): Promise<void> {
    const card = statusCard(task);
    const res = await this.client.chat.postMessage({ channel, text: cardText(card), blocks: cardBlocks(card) });
    this.service.saveCard({ taskId: task.id, surface: SURFACE, channel: res.channel ?? channel, messageId: res.ts!, threadId: res.ts! });
    this.refresh(task.id);
  }

  /** A line in the task's thread (who pressed what). */
  async say(taskId: string, text: string): Promise<void> {
    const ref = this.service.card(taskId, SURFACE);
    if (!ref) return;
    await this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.threadId ?? ref.messageId, text }).catch((err: Error) =>
      this.log.warn({ task: taskId, err: err.message }, 'thread reply failed'),
    );
  }

  refresh(taskId: string): void {
    const previous = this.chains.get(taskId) ?? Promise.resolve();
    const next = previous.then(() => this.update(taskId)).catch((err: Error) => this.log.warn({ task: taskId, err: err.message }, 'status card refresh failed'));
    this.chains.set(taskId, next);
    void next.finally(() => this.chains.get(taskId) === next && this.chains.delete(taskId));
  }

  /** Resolves when pending edits and replies are out (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
    await this.edits.flushed();
  }

  private async update(taskId: string): Promise<void> {
    const ref = this.service.card(taskId, SURFACE);
    if (!ref) return;
    const task = this.service.view(taskId);
    const { milestones, announced } = pendingMilestones(task, ref.announced);
    const final = milestones.some((m) => m.final);
    this.edits.push(taskId, task, final || statusCard(task).final);
    for (const m of milestones) {
      await this.client.chat.postMessage({ channel: ref.channel, thread_ts: ref.threadId ?? ref.messageId, text: m.lines.join('\n'), reply_broadcast: false });
    }
    const settled = task.status === 'completed' || task.status === 'failed' || task.status === 'cancelled' || task.status === 'rolled_back';
    this.service.recordAnnounced(taskId, SURFACE, announced, settled && announced.task === task.status);
  }

  private async edit(taskId: string, task: TaskView): Promise<void> {
    const ref = this.service.card(taskId, SURFACE);
    if (!ref) return;
    // Render from the freshest state: the coalescer may have waited.
    const card = statusCard(this.service.view(task.id));
    await this.client.chat.update({ channel: ref.channel, ts: ref.messageId, text: cardText(card), blocks: cardBlocks(card) });
  }
}
