/**
 * Graph's per-mailbox limits, shared by every connection of this process to one mailbox: at most
 * 4 requests in flight (Exchange Online's MailboxConcurrency), and after a 429 or 503 every request
 * for that mailbox waits out the Retry-After the server named, not only the one that was refused.
 */
export const MAX_CONCURRENT = 4;

export class MailboxLimiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private pausedUntil = 0;

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      await this.pause();
      return await fn();
    } finally {
      this.release();
    }
  }

  /** The server asked this mailbox's callers to wait. */
  holdFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  private async pause(): Promise<void> {
    for (let left = this.pausedUntil - Date.now(); left > 0; left = this.pausedUntil - Date.now()) await new Promise((r) => setTimeout(r, left));
  }

  private acquire(): Promise<void> {
    if (this.running < MAX_CONCURRENT) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

const limiters = new Map<string, MailboxLimiter>();

/** The one limiter of a mailbox at an endpoint. */
export function limiterFor(base: string, mailbox: string): MailboxLimiter {
  const key = `${base}|${mailbox.toLowerCase()}`;
  let l = limiters.get(key);
  if (!l) limiters.set(key, (l = new MailboxLimiter()));
  return l;
}
