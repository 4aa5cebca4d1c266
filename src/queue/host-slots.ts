import { Redis } from 'ioredis';

/** Caps on running tasks; 0 = no cap. */
export interface HostLimits {
  all: number;
  perSourceHost: number;
  perDestinationHost: number;
}

export interface SlotClaim {
  /** Which cap is reached, for the waiting reason. */
  full?: { scope: 'all' | 'source' | 'destination'; host?: string; limit: number };
}

// Each key is a sorted set of task IDs scored by when their claim runs out, so a dead worker's
// slots free themselves. All keys are claimed together or none is (one script, atomic).
const ACQUIRE = `
local now = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do redis.call('ZREMRANGEBYSCORE', key, '-inf', now) end
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 + i])
  if limit > 0 and not redis.call('ZSCORE', key, ARGV[1]) and redis.call('ZCARD', key) >= limit then return i end
end
for i, key in ipairs(KEYS) do redis.call('ZADD', key, now + tonumber(ARGV[3]), ARGV[1]) end
return 0
`;

/**
 * Slots for running tasks, shared by every worker through Redis: at most `all` tasks run at once,
 * at most `perSourceHost` against one source server and `perDestinationHost` against one
 * destination server, so 500 queued tasks do not open 500 tasks' connections to one server.
 */
export class HostSlots {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly limits: HostLimits,
    private readonly ttlMs: number,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    // A lost connection fails the claim (the job tries again later); unheard, it would crash the process.
    this.redis.on('error', () => {});
  }

  /** Whether any cap applies at all (no Redis traffic when none does). */
  get active(): boolean {
    return this.limits.all > 0 || this.limits.perSourceHost > 0 || this.limits.perDestinationHost > 0;
  }

  async acquire(taskId: string, hosts: { source?: string; destination: string }, now = Date.now()): Promise<SlotClaim> {
    const scopes = this.scopes(hosts);
    const full = (await this.redis.eval(ACQUIRE, scopes.length, ...scopes.map((s) => s.key), taskId, now, this.ttlMs, ...scopes.map((s) => s.limit))) as number;
    if (full === 0) return {};
    const s = scopes[full - 1];
    return { full: { scope: s.scope, host: s.host, limit: s.limit } };
  }

  /** Pushes the claim's end further while the task runs. */
  async renew(taskId: string, hosts: { source?: string; destination: string }, now = Date.now()): Promise<void> {
    const until = now + this.ttlMs;
    await Promise.all(this.scopes(hosts).map((s) => this.redis.zadd(s.key, 'XX', until, taskId)));
  }

  async release(taskId: string, hosts: { source?: string; destination: string }): Promise<void> {
    await Promise.all(this.scopes(hosts).map((s) => this.redis.zrem(s.key, taskId)));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private scopes(hosts: { source?: string; destination: string }) {
    const key = (...parts: string[]) => [this.prefix, 'slots', ...parts].join(':');
    const scopes: Array<{ scope: 'all' | 'source' | 'destination'; host?: string; key: string; limit: number }> = [{ scope: 'all', key: key('all'), limit: this.limits.all }];
    // A PST file is read where it is: no server to spare.
    if (hosts.source) scopes.push({ scope: 'source', host: hosts.source, key: key('source', hosts.source.toLowerCase()), limit: this.limits.perSourceHost });
    scopes.push({ scope: 'destination', host: hosts.destination, key: key('destination', hosts.destination.toLowerCase()), limit: this.limits.perDestinationHost });
    return scopes;
  }
}

/** The waiting reason a full cap gives, in the words the task card and the CLI show. */
export function slotWaitReason(full: NonNullable<SlotClaim['full']>): string {
  const tasks = `${full.limit} task${full.limit === 1 ? '' : 's'}`;
  const runs = full.limit === 1 ? 'runs' : 'run';
  if (full.scope === 'all') return `Queued: ${tasks} already ${runs}, the most TERN_MAX_RUNNING_TASKS allows; this one starts when one of them ends.`;
  const Side = full.scope === 'source' ? 'Source' : 'Destination';
  const setting = full.scope === 'source' ? 'TERN_MAX_TASKS_PER_SOURCE_HOST' : 'TERN_MAX_TASKS_PER_DESTINATION_HOST';
  return `${Side}: ${tasks} already ${runs} against ${full.host}, the most ${setting} allows; this one starts when one of them ends.`;
}
