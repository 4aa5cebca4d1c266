import type { ItemKind } from '../items';
import type { StepCounters } from '../task';

/** What a worker publishes while a task runs: per-step counters, at most every intervalMs. */
export interface ProgressSnapshot {
  taskId: string;
  step: ItemKind;
  counters: StepCounters;
  /** The folder (or other unit) being worked on. */
  current?: string;
  at: number;
}

export type ProgressSink = (snapshot: ProgressSnapshot) => void | Promise<void>;

/**
 * Throttles progress: counters change with every message, but the store and the queue hear of
 * it at most every intervalMs, plus once on flush() (step and folder boundaries).
 */
export class ProgressThrottle {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The latest snapshot, or how to take it: taken only when it is published, not at every update. */
  private latest: ProgressSnapshot | (() => ProgressSnapshot) | undefined;

  constructor(
    private readonly sink: ProgressSink,
    private readonly intervalMs = 500,
  ) {}

  /** A function is called once, when the snapshot is published (a step whose totals cost a loop). */
  update(snapshot: ProgressSnapshot | (() => ProgressSnapshot)): void {
    this.latest = snapshot;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), wait);
    }
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const latest = this.latest;
    this.latest = undefined;
    if (!latest) return;
    this.last = Date.now();
    try {
      await this.sink(typeof latest === 'function' ? latest() : latest);
    } catch {
      // Progress is informative: a failed publication never fails a migration.
    }
  }
}
