/**
 * One pacer per workspace (or guild): every call a bot makes in the background goes through a
 * lane that knows its method's rate tier (e.g. one chat.postMessage a second per channel, one
 * chat.update every 1.2 s for the whole workspace). A lane runs its calls one at a time, in the
 * order they were queued, so a thread's messages keep their order; a rate-limited call waits the
 * server's Retry-After (the whole lane waits with it) and is tried again, never dropped.
 */

/** Thrown by a call the server refused for its rate: how long it asked to wait. */
export class RateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`rate limited: retry after ${retryAfterMs} ms`);
  }
}

export interface LaneRule {
  /** Least time between the starts of two calls in the lane. */
  intervalMs: number;
}

interface Job {
  run: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Lane {
  rule: LaneRule;
  queue: Job[];
  running: boolean;
  lastStart: number;
  pausedUntil: number;
}

export class Pacer {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    /** The rule of a lane, by its name ("chat.postMessage:C123", "chat.update"). */
    private readonly ruleOf: (lane: string) => LaneRule,
    /** Tries of one call that keeps being rate limited before it fails (a server that never relents). */
    private readonly maxRateLimitedTries = 30,
    private readonly onRateLimited: (lane: string, retryAfterMs: number) => void = () => {},
  ) {}

  /** Runs `call` in `lane`, after the calls queued there before it. */
  run<T>(lane: string, call: () => Promise<T>): Promise<T> {
    const l = this.lane(lane);
    return new Promise<T>((resolve, reject) => {
      l.queue.push({ run: call, resolve: resolve as (v: unknown) => void, reject });
      if (!l.running) void this.drain(lane, l);
    });
  }

  /** Calls waiting or running, over all lanes (tests, shutdown). */
  get pending(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += l.queue.length + (l.running ? 1 : 0);
    return n;
  }

  private lane(name: string): Lane {
    let l = this.lanes.get(name);
    if (!l) {
      // Idle lanes are forgotten once their pacing no longer matters: a workspace has many channels over time.
      const now = Date.now();
      for (const [k, x] of this.lanes) if (!x.running && !x.queue.length && now - Math.max(x.lastStart, x.pausedUntil) > 60_000) this.lanes.delete(k);
      l = { rule: this.ruleOf(name), queue: [], running: false, lastStart: 0, pausedUntil: 0 };
      this.lanes.set(name, l);
    }
    return l;
  }

  private async drain(name: string, l: Lane): Promise<void> {
    l.running = true;
    try {
      while (l.queue.length) {
        const job = l.queue.shift()!;
        for (let tries = 1; ; tries++) {
          const wait = Math.max(l.lastStart + l.rule.intervalMs, l.pausedUntil) - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          l.lastStart = Date.now();
          try {
            job.resolve(await job.run());
            break;
          } catch (err) {
            if (!(err instanceof RateLimited) || tries >= this.maxRateLimitedTries) {
              job.reject(err);
              break;
            }
            l.pausedUntil = Date.now() + err.retryAfterMs;
            this.onRateLimited(name, err.retryAfterMs);
          }
        }
      }
    } finally {
      l.running = false;
    }
  }
}
