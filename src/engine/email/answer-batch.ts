import type { RunJournal } from '../run-journal';
import { PendingWrites } from '../pending-writes';

/**
 * The destination's answers to writes, journaled in one transaction per batch rather than one
 * disk write each. Intents are never batched this way: they are written before their messages
 * are sent. An answer lost in a crash before its batch was written leaves its intent
 * unconfirmed, which claimIntents resolves from the destination on the next attempt, exactly as
 * for a crash between a write and its answer. Answers arrive synchronously; a full batch is
 * written meanwhile, and `flush` waits for every batch.
 */
export class AnswerBatch {
  private confirmed: Array<[number, string]> = [];
  private dropped: number[] = [];
  private readonly writes = new PendingWrites();

  constructor(
    private readonly journal: RunJournal,
    private readonly size = 500,
  ) {}

  confirm(id: number, ref: string): void {
    this.confirmed.push([id, ref]);
    if (this.confirmed.length + this.dropped.length >= this.size) this.send();
  }

  drop(id: number): void {
    this.dropped.push(id);
    if (this.confirmed.length + this.dropped.length >= this.size) this.send();
  }

  /** Writes what is gathered and waits for every batch written so far. */
  async flush(): Promise<void> {
    this.send();
    await this.writes.done();
  }

  private send(): void {
    const answers = { confirmed: this.confirmed, dropped: this.dropped };
    this.confirmed = [];
    this.dropped = [];
    this.writes.add(this.journal.settle(answers));
  }
}
