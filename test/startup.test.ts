// Each command loads only what it needs (DESIGN.md): `tern --help`, `status`, `list`, `detect` and
// `cancel` never load the chat SDKs or the Exchange client. The real binary runs with a preload
// that records every module it loads (support/import-log.mjs). `npm test` builds dist/ first, so
// this checks the compiled CLI; on sources edited since, bin/tern.js runs them through tsx and
// the same must hold.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './support/redis';
import { startDns, type TestDns } from './support/dns-server';
import { projectRoot, startTern, type TestTern } from './support/tern';
import { newTaskId } from '../src/ids';

const FORBIDDEN = ['discord.js', '@slack/bolt', 'ews-javascript-api'];
const importLog = path.join(projectRoot, 'test/support/import-log.mjs');

let redis: TestRedis;
let dns: TestDns;
let tern: TestTern;
let logDir: string;
let queuedTask: string;

beforeAll(async () => {
  [redis, dns] = await Promise.all([startRedis(), startDns()]);
  dns.add({ type: 'SRV', name: '_imap._tcp.startup.test', target: 'localhost', port: 143 });
  tern = await startTern(redis.url, { TERN_DNS_SERVERS: dns.address });
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-imports-'));
  // A queued Exchange task (no worker runs): `status` shows it, `cancel` takes its job off the queue.
  queuedTask = newTaskId();
  const ews = (user: string) => ({ protocol: 'ews' as const, host: 'ex.startup.test', port: 443, secure: true, insecure: false, user, path: '/EWS/Exchange.asmx' });
  await tern.runtime.tasks.create({ id: queuedTask, requester: 'test:owner', source: ews('alice@startup.test'), destination: ews('bob@startup.test'), items: ['emails', 'contacts'] });
  await (await tern.runtime.queue()).enqueueMigration(queuedTask);
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([redis?.stop(), dns?.close()]);
  if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
});

/** Runs node with the preload; resolves to its exit code, output and the packages it loaded. */
function runLogged(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; packages: Set<string> }> {
  const log = path.join(logDir, `${Math.random().toString(36).slice(2)}.log`);
  const child = spawn(process.execPath, ['--import', importLog, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...tern.env, TERN_IMPORT_LOG: log },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const loaded = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
      const packages = new Set([...loaded.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]!));
      resolve({ code, stdout, stderr, packages });
    });
  });
}

describe('start-up: what each command loads', () => {
  it('the probe sees a package when it is loaded (so an absence below means something)', async () => {
    const r = await runLogged(['--input-type=module', '-e', "await import('discord.js'); await import('@slack/bolt'); await import('ews-javascript-api');"]);
    expect(r.code, r.stderr).toBe(0);
    for (const name of FORBIDDEN) expect(r.packages).toContain(name);
  });

  const commands: Array<[string, () => string[], number, (stdout: string) => void]> = [
    ['--help', () => ['--help'], 0, (out) => expect(out).toContain('Usage: tern')],
    ['list', () => ['list'], 0, (out) => expect(out).toContain(queuedTask)],
    ['status', () => ['status', queuedTask, '--json'], 0, (out) => expect(JSON.parse(out)).toMatchObject({ id: queuedTask, status: 'queued' })],
    ['detect', () => ['detect', 'alice@startup.test'], 0, (out) => expect(out).toContain('IMAP localhost:143')],
    // Last: it ends the queued task and takes its job off the queue, which loads BullMQ.
    ['cancel', () => ['cancel', queuedTask], 0, (out) => expect(out.trim()).toBe(`${queuedTask} cancelled.`)],
  ];

  it.each(commands)('tern %s loads neither discord.js, @slack/bolt nor ews-javascript-api', async (_name, args, exitCode, checkOutput) => {
    const r = await runLogged(['bin/tern.js', ...args()]);
    expect(r.code, r.stderr).toBe(exitCode);
    checkOutput(r.stdout);
    expect(r.packages, 'the probe recorded the run').toContain('commander');
    for (const name of FORBIDDEN) expect([...r.packages]).not.toContain(name);
  });
});
