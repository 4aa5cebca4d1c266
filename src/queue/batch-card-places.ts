import type { Redis } from 'ioredis';
import type { TaskQueue } from './queue';

/** Where a batch card lives on a chat surface (the message, and the thread it is in, if any). */
export interface BatchCardPlace {
  channel: string;
  messageId: string;
  threadId?: string;
}

/** A card not edited for this long is forgotten (a batch of thousands of rows still ends well within it). */
const TTL_MS = 14 * 86_400_000;

/**
 * Batch card places, in Redis next to the queue: short-lived (until the batch ends), shared by
 * every bot process, so a restarted bot keeps editing the same card. Per surface, one key per
 * card and a sorted set of the cards still open (score: when they expire).
 */
export class BatchCardPlaces {
  constructor(private readonly queue: TaskQueue) {}

  /** The queue's own Redis connection (BullMQ types it narrowly; it is an ioredis client). */
  private redis = async (): Promise<Redis> => (await this.queue.queue.client) as unknown as Redis;
  private key = (surface: string, batchId: string) => `${this.queue.prefix}:batch-card:${surface}:${batchId}`;
  private openKey = (surface: string) => `${this.queue.prefix}:batch-cards-open:${surface}`;

  async save(surface: string, batchId: string, place: BatchCardPlace): Promise<void> {
    const redis = await this.redis();
    await redis.multi().set(this.key(surface, batchId), JSON.stringify(place), 'PX', TTL_MS).zadd(this.openKey(surface), Date.now() + TTL_MS, batchId).exec();
  }

  async get(surface: string, batchId: string): Promise<BatchCardPlace | undefined> {
    const raw = await (await this.redis()).get(this.key(surface, batchId));
    return raw ? (JSON.parse(raw) as BatchCardPlace) : undefined;
  }

  /** Batches whose card on `surface` is still followed (not ended yet). */
  async open(surface: string): Promise<string[]> {
    const redis = await this.redis();
    await redis.zremrangebyscore(this.openKey(surface), '-inf', Date.now());
    return redis.zrange(this.openKey(surface), 0, -1);
  }

  /** The batch ended and its card shows it: no longer followed (its place stays, for its buttons). */
  async close(surface: string, batchId: string): Promise<void> {
    await (await this.redis()).zrem(this.openKey(surface), batchId);
  }
}
