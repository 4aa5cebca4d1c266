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
 * One PING, bounded: a Redis that is down or unreachable is said at once, in one line naming it,
 * instead of every queue command waiting for it forever.
 */
export async function checkRedis(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: Error | undefined;
  client.on('error', (err: Error) => (lastError = err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const why = (lastError ?? (err as Error)).message?.split('\n')[0] ?? String(err);
    throw new TernError('REDIS_UNAVAILABLE', `Cannot reach Redis at ${shownRedisUrl(url)} (${why}). Start it, or set REDIS_URL to a Redis that answers (unset, Tern starts its own).`);
  } finally {
    // A client whose connection was refused has ended already; disconnecting it anyway starts a
    // 2 s timer that kept `tern` alive after saying Redis cannot be reached.
    if (client.status !== 'end') client.disconnect();
  }
}
