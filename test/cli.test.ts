// End-to-end tests of the `tern` CLI against two real Dovecot servers ("/" and "INBOX." + "."
// conventions) and a real Redis. Most commands run in this process through the CLI's main(), with
// their own environment and output; what needs a process of its own runs the real binary,
// `node bin/tern.js …`, from the project root: exit codes of the process, Ctrl-C and SIGTERM, the
// private redis-server's lifecycle. Assertions cover exit codes, stdout/stderr and what actually
// ends up in the mailboxes, plus a sweep for plaintext passwords in every output, the SQLite store
// and Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { freePort } from './support/ports';
import { contentView, makeMessage, seedMessage, snapshotMailbox, type MailboxSnapshot } from './support/mailbox';
import { account, imapUrl, pop3Url, projectRoot, ternEnv } from './support/tern';
import { startLatencyProxy } from './support/latency-proxy';
import { storeDump, storeRows } from './support/store-rows';
import { main } from '../adapters/cli/main';

// ---------------------------------------------------------------------------------------------
// Running the CLI

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Every output of every run, for the final secrets sweep. */
const transcripts: Array<{ args: string[]; stdout: string; stderr: string }> = [];

/** Variables the host environment could set that would change what the CLI does. */
const SCRUBBED = ['REDIS_URL', 'TERN_DATA_DIR', 'TERN_REDIS_PREFIX', 'TERN_SECRET_KEY', 'TERN_FROM_PASSWORD', 'TERN_TO_PASSWORD', 'LOG_LEVEL', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN'];

/** process.env without the scrubbed variables, then `env` on top; an undefined value removes the variable. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const key of SCRUBBED) delete merged[key];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/**
 * Runs `tern ...args` in this process, as bin/tern.js would, with `env` as its whole environment
 * and its output (logs included) collected. A run that outlives `timeoutMs` rejects with what it
 * printed so far.
 */
async function runTern(args: string[], env: Record<string, string | undefined>, opts: { timeoutMs?: number } = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const t0 = Date.now();
  let stdout = '';
  let stderr = '';
  const io = { env: childEnv(env), stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), logs: { write: (s: string) => void (stderr += s) } };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`tern ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
  });
  try {
    const code = await Promise.race([main(['node', 'tern', ...args], io), timeout]);
    return { code, signal: null, stdout, stderr, ms: Date.now() - t0 };
  } finally {
    clearTimeout(timer);
    transcripts.push({ args, stdout, stderr });
  }
}

/**
 * Runs the real binary, `node bin/tern.js ...args`, and collects its output. A run that outlives
 * `timeoutMs` is killed (by its pid) and the promise rejects with what it printed so far.
 */
function spawnTern(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { timeoutMs?: number; whileRunning?: (run: { child: ChildProcess; stdout: string; stderr: string }) => void } = {},
): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tern.js', ...args], { cwd: projectRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const poll = opts.whileRunning ? setInterval(() => opts.whileRunning?.({ child, stdout, stderr }), 25) : undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tern ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      transcripts.push({ args, stdout, stderr });
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** For failure messages: the whole run at a glance. */
const show = (r: RunResult) => `exit ${r.code}${r.signal ? ` (${r.signal})` : ''} after ${r.ms} ms\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

/** The last line of stdout, parsed: the contract of --json. */
function lastJson<T = TaskJson>(r: RunResult): T {
  const last = lines(r.stdout).at(-1);
  if (!last) throw new Error(`no JSON on stdout\n${show(r)}`);
  return JSON.parse(last) as T;
}

interface TaskJson {
  id: string;
  status: string;
  cancelling: boolean;
  source: string;
  destination: string;
  items: string[];
  steps: Array<{ kind: string; status: string; total: number; copied: number; alreadyPresent: number; failed: number; bytes: number }>;
  folders: Array<{ sourceFolder: string; destinationFolder: string; status: string; sourceCount: number; copied: number; alreadyPresent: number; failed: number; destinationCount?: number }>;
  error: string | null;
  rollbackError: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
  rollbackUntil: string | null;
}

/** A user-input error: exit 2, one "tern: " line on stderr, no stack, nothing on stdout. */
function expectCleanUsageError(r: RunResult, message: RegExp | string): void {
  expect(r.code, show(r)).toBe(2);
  expect(r.stdout, show(r)).toBe('');
  const errLines = lines(r.stderr);
  expect(errLines, show(r)).toHaveLength(1);
  expect(errLines[0]).toMatch(/^tern: /);
  expect(r.stderr).not.toContain('    at ');
  expect(r.stderr).not.toMatch(/internal error/i);
  if (typeof message === 'string') expect(errLines[0]).toContain(message);
  else expect(errLines[0]).toMatch(message);
}

// ---------------------------------------------------------------------------------------------
// Secrets

/** Every password any test hands to the CLI. */
const PASSWORDS = {
  alice: 'alicepass',
  bob: 'bobpass',
  carol: 'carolpass',
  dave: 'D@ve-P4ss/w%rd#?&+', // needs percent-encoding in a URL
  erin: 'Erin-s3cret-9f2c',
  frank: 'Frank-s3cret-77aa',
  grace: 'Grace-s3cret-41b0',
  wrongSource: 'Wr0ng-Source-Pw-5e1d',
  wrongDestination: 'Wr0ng-Dest-Pw-c0de',
};

/** The forms in which a password could leak: as is, percent-encoded, base64. */
function secretForms(): string[] {
  return [...new Set(Object.values(PASSWORDS).flatMap((p) => [p, encodeURIComponent(p), Buffer.from(p).toString('base64')]))];
}

function expectNoSecret(where: string, text: string | Buffer): void {
  const haystack = Buffer.isBuffer(text) ? text.toString('latin1') : text;
  for (const secret of secretForms()) {
    // latin1 keeps every byte of a binary file; the passwords are ASCII, so this finds them either way.
    expect(haystack.includes(secret), `${where} contains the secret ${JSON.stringify(secret)}`).toBe(false);
  }
}

function expectNoSecretIn(r: RunResult): void {
  expectNoSecret('stdout', r.stdout);
  expectNoSecret('stderr', r.stderr);
}

/** All files below a directory (the data directory: tern.db, -wal, -shm, the private Redis' AOF…). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Every value stored in Redis under `prefix`, as text, keyed by Redis key. */
async function dumpRedis(url: string, prefix: string): Promise<Map<string, string>> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const out = new Map<string, string>();
  try {
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      batch.forEach((k) => keys.add(k));
    } while (cursor !== '0');
    for (const key of keys) {
      const type = await client.type(key);
      let value: unknown;
      if (type === 'hash') value = await client.hgetall(key);
      else if (type === 'string') value = await client.get(key);
      else if (type === 'list') value = await client.lrange(key, 0, -1);
      else if (type === 'set') value = await client.smembers(key);
      else if (type === 'zset') value = await client.zrange(key, 0, -1, 'WITHSCORES');
      else if (type === 'stream') value = await client.xrange(key, '-', '+');
      else continue; // expired meanwhile
      out.set(key, JSON.stringify(value));
    }
  } finally {
    client.disconnect();
  }
  return out;
}

