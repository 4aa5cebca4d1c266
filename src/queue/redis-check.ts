import { Redis } from 'ioredis';
import { TernError } from '../errors';

/** The Redis URL as it may be shown: any password replaced by "***". */
export function shownRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'the REDIS_URL given';
  }
}

/**
 * One PING, bounded: resolves when the Redis at `url` answers, else rejects with why it did not
 * (the driver's first line). The one probe for the configured Redis and the private one.
 */
export async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: Error | undefined;
  client.on('error', (err: Error) => (lastError = err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error((lastError ?? (err as Error)).message?.split('\n')[0] ?? String(err));
  } finally {
    // A client whose connection was refused has ended already; disconnecting it anyway starts a
    // 2 s timer that kept the process alive (every short `tern` command waited it out at exit).
    if (client.status !== 'end') client.disconnect();
  }
}

/**
 * A Redis that is down or unreachable is said at once, in one line naming it, instead of every
 * queue command waiting for it forever.
 */
export async function checkRedis(url: string, timeoutMs = 5_000): Promise<void> {
  await pingRedis(url, timeoutMs).catch((err: Error) => {
    throw new TernError('REDIS_UNAVAILABLE', `Cannot reach Redis at ${shownRedisUrl(url)} (${err.message}). Start it, or set REDIS_URL to a Redis that answers (unset, Tern starts its own).`);
  });
}
