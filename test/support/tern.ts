// An in-process Tern (store in a temp dir, a unique queue prefix on the test Redis), for tests
// that drive the service and a worker directly; and the environment for spawning the real CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'bullmq';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { openRuntime, type Runtime } from '../../src/service/runtime';
import { TernService } from '../../src/service/service';
import type { Actor } from '../../src/service/actor';
import { isEnded, type TaskView } from '../../src/task';
import type { DovecotServer } from './dovecot';
import { databaseForDataDir } from './postgres';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestTern {
  env: Record<string, string>;
  runtime: Runtime;
  service: TernService;
  actor: Actor;
  startWorker(): Promise<Worker>;
  /** Waits until the task has ended (or `until` holds). */
  waitFor(id: string, until?: (t: TaskView) => boolean): Promise<TaskView>;
  close(): Promise<void>;
}

export function ternEnv(redisUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = extra.TERN_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tern-data-'));
  // TEST_STORE=postgres (see databaseForDataDir): the store in PostgreSQL, one database per data folder.
  const databaseUrl = databaseForDataDir(dataDir);
  return {
    TERN_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    REDIS_URL: redisUrl,
    TERN_REDIS_PREFIX: `tern-test-${randomBytes(4).toString('hex')}`,
    TERN_SECRET_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

export async function startTern(redisUrl: string, extra: Record<string, string> = {}): Promise<TestTern> {
  const env = ternEnv(redisUrl, extra);
  const config = loadConfig(env);
  // TEST_LOG_LEVEL=debug shows the engine's log while debugging a test.
  const runtime = await openRuntime(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false }));
  const service = new TernService(runtime);
  const workers: Worker[] = [];
  return {
    env,
    runtime,
    service,
    actor: { id: 'test:owner', label: 'owner', admin: false },
    async startWorker() {
      const w = await service.startWorker();
      workers.push(w);
      return w;
    },
    waitFor: (id, until = (t) => isEnded(t.status) || t.status === 'rolled_back') => service.follow(id, until),
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await runtime.close();
      fs.rmSync(env.TERN_DATA_DIR, { recursive: true, force: true });
    },
  };
}

/** An imap:// URL for a user of a test Dovecot, password included. */
export function imapUrl(server: DovecotServer, user: string, password = `${user}pass`): string {
  return `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${server.imapPort}`;
}

export function pop3Url(server: DovecotServer, user: string, password = `${user}pass`): string {
  return `pop3://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${server.pop3Port}`;
}

export function account(server: DovecotServer, user: string, password = `${user}pass`) {
  return { host: '127.0.0.1', port: server.imapPort, user, password };
}
