// What the bot keeps in Redis for chat forms (waiting sign-ins, plan cards' forms), read raw with
// KEYS/GET, so a test can check that nothing secret is stored in clear.
import { Redis } from 'ioredis';

export async function keptInRedis(redisUrl: string, prefix: string): Promise<Array<{ key: string; value: string }>> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const keys = await client.keys(`${prefix}:chat-keep:*`);
    return Promise.all(keys.map(async (key) => ({ key, value: (await client.get(key)) ?? '' })));
  } finally {
    client.disconnect();
  }
}
