// A throw-away Radicale (CalDAV + CardDAV) per test file, driven by the shared scripts in
// ../shared/radicale (see its README): a temp dir, a free port, stop() ends it and removes the dir.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccountCredentials } from '../../src/ports/account';
import { freePort } from './ports';

export interface RadicaleServer {
  dir: string;
  url: string;
  host: '127.0.0.1';
  port: number;
  /** A dav+http account of one of its users. */
  account(user: string, password?: string): AccountCredentials;
  /** Authenticated request straight to the server (seeding and checking, without the connector). */
  request(user: string, method: string, urlPath: string, body?: string, headers?: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
  /** The files Radicale keeps for a collection ("alice/calendar"), by name. */
  files(collection: string): Promise<Map<string, string>>;
  stop(): Promise<void>;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scriptsDir = path.resolve(projectRoot, '../shared/radicale');
const DEFAULT_USERS = 'alice:alicepass bob:bobpass carol:carolpass';
const MAX_ATTEMPTS = 5;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

const running = new Set<string>();
process.once('exit', () => {
  for (const dir of running) {
    try {
      process.kill(Number(readFileSync(path.join(dir, 'radicale.pid'), 'utf8').trim()), 'SIGTERM');
    } catch { /* already gone */ }
  }
});

async function waitAnswering(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'OPTIONS' }).then(() => true, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`radicale on port ${port} did not answer`);
}

/**
 * `maxContentLength` restarts it with Radicale's request size limit (bytes), as a provider's
 * limit on the size of one item.
 */
export async function startRadicale(opts: { users?: string; precreate?: boolean; maxContentLength?: number } = {}): Promise<RadicaleServer> {
  if (!existsSync('/usr/bin/radicale')) throw new Error('radicale is not installed; run: apt-get install -y radicale (scripts/test-deps.sh does)');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tern-radicale-'));
  const users = opts.users ?? DEFAULT_USERS;
  let port = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS && !port; attempt++) {
    const candidate = await freePort();
    const r = await run(path.join(scriptsDir, 'start.sh'), [dir, String(candidate)], { RADICALE_USERS: users, RADICALE_PRECREATE: opts.precreate === false ? '0' : '1' });
    if (r.code === 0) port = candidate;
    else if (!/address already in use|did not answer|exited during start-up/i.test(r.out) || attempt === MAX_ATTEMPTS) {
      await fs.rm(dir, { recursive: true, force: true });
      throw new Error(`radicale did not start:\n${r.out}`);
    }
  }
  running.add(dir);
  if (opts.maxContentLength !== undefined) {
    await run(path.join(scriptsDir, 'stop.sh'), [dir]);
    const log = openSync(path.join(dir, 'radicale.log'), 'a');
    const child = spawn('radicale', ['--config', path.join(dir, 'radicale.conf'), '--server-max-content-length', String(opts.maxContentLength)], { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    await fs.writeFile(path.join(dir, 'radicale.pid'), String(child.pid));
    await waitAnswering(port);
  }
  const passwords = new Map(users.split(' ').map((pair) => pair.split(':') as [string, string]));
  const url = `http://127.0.0.1:${port}/`;
  return {
    dir,
    url,
    host: '127.0.0.1',
    port,
    account: (user, password) => ({ protocol: 'dav', host: '127.0.0.1', port, secure: false, insecure: false, path: '/', user, password: password ?? passwords.get(user) ?? '' }),
    async request(user, method, urlPath, body, headers = {}) {
      const auth = 'Basic ' + Buffer.from(`${user}:${passwords.get(user)}`).toString('base64');
      const res = await fetch(new URL(urlPath, url), { method, body, headers: { Authorization: auth, ...headers } });
      return { status: res.status, text: await res.text(), headers: res.headers };
    },
    async files(collection) {
      const folder = path.join(dir, 'collections/collection-root', collection);
      const names = (await fs.readdir(folder).catch(() => [] as string[])).filter((n) => !n.startsWith('.'));
      return new Map(await Promise.all(names.map(async (n) => [n, await fs.readFile(path.join(folder, n), 'utf8')] as [string, string])));
    },
    async stop() {
      await run(path.join(scriptsDir, 'stop.sh'), [dir]);
      running.delete(dir);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
