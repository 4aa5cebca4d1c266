import type { QueueEvents } from 'bullmq';

/**
 * Tells chat adapters which tasks changed: job progress, completions and failures from any worker
 * (through Redis), plus a slow poll of the tasks they watch as a safety net (a cancel asked from
 * another surface, a missed event). Listeners get task IDs and read the task from the store.
 */
export class TaskFeed {
  private events: QueueEvents | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(taskId: string) => void>();

  constructor(
    /** Opens the queue's events, where workers publish progress (the queue's Redis is opened on first use). */
    private readonly openEvents: () => Promise<QueueEvents>,
    /** The tasks to poll (those with an open card). */
    private readonly watched: () => Promise<string[]>,
    private readonly pollMs = 2_000,
  ) {}

  onChange(listener: (taskId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.events = await this.openEvents();
    const emit = ({ jobId }: { jobId: string }) => this.emit(taskIdOfJob(jobId));
    for (const event of ['progress', 'active', 'completed', 'failed'] as const) this.events.on(event, emit);
    await this.events.waitUntilReady();
    // A store that does not answer skips a poll; the next one tries again.
    this.timer = setInterval(() => void this.watched().then((ids) => ids.forEach((id) => this.emit(id)), () => undefined), this.pollMs);
    this.timer.unref();
  }

  /** For a change made in this process (a click): no need to wait for Redis. */
  emit(taskId: string): void {
    for (const listener of this.listeners) listener(taskId);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.events?.close();
  }
}

/** Migration jobs are named after their task; rollback jobs "<task>.rollback.<n>". */
export function taskIdOfJob(jobId: string): string {
  return jobId.split('.')[0];
}