/** The process of the Redis answering at a redis:// URL (one quick try), or undefined when none answers. */
async function redisPid(url: string): Promise<number | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => {});
  try {
    await client.connect();
    return Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]) || undefined;
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Servers and the shared Tern environment

let slash: DovecotServer;
let dotted: DovecotServer;
let redis: TestRedis;
/** This file's data directory and Redis prefix: most runs share them. */
let env: Record<string, string>;
const dataDirs: string[] = [];

function newEnv(extra: Record<string, string> = {}): Record<string, string> {
  const e = ternEnv(redis.url, extra);
  dataDirs.push(e.TERN_DATA_DIR);
  return e;
}

const day = (n: number) => new Date(Date.UTC(2024, 2, n, 8, 15, 0));
const alice = () => account(slash, 'alice');
const bob = () => account(dotted, 'bob');

/** Where alice's folders ("/" server) must land on bob's ("INBOX." + "." server). */
const FOLDER_MAP: Record<string, string> = {
  INBOX: 'INBOX',
  Drafts: 'INBOX.Drafts',
  Sent: 'INBOX.Sent',
  Trash: 'INBOX.Trash',
  Junk: 'INBOX.Junk',
  Projects: 'INBOX.Projects',
  'Projects/2024': 'INBOX.Projects.2024',
  Réunions: 'INBOX.Réunions',
};

/** Already at bob's INBOX before the first migration: counted as already present, not copied. */
const duplicate = makeMessage({ subject: 'Already at the destination', messageId: '<cli-dup@tern.test>', date: day(1) });

beforeAll(async () => {
  [slash, dotted, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), startRedis()]);
  // addUser waits for the next wall-clock second (Dovecot re-reads the user file at most once a second).
  await Promise.all([
    slash.addUser('dave@example.com', PASSWORDS.dave).then(() => slash.addUser('frank', PASSWORDS.frank)).then(() => slash.addUser('grace', PASSWORDS.grace)),
    dotted.addUser('erin', PASSWORDS.erin).then(() => dotted.addUser('frank', PASSWORDS.frank)).then(() => dotted.addUser('grace', PASSWORDS.grace)),
  ]);
  env = newEnv();

  const a = alice();
  await seedMessage(a, 'INBOX', duplicate, { flags: ['\\Seen'], internalDate: day(1) });
  await seedMessage(a, 'INBOX', makeMessage({ subject: 'Flags and keywords', date: day(2) }), { flags: ['\\Seen', '\\Answered', '\\Flagged', '$Label1', 'Custom'], internalDate: day(2) });
  await seedMessage(a, 'INBOX', makeMessage({ subject: 'Ünïcödé', body: 'Grüße — 日本語', date: day(3) }), { internalDate: day(3) });
  await seedMessage(a, 'INBOX', makeMessage({ subject: 'No Message-ID', messageId: null, date: day(4) }), { internalDate: day(4) });
  await seedMessage(a, 'Drafts', makeMessage({ subject: 'Draft', date: day(5) }), { flags: ['\\Draft'], internalDate: day(5) });
  await seedMessage(a, 'Sent', makeMessage({ subject: 'Sent', date: day(6) }), { flags: ['\\Seen'], internalDate: day(6) });
  await seedMessage(a, 'Trash', makeMessage({ subject: 'Binned', date: day(7) }), { flags: ['\\Deleted', '\\Seen'], internalDate: day(7) });
  await seedMessage(a, 'Projects', makeMessage({ subject: 'Project', date: day(8) }), { internalDate: day(8) });
  await seedMessage(a, 'Projects/2024', makeMessage({ subject: 'Bigger one', bodyBytes: 300 * 1024, date: day(9) }), { internalDate: day(9) });
  await seedMessage(a, 'Projects/2024', makeMessage({ subject: 'P2024 b', date: day(10) }), { flags: ['\\Seen'], internalDate: day(10) });
  await seedMessage(a, 'Réunions', makeMessage({ subject: 'Réunion', date: day(11) }), { internalDate: day(11) });

  const b = bob();
  await seedMessage(b, 'INBOX', duplicate, { flags: ['\\Seen'], internalDate: day(1) });
  await seedMessage(b, 'INBOX.Projects', makeMessage({ subject: "Bob's own", date: day(20) }), { internalDate: day(20) });

  const d = account(slash, 'dave@example.com', PASSWORDS.dave);
  await seedMessage(d, 'INBOX', makeMessage({ subject: 'For dave', date: day(12) }), { flags: ['\\Seen'], internalDate: day(12) });
  await seedMessage(d, 'Archive/Old', makeMessage({ subject: 'Old dave mail', date: day(13) }), { internalDate: day(13) });

  await seedMessage(account(slash, 'frank', PASSWORDS.frank), 'INBOX', makeMessage({ subject: 'For frank', date: day(14) }), { internalDate: day(14) });
});

