import type { Redis } from 'ioredis';
import type { Sealed } from '../store/vault';
import type { TaskQueue } from './queue';

/** Seals and opens secrets with the credential key (the vault's AES-256-GCM). */
export interface Sealer {
  seal(context: string, secret: string): Sealed;
  open(context: string, sealed: Sealed, what: string): string;
}

/**
 * Short-lived chat state that must outlive a bot restart (a sign-in waiting for approval, a plan
 * card's form), in Redis next to the queue, shared by every bot process. Each record is sealed
 * whole with the credential key, so no password or device code is kept in clear; it expires on
 * its own (PX). Per kind, a sorted set of the records still kept (score: when they expire).
 */
export class SealedKeeps {
  constructor(
    private readonly queue: TaskQueue,
    private readonly sealer: Sealer,
  ) {}

  /** The queue's own Redis connection (BullMQ types it narrowly; it is an ioredis client). */
  private redis = async (): Promise<Redis> => (await this.queue.queue.client) as unknown as Redis;
  private key = (kind: string, id: string) => `${this.queue.prefix}:chat-keep:${kind}:${id}`;
  private setKey = (kind: string) => `${this.queue.prefix}:chat-keeps:${kind}`;

  async put<T>(kind: string, id: string, value: T, expiresAt: number): Promise<void> {
    const ttl = Math.max(1, expiresAt - Date.now());
    const sealed = this.sealer.seal(this.key(kind, id), JSON.stringify(value));
    await (await this.redis()).multi().set(this.key(kind, id), JSON.stringify(sealed), 'PX', ttl).zadd(this.setKey(kind), expiresAt, id).exec();
  }

  async get<T>(kind: string, id: string): Promise<T | undefined> {
    const raw = await (await this.redis()).get(this.key(kind, id));
    return raw ? (JSON.parse(this.sealer.open(this.key(kind, id), JSON.parse(raw) as Sealed, `A kept ${kind}`)) as T) : undefined;
  }

  /** Gets and deletes at once: of two processes taking the same record, one gets it. */
  async take<T>(kind: string, id: string): Promise<T | undefined> {
    const redis = await this.redis();
    const [[, raw]] = (await redis.multi().getdel(this.key(kind, id)).zrem(this.setKey(kind), id).exec()) as [[unknown, string | null], unknown];
    return raw ? (JSON.parse(this.sealer.open(this.key(kind, id), JSON.parse(raw) as Sealed, `A kept ${kind}`)) as T) : undefined;
  }

  async delete(kind: string, id: string): Promise<void> {
    await (await this.redis()).multi().del(this.key(kind, id)).zrem(this.setKey(kind), id).exec();
  }

  /** The ids of the records of `kind` not expired yet. */
  async ids(kind: string): Promise<string[]> {
    const redis = await this.redis();
    await redis.zremrangebyscore(this.setKey(kind), '-inf', Date.now());
    return redis.zrange(this.setKey(kind), 0, -1);
  }
}
