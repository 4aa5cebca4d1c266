// A Redis for tests: TEST_REDIS_URL if set, else a running 127.0.0.1:6379, else a private
// redis-server on a free port (no persistence) that stop() shuts down.
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './ports';

export interface TestRedis { url: string; stop(): Promise<void> }

/** One PING with a short timeout and no retries, so an absent server fails fast. */
async function ping(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {}); // failures are the answer, not crashes
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function spawnRedis(): Promise<TestRedis> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    let exited = false;
    const exitedP = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
    const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
    spawnError.catch(() => {}); // observed via the race below; avoid an unhandled rejection later
    const deadline = Date.now() + 10_000;
    // Poll until it answers; an early exit usually means the port was taken, so try another.
    while (!exited && Date.now() < deadline) {
      if (await Promise.race([ping(url, 300), spawnError])) {
        return {
          url,
          async stop() {
            if (exited) return;
            child.kill('SIGTERM');
            await exitedP;
          },
        };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!exited) {
      child.kill('SIGKILL');
      await exitedP;
      throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
    }
  }
  throw new Error('redis-server could not start (5 attempts)');
}

export async function startRedis(): Promise<TestRedis> {
  const fromEnv = process.env.TEST_REDIS_URL;
  if (fromEnv) return { url: fromEnv, async stop() {} };
  const shared = 'redis://127.0.0.1:6379';
  if (await ping(shared)) return { url: shared, async stop() {} };
  return spawnRedis();
}