afterAll(async () => {
  // This file's queue keys on the (possibly shared) Redis go too.
  if (redis && env) {
    const keys = [...(await dumpRedis(redis.url, env.TERN_REDIS_PREFIX)).keys()];
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    if (keys.length) await client.del(...keys);
    client.disconnect();
  }
  await Promise.all([slash?.stop(), dotted?.stop(), redis?.stop()]);
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** IDs of the tasks `tern list --json` shows for an environment. */
async function taskIds(e: Record<string, string | undefined>): Promise<string[]> {
  const r = await runTern(['list', '--json'], e);
  expect(r.code, show(r)).toBe(0);
  return (lastJson<TaskJson[]>(r)).map((t) => t.id).sort();
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

// ---------------------------------------------------------------------------------------------

describe('tern migrate, a second pass and tern rollback (IMAP "/" -> IMAP "INBOX." + ".")', () => {
  let sourceBefore: MailboxSnapshot;
  let destinationBefore: MailboxSnapshot;
  let first: TaskJson;
  let sourceTotal: number;

  it('migrates every message byte for byte, with flags and dates, and prints the task as JSON', async () => {
    sourceBefore = await snapshotMailbox(alice());
    destinationBefore = await snapshotMailbox(bob());
    const src = contentView(sourceBefore);
    const before = contentView(destinationBefore);
    sourceTotal = Object.values(src).reduce((n, l) => n + l.length, 0);
    expect(sourceTotal).toBe(11);

    // Debug logging on: the secrets sweep at the end checks this run's stderr too.
    const r = await runTern(['migrate', '--from', imapUrl(slash, 'alice'), '--to', imapUrl(dotted, 'bob'), '--json'], { ...env, LOG_LEVEL: 'debug' });
    expect(r.code, show(r)).toBe(0);
    expectNoSecretIn(r);
    expect(r.stderr).not.toContain('    at ');

    first = lastJson(r);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['id', 'status', 'source', 'destination', 'items', 'steps', 'createdAt', 'updatedAt', 'rollbackUntil']));
    expect(first.id).toMatch(/^T-[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(first.status).toBe('completed');
    expect(first.source).toBe(`imap://alice@127.0.0.1:${slash.imapPort}`);
    expect(first.destination).toBe(`imap://bob@127.0.0.1:${dotted.imapPort}`);
    expect(first.items).toEqual(['emails']);
    expect(first.steps).toHaveLength(1);
    expect(Object.keys(first.steps[0]).sort()).toEqual(['alreadyPresent', 'bytes', 'copied', 'failed', 'kind', 'status', 'total']);
    expect(first.steps[0]).toMatchObject({ kind: 'emails', status: 'done', total: sourceTotal, copied: sourceTotal - 1, alreadyPresent: 1, failed: 0 });
    expect(first.steps[0].bytes).toBeGreaterThan(300 * 1024);
    expect(first.error).toBeNull();
    expect(first.createdAt).toMatch(ISO);
    expect(first.updatedAt).toMatch(ISO);
    expect(first.rollbackUntil).toMatch(ISO);
    // The default rollback window is 48 h after the end.
    expect(Date.parse(first.rollbackUntil!) - Date.parse(first.endedAt!)).toBe(48 * 3_600_000);
    // The "Task … created" line goes to stderr in JSON mode, without a password.
    expect(r.stderr).toContain(`Task ${first.id} created: imap://alice@127.0.0.1:${slash.imapPort} -> imap://bob@127.0.0.1:${dotted.imapPort}`);

    // The per-folder report maps every source folder as expected.
    const report = Object.fromEntries(first.folders.map((f) => [f.sourceFolder, f]));
    for (const [s, d] of Object.entries(FOLDER_MAP)) {
      expect(report[s], s).toMatchObject({ destinationFolder: d, status: 'done', sourceCount: src[s].length, failed: 0 });
    }
    expect(report.INBOX).toMatchObject({ copied: 3, alreadyPresent: 1, destinationCount: 4 });
    expect(report.Projects).toMatchObject({ copied: 1, destinationCount: 2 });

    // The real destination mailbox: each mapped folder = what was there + the source folder, the duplicate once.
    const after = contentView(await snapshotMailbox(bob()));
    const dupLine = src.INBOX.find((l) => before.INBOX.includes(l));
    expect(dupLine, 'the duplicate is in both mailboxes').toBeDefined();
    for (const [s, d] of Object.entries(FOLDER_MAP)) {
      const expected = [...(before[d] ?? []), ...src[s]];
      if (d === 'INBOX') expected.splice(expected.indexOf(dupLine!), 1);
      expect(after[d], `${s} -> ${d}`).toEqual(expected.sort());
    }
    expect(Object.keys(after).sort()).toEqual([...new Set([...Object.keys(before), ...Object.values(FOLDER_MAP)])].sort());
    // The source is untouched.
    expect(await snapshotMailbox(alice())).toEqual(sourceBefore);
  });

  it('shows the task as text with status and in tern list', async () => {
    const s = await runTern(['status', first.id], env);
    expect(s.code, show(s)).toBe(0);
    expect(s.stdout).toContain(`${first.id}  completed`);
    expect(s.stdout).toMatch(/E-mails\s+done\s+10 copied, 1 already present, 0 failed of 11/);
    expect(s.stdout).toContain('Projects/2024 -> INBOX.Projects.2024: 2 / 2 / 0 / 0 / 2  done');
    expect(s.stdout).toContain('rollback possible until');

    const j = await runTern(['status', first.id.toLowerCase().replace('t-', ''), '--json'], env);
    expect(j.code, show(j)).toBe(0);
    expect(lastJson(j)).toMatchObject({ id: first.id, status: 'completed', steps: first.steps });

    const l = await runTern(['list'], env);
    expect(l.code, show(l)).toBe(0);
    const line = lines(l.stdout).find((x) => x.startsWith(first.id));
    expect(line, show(l)).toMatch(/completed\s+11\/11\s+imap:\/\/alice@127\.0\.0\.1:\d+ -> imap:\/\/bob@127\.0\.0\.1:\d+/);
  });

  it('copies nothing on a second run: everything is already present', async () => {
    const afterFirst = await snapshotMailbox(bob());
    const r = await runTern(['migrate', '--from', imapUrl(slash, 'alice'), '--to', imapUrl(dotted, 'bob'), '--json'], env);
    expect(r.code, show(r)).toBe(0);
    expectNoSecretIn(r);
    const again = lastJson(r);
    expect(again.id).not.toBe(first.id);
    expect(again.status).toBe('completed');
    expect(again.steps[0]).toMatchObject({ kind: 'emails', status: 'done', total: sourceTotal, copied: 0, alreadyPresent: sourceTotal, failed: 0 });
    expect(await snapshotMailbox(bob())).toEqual(afterFirst);
  });

  it('rolls the first migration back: the destination is exactly as before', async () => {
    const r = await runTern(['rollback', first.id, '--json'], env);
    expect(r.code, show(r)).toBe(0);
    expectNoSecretIn(r);
    expect(r.stderr).toContain(`Rolling back ${first.id}`);
    const rolled = lastJson(r);
    expect(rolled).toMatchObject({ id: first.id, status: 'rolled_back', rollbackError: null });
    expect(await snapshotMailbox(bob())).toEqual(destinationBefore);
    expect(await snapshotMailbox(alice())).toEqual(sourceBefore);

    // A second rollback is refused, clearly.
    const again = await runTern(['rollback', first.id], env);
    expect(again.code, show(again)).toBe(1);
    expect(lines(again.stderr)).toEqual([`tern: ${first.id} has already been rolled back.`]);
    expect(again.stdout).toBe('');
  });
});

describe('passwords from the environment, user names with "@"', () => {
  const dave = 'dave@example.com';
  const daveUrl = () => `imap://${encodeURIComponent(dave)}@127.0.0.1:${slash.imapPort}`;

  it('takes TERN_FROM_PASSWORD / TERN_TO_PASSWORD when the URLs carry none', async () => {
    const src = contentView(await snapshotMailbox(account(slash, dave, PASSWORDS.dave)));
    const to = `imap://erin@127.0.0.1:${dotted.imapPort}`;
    const r = await runTern(['migrate', '--from', daveUrl(), '--to', to, '--json'], { ...env, TERN_FROM_PASSWORD: PASSWORDS.dave, TERN_TO_PASSWORD: PASSWORDS.erin });
    expect(r.code, show(r)).toBe(0);
    expectNoSecretIn(r);
    const task = lastJson(r);
    expect(task).toMatchObject({ status: 'completed', source: daveUrl(), destination: to });
    expect(task.steps[0]).toMatchObject({ total: 2, copied: 2, alreadyPresent: 0, failed: 0 });

    const after = contentView(await snapshotMailbox(account(dotted, 'erin', PASSWORDS.erin)));
    expect(after.INBOX).toEqual(src.INBOX);
    expect(after['INBOX.Archive.Old']).toEqual(src['Archive/Old']);
  });

  it('takes a percent-encoded password from the URL, and it wins over the environment', async () => {
    // The environment holds wrong passwords: the ones in the URLs must be used.
    const r = await runTern(['migrate', '--from', imapUrl(slash, dave, PASSWORDS.dave), '--to', imapUrl(dotted, 'erin', PASSWORDS.erin), '--json'], {
      ...env,
      TERN_FROM_PASSWORD: PASSWORDS.wrongSource,
      TERN_TO_PASSWORD: PASSWORDS.wrongDestination,
    });
    expect(r.code, show(r)).toBe(0);
    expectNoSecretIn(r);
    expect(lastJson(r).steps[0]).toMatchObject({ total: 2, copied: 0, alreadyPresent: 2 });
  });
});

describe('bad input: exit 2, one "tern: " line on stderr, nothing on stdout', () => {
  let before: string[];
  const good = () => imapUrl(dotted, 'bob');

  beforeAll(async () => {
    before = await taskIds(env);
  });

  const cases: Array<[string, () => string[], RegExp | string, Record<string, string>?]> = [
    ['a malformed URL', () => ['migrate', '--from', 'not a url', '--to', good()], 'The source account URL is not valid: it is not a URL'],
    ['an unknown scheme', () => ['migrate', '--from', `http://alice:${PASSWORDS.alice}@127.0.0.1:${slash.imapPort}`, '--to', good()], 'unknown scheme "http" (use imap, imaps, pop3, pop3s, ews, ews+http, dav, dav+http, graph or graph+http)'],
    ['a URL without a user', () => ['migrate', '--from', `imap://127.0.0.1:${slash.imapPort}`, '--to', good()], 'the user name is missing'],
    ['an unknown item', () => ['migrate', '--from', imapUrl(slash, 'alice'), '--to', good(), '--items', 'emails,notes'], 'Unknown item "notes". Choose from: emails, contacts'],
    ['a POP3 destination', () => ['migrate', '--from', imapUrl(slash, 'alice'), '--to', pop3Url(dotted, 'bob')], 'A POP3 account cannot be a destination'],
    ['contacts from IMAP', () => ['migrate', '--from', imapUrl(slash, 'alice'), '--to', good(), '--items', 'contacts'], 'Contacts cannot be migrated from this source: IMAP accounts carry e-mails only.'],
    ['a source without password', () => ['migrate', '--from', `imap://alice@127.0.0.1:${slash.imapPort}`, '--to', good()], /No password for the source account alice: .*TERN_FROM_PASSWORD/],
    ['a destination without password', () => ['migrate', '--from', imapUrl(slash, 'alice'), '--to', `imap://bob@127.0.0.1:${dotted.imapPort}`], /No password for the destination account bob: .*TERN_TO_PASSWORD/],
    ['status of an unknown task', () => ['status', 'T-AAAAAAAA'], 'There is no task T-AAAAAAAA.'],
    ['cancel of an unknown task', () => ['cancel', 'T-AAAAAAAA'], 'There is no task T-AAAAAAAA.'],
    ['rollback of an unknown task', () => ['rollback', 'T-AAAAAAAA'], 'There is no task T-AAAAAAAA.'],
    ['status of a malformed ID', () => ['status', 'xyz'], '"xyz" is not a task ID: task IDs look like T-7K3M9QXA.'],
    ['cancel of a malformed ID', () => ['cancel', 'xyz'], '"xyz" is not a task ID'],
    ['rollback of a malformed ID', () => ['rollback', 'xyz', '--json'], '"xyz" is not a task ID'],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const r = await runTern(args(), env);
    expectCleanUsageError(r, message);
    expectNoSecretIn(r);
  });

  it('commander usage errors exit 2 without a stack or anything on stdout (the real binary)', async () => {
    for (const args of [['migrate', '--to', good()], ['frobnicate']]) {
      const r = await spawnTern(args, env);
      expect(r.code, show(r)).toBe(2);
      expect(r.stdout, show(r)).toBe('');
      expect(lines(r.stderr), show(r)).toHaveLength(1);
      expect(r.stderr).not.toContain('    at ');
      expect(r.stderr).toMatch(/required option '--from <url>'|unknown command 'frobnicate'/);
      expectNoSecretIn(r);
    }
  });

  it('created no task', async () => {
    expect(await taskIds(env)).toEqual(before);
  });
});

describe('accounts that do not work: nothing is created', () => {
  let before: string[];

  beforeAll(async () => {
    before = await taskIds(env);
  });

  it('a wrong source password names the side, server and user, never the password (the real binary)', async () => {
    const r = await spawnTern(['migrate', '--from', imapUrl(slash, 'alice', PASSWORDS.wrongSource), '--to', imapUrl(dotted, 'bob'), '--json'], { ...env, LOG_LEVEL: 'debug' });
    // README: a refused or unreachable account gives exit code 1 (bad input gives 2).
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toBe('');
    const errLines = lines(r.stderr);
    expect(errLines, show(r)).toHaveLength(1);
    expect(errLines[0]).toMatch(/^tern: Source account: /);
    expect(errLines[0]).toContain(`127.0.0.1:${slash.imapPort}`);
    expect(errLines[0]).toContain('refused the login for alice');
    expect(r.stderr).not.toContain('    at ');
    expectNoSecretIn(r);
  });

  it('a wrong destination password says "Destination account:"', async () => {
    const r = await runTern(['migrate', '--from', imapUrl(slash, 'alice'), '--to', imapUrl(dotted, 'bob', PASSWORDS.wrongDestination)], { ...env, LOG_LEVEL: 'debug' });
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toBe('');
    const errLines = lines(r.stderr);
    expect(errLines, show(r)).toHaveLength(1);
    expect(errLines[0]).toMatch(/^tern: Destination account: /);
    expect(errLines[0]).toContain(`127.0.0.1:${dotted.imapPort}`);
    expect(errLines[0]).toContain('refused the login for bob');
    expectNoSecretIn(r);
  });

  it('both wrong: both sides are reported', async () => {
    const r = await runTern(['migrate', '--from', imapUrl(slash, 'alice', PASSWORDS.wrongSource), '--to', imapUrl(dotted, 'bob', PASSWORDS.wrongDestination)], env);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toBe('');
    const errLines = lines(r.stderr);
    expect(errLines, show(r)).toHaveLength(2);
    expect(errLines[0]).toMatch(/^tern: Source account: .*127\.0\.0\.1:\d+ refused the login for alice/);
    expect(errLines[1]).toMatch(/^Destination account: .*127\.0\.0\.1:\d+ refused the login for bob/);
    expectNoSecretIn(r);
  });

  it('an unreachable source (a closed local port) says "Cannot reach"', async () => {
    const closed = await freePort();
    const r = await runTern(['migrate', '--from', `imap://alice:${PASSWORDS.alice}@127.0.0.1:${closed}`, '--to', imapUrl(dotted, 'bob')], env);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual([`tern: Source account: Cannot reach the imap server 127.0.0.1:${closed} (connection refused). Check the host name and port.`]);
    expectNoSecretIn(r);
  });

  it('an unreachable destination says "Cannot reach" too', async () => {
    const closed = await freePort();
    const r = await runTern(['migrate', '--from', imapUrl(slash, 'alice'), '--to', `imap://bob:${PASSWORDS.bob}@127.0.0.1:${closed}`], env);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual([`tern: Destination account: Cannot reach the imap server 127.0.0.1:${closed} (connection refused). Check the host name and port.`]);
  });

  it('created no task', async () => {
    expect(await taskIds(env)).toEqual(before);
  });
});

describe('tern migrate --detach, then status, cancel, list', () => {
  const frankDest = () => account(dotted, 'frank', PASSWORDS.frank);
  let id: string;
  let destinationBefore: MailboxSnapshot;

  it('returns at once with the task queued', async () => {
    destinationBefore = await snapshotMailbox(frankDest());
    const r = await runTern(['migrate', '--from', imapUrl(slash, 'frank', PASSWORDS.frank), '--to', imapUrl(dotted, 'frank', PASSWORDS.frank), '--detach', '--json'], env);
    expect(r.code, show(r)).toBe(0);
    expectNoSecretIn(r);
    const task = lastJson(r);
    id = task.id;
    expect(task).toMatchObject({ status: 'queued', items: ['emails'], endedAt: null, rollbackUntil: null });
    expect(task.steps).toEqual([{ kind: 'emails', status: 'pending', total: 0, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 }]);
    expect(r.stderr).toContain(`Task ${id} created`);
  });

  it('tern status shows it still queued (no worker runs)', async () => {
    const r = await runTern(['status', id, '--json'], env);
    expect(r.code, show(r)).toBe(0);
    expect(lastJson(r)).toMatchObject({ id, status: 'queued', cancelling: false });
  });

  it('tern cancel ends the queued task at once, and removes its job from the queue', async () => {
    const r = await runTern(['cancel', id], env);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toBe(`${id} cancelled.`);
    expect(r.stderr).toBe('');

    const s = await runTern(['status', id, '--json'], env);
    expect(s.code, show(s)).toBe(0);
    const task = lastJson(s);
    expect(task).toMatchObject({ id, status: 'cancelled', cancelling: false });
    expect(task.endedAt).toMatch(ISO);
    expect(task.steps[0].status).toBe('cancelled');

    const jobs = await dumpRedis(redis.url, env.TERN_REDIS_PREFIX);
    expect([...jobs.keys()].filter((k) => k.endsWith(`:migrations:${id}`))).toEqual([]);
    // Nothing reached the destination.
    expect(await snapshotMailbox(frankDest())).toEqual(destinationBefore);
  });

  it('a second cancel is refused with a clear "already" message', async () => {
    const r = await runTern(['cancel', id], env);
    expect(r.code, show(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual([`tern: ${id} has already ended (cancelled); there is nothing to cancel.`]);
  });

  it('tern list includes it', async () => {
    const r = await runTern(['list'], env);
    expect(r.code, show(r)).toBe(0);
    expect(lines(r.stdout).find((l) => l.startsWith(id)), show(r)).toMatch(/^T-\w{8}\s+cancelled\s+0\/0\s+imap:\/\/frank@/);
    const j = await runTern(['list', '--json'], env);
    expect(lastJson<TaskJson[]>(j).find((t) => t.id === id)).toMatchObject({ status: 'cancelled' });
  });

  it('a later worker does not pick the cancelled task up', async () => {
    // This migrate runs a worker in its process; the cancelled task must stay cancelled and frank's mailbox untouched by it.
    const r = await runTern(['migrate', '--from', imapUrl(slash, 'alice'), '--to', imapUrl(dotted, 'bob'), '--json'], env);
    expect(r.code, show(r)).toBe(0);
    const s = await runTern(['status', id, '--json'], env);
    expect(lastJson(s).status).toBe('cancelled');
    expect(await snapshotMailbox(frankDest())).toEqual(destinationBefore);
  });
});

describe('a REDIS_URL that does not answer', () => {
  it('status and list read the store without it; migrate says which Redis, without its password, within seconds', async () => {
    const queued = await runTern(['migrate', '--from', imapUrl(slash, 'alice'), '--to', imapUrl(dotted, 'bob'), '--detach', '--json'], env);
    expect(queued.code, show(queued)).toBe(0);
    const id = lastJson(queued).id;
    const closed = await freePort();
    const down = { ...env, REDIS_URL: `redis://:redis-secret@127.0.0.1:${closed}` };
    const s = await runTern(['status', id, '--json'], down, { timeoutMs: 10_000 });
    expect(s.code, show(s)).toBe(0);
    expect(lastJson(s)).toMatchObject({ id, status: 'queued' });
    expect((await runTern(['list'], down, { timeoutMs: 10_000 })).code).toBe(0);

    const r = await runTern(['migrate', '--from', imapUrl(slash, 'alice'), '--to', imapUrl(dotted, 'bob'), '--detach'], down, { timeoutMs: 10_000 });
    expect(r.code, show(r)).toBe(1);
    expect(lines(r.stderr).filter((l) => l.startsWith('tern: '))).toEqual([
      `tern: Cannot reach Redis at redis://:***@127.0.0.1:${closed} (connect ECONNREFUSED 127.0.0.1:${closed}). Start it, or set REDIS_URL to a Redis that answers (unset, Tern starts its own).`,
    ]);
    expect(r.stderr + r.stdout).not.toContain('redis-secret');
  });
});

describe('no REDIS_URL: a private redis-server under TERN_DATA_DIR', () => {
  let privateEnv: Record<string, string | undefined>;
  let addressFile: string;

  beforeAll(() => {
    // No TERN_SECRET_KEY either, and debug logs: the generated-key warning shows that logs do reach stderr.
    privateEnv = { ...newEnv(), REDIS_URL: undefined, TERN_SECRET_KEY: undefined, LOG_LEVEL: 'debug' };
    addressFile = path.join(privateEnv.TERN_DATA_DIR!, 'redis', 'address');
  });

  /** Runs tern and records every private Redis URL seen in the address file while it ran. */
  async function runWatchingRedis(
    args: string[],
    alsoWhileRunning: (run: { child: ChildProcess; stdout: string; stderr: string }) => void = () => {},
    extraEnv: Record<string, string> = {},
  ): Promise<{ r: RunResult; urls: Set<string> }> {
    const urls = new Set<string>();
    const r = await spawnTern(args, { ...privateEnv, ...extraEnv }, {
      whileRunning: (run) => {
        try {
          const url = fs.readFileSync(addressFile, 'utf8').trim();
          if (!urls.has(url)) pids.set(url, redisPid(url));
          urls.add(url);
        } catch {
          /* not written yet, or already removed */
        }
        alsoWhileRunning(run);
      },
    });
    return { r, urls };
  }

  /** The process behind each private Redis seen: once stopped, its port may serve another test's server. */
  const pids = new Map<string, Promise<number | undefined>>();

  async function expectRedisGone(urls: Set<string>): Promise<void> {
    expect(fs.existsSync(addressFile), `${addressFile} is left behind`).toBe(false);
    for (const url of urls) {
      // Seen too briefly to ask it while tern ran: whatever answers at its URL now would be it.
      const pid = (await pids.get(url)) ?? (await redisPid(url));
      if (pid === undefined) continue;
      const ps = await new Promise<string>((resolve) => {
        const p = spawn('ps', ['-o', 'stat=', '-p', String(pid)], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        p.once('close', () => resolve(out));
      });
      // Gone, or a zombie (stat Z) waiting to be reaped.
      expect(lines(ps).filter((stat) => !stat.trim().startsWith('Z')), `the private redis-server of ${url} (pid ${pid}) still runs`).toEqual([]);
    }
  }

  let id: string;

  it('tern migrate starts its own redis-server, completes, and stops it on exit', async () => {
    const src = contentView(await snapshotMailbox(account(slash, 'frank', PASSWORDS.frank)));
    const { r, urls } = await runWatchingRedis(['migrate', '--from', imapUrl(slash, 'frank', PASSWORDS.frank), '--to', imapUrl(dotted, 'frank', PASSWORDS.frank), '--json']);
    expect(r.code, show(r)).toBe(0);
    expectNoSecretIn(r);
    const task = lastJson(r);
    id = task.id;
    expect(task).toMatchObject({ status: 'completed' });
    expect(task.steps[0]).toMatchObject({ total: 1, copied: 1, failed: 0 });
    expect(contentView(await snapshotMailbox(account(dotted, 'frank', PASSWORDS.frank))).INBOX).toEqual(src.INBOX);

    // stderr is not a terminal: the log is JSON lines, and the generated key was warned about (README).
    const logs = lines(r.stderr).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; file?: string });
    const keyFile = path.join(privateEnv.TERN_DATA_DIR!, 'secret.key');
    expect(logs, show(r)).toContainEqual(expect.objectContaining({ level: 40, file: keyFile, msg: expect.stringContaining('TERN_SECRET_KEY is not set') }));
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);

    expect(urls.size, 'the address file was seen while tern ran').toBe(1);
    expect([...urls][0]).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect([...urls][0]).not.toBe(redis.url);
    // The private Redis keeps its data (append-only file) under the data directory.
    expect(fs.existsSync(path.join(privateEnv.TERN_DATA_DIR!, 'redis', 'appendonlydir'))).toBe(true);
    await expectRedisGone(urls);
  });

  it('a later command finds the task; tern status reads the store only, so it starts no redis-server', async () => {
    const { r, urls } = await runWatchingRedis(['status', id, '--json']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr, 'the key is generated once').not.toContain('TERN_SECRET_KEY is not set');
    expect(lastJson(r)).toMatchObject({ id, status: 'completed' });
    expect(urls.size).toBe(0);
    await expectRedisGone(urls);
  });

  it('Ctrl-C while following stops following and the private Redis; a later worker resumes the task, without duplicates', async () => {
    const grace = account(slash, 'grace', PASSWORDS.grace);
    for (let i = 0; i < 30; i++) await seedMessage(grace, 'INBOX', makeMessage({ subject: `Grace ${i}`, date: day(1 + (i % 27)) }), { internalDate: day(1 + (i % 27)) });
    // A slow link to the destination keeps the task running long enough to interrupt it: a pass
    // takes a dozen round trips or more (about 5 s at 400 ms), so at 3 s it is still under way.
    const proxy = await startLatencyProxy(dotted.imapPort, 400);
    const slowTo = `imap://grace:${encodeURIComponent(PASSWORDS.grace)}@127.0.0.1:${proxy.port}`;
    const fast = { TERN_JOB_LOCK_MS: '1500' };
    try {
      let createdAt: number | undefined;
      const { r, urls } = await runWatchingRedis(['migrate', '--from', imapUrl(slash, 'grace', PASSWORDS.grace), '--to', slowTo, '--json'], ({ child, stderr }) => {
        if (createdAt === undefined && stderr.includes('created')) createdAt = Date.now();
        if (createdAt !== undefined && Date.now() - createdAt > 3000 && child.exitCode === null && !child.killed) child.kill('SIGINT');
      }, fast);
      expect(r.code, show(r)).toBe(130);
      expect(r.stderr).toMatch(/tern: Stopped following T-[\w-]+; the task goes on in a worker/);
      expect(r.stdout, 'no JSON for a task that has not ended').toBe('');
      await expectRedisGone(urls);
      const taskId = /Task (\S+) created/.exec(r.stderr)![1]!;

      // The store still has it running; a worker started later takes the stalled job over and ends it.
      const state = async () => (await storeRows(privateEnv, 'tasks')).find((t) => t.id === taskId)?.status;
      expect(await state()).toBe('running');
      let lastCheck = 0;
      const worker = await runWatchingRedis(['worker'], ({ child }) => {
        if (Date.now() - lastCheck < 300 || child.killed) return;
        lastCheck = Date.now();
        void state().then((s) => s !== 'running' && child.kill('SIGTERM'), () => undefined);
      }, fast);
      expect(worker.r.code, show(worker.r)).toBe(0);
      expect(await state()).toBe('completed');
      // The worker started the private Redis again, found the job in its append-only file, and stopped it on exit.
      expect(worker.urls.size).toBe(1);
      await expectRedisGone(worker.urls);
    } finally {
      await proxy.close();
    }
    const src = contentView(await snapshotMailbox(grace));
    const dst = contentView(await snapshotMailbox(account(dotted, 'grace', PASSWORDS.grace)));
    expect(src.INBOX).toHaveLength(30);
    expect(dst.INBOX, 'every message once, none twice').toEqual(src.INBOX);
  });
});

describe('secrets: no plaintext password in outputs, the store or Redis', () => {
  it('no run printed a password, whatever its log level', () => {
    expect(transcripts.length).toBeGreaterThan(10);
    expect(transcripts.some((t) => t.args[0] === 'migrate')).toBe(true);
    for (const t of transcripts) {
      expectNoSecret(`stdout of tern ${t.args[0]}`, t.stdout);
      expectNoSecret(`stderr of tern ${t.args[0]}`, t.stderr);
    }
  });

  it('the data directories (SQLite tern.db and its -wal/-shm, the private Redis files) hold none', () => {
    const files = dataDirs.flatMap(filesUnder);
    const names = files.map((f) => path.basename(f));
    // TEST_STORE=postgres: the store is not in the data directories (the next test reads it).
    if (env.DATABASE_URL) expect(names).not.toContain('tern.db');
    else expect(names).toContain('tern.db');
    expect(names.some((n) => n.endsWith('.aof'))).toBe(true); // the private Redis' append-only file
    let sawTask = false;
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      expectNoSecret(file, bytes);
      // Make sure we look at the right thing: the store names the task's accounts.
      if (path.basename(file) === 'tern.db' && bytes.toString('latin1').includes('dave@example.com')) sawTask = true;
    }
    if (!env.DATABASE_URL) expect(sawTask, 'tern.db records the tasks (sanity check of the sweep)').toBe(true);
  });

  it('the store holds none, read table by table (SQLite or PostgreSQL)', async () => {
    const dump = await storeDump(env);
    expect(dump, 'the store records the tasks (sanity check of the dump)').toContain('dave@example.com');
    expectNoSecret('the store', dump);
  });

  it('the BullMQ data in Redis under this file\'s prefix holds none', async () => {
    const dump = await dumpRedis(redis.url, env.TERN_REDIS_PREFIX);
    expect(dump.size).toBeGreaterThan(0);
    // Sanity: the job of the first migration is there, with its task ID in its data.
    const jobs = [...dump.entries()].filter(([k]) => /:migrations:T-\w{8}$/.test(k));
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.some(([, v]) => /"data":"\{\\"taskId\\":\\"T-\w{8}\\"/.test(v))).toBe(true);
    for (const [key, value] of dump) expectNoSecret(`Redis ${key}`, value);
  });
});
