// A Redis for tests: TEST_REDIS_URL if set, else a running 127.0.0.1:6379, else a private
// redis-server on a free port (no persistence) that stop() shuts down.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports';

export interface TestRedis { url: string; stop(): Promise<void> }

/** A Redis of the test's own, which it can make unresponsive (SIGSTOP) for a while, as an outage. */
export interface OwnRedis extends TestRedis {
  /** Stops answering for `ms` (connections stay open and hang), then resumes with its data intact. */
  freeze(ms: number): Promise<void>;
  /** Goes down for `ms` (connections refused), then comes back on the same port with its data. */
  down(ms: number): Promise<void>;
}

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

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  hasExited(): boolean;
}

/** redis-server on `port`, answering PING, or undefined when it exited first (the port was taken). */
async function launch(port: number, dir?: string): Promise<Running | undefined> {
  const persistence = dir ? ['--dir', dir, '--appendonly', 'yes'] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
  let done = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { done = true; resolve(); }));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => {}); // observed via the race below; avoid an unhandled rejection later
  const url = `redis://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 10_000; !done && Date.now() < deadline; ) {
    if (await Promise.race([ping(url, 300), spawnError])) return { child, exited, hasExited: () => done };
    await new Promise((r) => setTimeout(r, 100));
  }
  if (done) return undefined;
  child.kill('SIGKILL');
  await exited;
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
}

/**
 * A Redis of the test's own, kept on disk (append-only file) so that it can go down and come back
 * with its data, as a real outage would.
 */
export async function spawnRedis(): Promise<OwnRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-redis-'));
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    let running = await launch(port, dir);
    if (!running) continue;
    const stopNow = async () => {
      if (running!.hasExited()) return;
      running!.child.kill('SIGCONT');
      running!.child.kill('SIGTERM');
      await running!.exited;
    };
    return {
      url: `redis://127.0.0.1:${port}`,
      async stop() {
        await stopNow();
        fs.rmSync(dir, { recursive: true, force: true });
      },
      async freeze(ms) {
        running!.child.kill('SIGSTOP');
        await new Promise((r) => setTimeout(r, ms));
        running!.child.kill('SIGCONT');
      },
      async down(ms) {
        await stopNow();
        await new Promise((r) => setTimeout(r, ms));
        const back = await launch(port, dir);
        if (!back) throw new Error(`redis-server could not come back on port ${port}`);
        running = back;
      },
    };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error('redis-server could not start (5 attempts)');
}

export async function startRedis(): Promise<TestRedis> {
  const fromEnv = process.env.TEST_REDIS_URL;
  if (fromEnv) return { url: fromEnv, async stop() {} };
  const shared = 'redis://127.0.0.1:6379';
  if (await ping(shared)) return { url: shared, async stop() {} };
  return spawnRedis();
}
