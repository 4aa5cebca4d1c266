/**
 * Sends the latest value per key, one send at a time and at most one every minIntervalMs across
 * all keys (chat APIs limit edits per workspace, not per message). Intermediate values of a key
 * are skipped; a final value is never dropped, and a failed final send is retried.
 */
export class Coalescer<T> {
  private readonly pending = new Map<string, { value: T; final: boolean; attempts: number }>();
  private running = false;
  private lastSend = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly send: (key: string, value: T) => Promise<void>,
    private readonly minIntervalMs: number,
    private readonly onError: (key: string, err: unknown) => void = () => {},
    private readonly maxFinalAttempts = 5,
  ) {}

  push(key: string, value: T, final = false): void {
    const prev = this.pending.get(key);
    this.pending.set(key, { value, final: final || Boolean(prev?.final), attempts: prev?.attempts ?? 0 });
    if (!this.running) void this.drain();
  }

  /** Resolves once everything pushed so far was sent (or given up on). */
  flushed(): Promise<void> {
    if (!this.running && this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.size > 0) {
        // Finals first: the state people are waiting for.
        const [key, item] = [...this.pending].sort((a, b) => Number(b[1].final) - Number(a[1].final))[0];
        this.pending.delete(key);
        const wait = this.lastSend + this.minIntervalMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (this.pending.has(key)) continue; // a newer value arrived while waiting: send that one instead
        this.lastSend = Date.now();
        try {
          await this.send(key, item.value);
        } catch (err) {
          this.onError(key, err);
          if (item.final && item.attempts + 1 < this.maxFinalAttempts && !this.pending.has(key)) {
            this.pending.set(key, { ...item, attempts: item.attempts + 1 });
          }
        }
      }
    } finally {
      this.running = false;
      const waiting = this.idle;
      this.idle = [];
      waiting.forEach((resolve) => resolve());
    }
  }
}
