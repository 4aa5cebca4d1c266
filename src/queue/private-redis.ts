import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { TernError } from '../errors';
import { pingRedis } from './redis-check';

/**
 * When REDIS_URL is unset, Tern runs its own redis-server under the data directory, on a free
 * loopback port, with an append-only file so queued jobs survive a restart. A second Tern process
 * on the same data directory reuses it; the process that started it stops it on exit.
 */
export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

export async function startPrivateRedis(dataDir: string): Promise<PrivateRedis> {
  const dir = path.join(dataDir, 'redis');
  const addressFile = path.join(dir, 'address');
  fs.mkdirSync(dir, { recursive: true });
  const existing = fs.existsSync(addressFile) ? fs.readFileSync(addressFile, 'utf8').trim() : undefined;
  if (existing && (await answers(existing))) return { url: existing, stop: async () => {} };

  if (spawnSync('redis-server', ['--version']).error) {
    throw new TernError(
      'REDIS_UNAVAILABLE',
      'Tern needs Redis and none was found: set REDIS_URL=redis://host:6379, or install redis-server (Debian/Ubuntu: apt-get install redis-server) so Tern can start its own, or run `docker compose up -d redis`.',
    );
  }
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--logfile', path.join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new TernError('REDIS_UNAVAILABLE', `The private redis-server did not start; see ${path.join(dir, 'redis.log')}.`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  fs.writeFileSync(addressFile, url);
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(addressFile, { force: true });
    },
  };
}

/** Whether a Redis answers at this URL (a previous run's, or the one just started). */
function answers(url: string): Promise<boolean> {
  return pingRedis(url, 1000).then(
    () => true,
    () => false,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
