// `npm run bench`: how fast, and in how much memory, Tern migrates a mailbox between two real
// Dovecots ("/" source → "INBOX." + "." destination), with 1 and more connections per account,
// a delta pass, and mbsync on the same data for comparison. See README.md in this directory.
import { fork } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { startRedis } from '../support/redis';
import { account, imapUrl } from '../support/tern';
import { countMessages, seedMaildir, warmUp } from './seed';
import { startRelay } from './relay-process';
import { MBSYNC_TUID_BYTES, mbsyncVersion, runMbsync, type ToolPass } from './mbsync';
import { mbsyncRow, printTable, ternRow, type Row } from './report';
import type { TernRunResult, TernRunSpec } from './tern-run';
import { compileRunner } from './compile-runner';

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
  return n;
}

const compress = process.env.BENCH_IMAP_COMPRESS || 'on';
if (!['on', 'off', 'both'].includes(compress)) throw new Error('BENCH_IMAP_COMPRESS must be on, off or both');
const options = {
  folders: intEnv('BENCH_FOLDERS', 5),
  messagesPerFolder: intEnv('BENCH_MESSAGES_PER_FOLDER', 1000),
  large: intEnv('BENCH_LARGE', 10, 0),
  huge: (process.env.BENCH_HUGE_MB || '').split(',').filter((x) => x.trim() !== '').map((x) => Number(x.trim())),
  seed: intEnv('BENCH_SEED', 1),
  connections: (process.env.BENCH_CONNECTIONS || '1,4').split(',').map((s) => Number(s.trim())),
  repeat: intEnv('BENCH_REPEAT', 1),
  rttMs: intEnv('BENCH_RTT_MS', 0, 0),
  imapCompress: compress === 'both' ? [true, false] : [compress === 'on'],
  mbsync: process.env.BENCH_MBSYNC !== '0',
  out: process.env.BENCH_OUT || undefined,
  cpuProfileDir: process.env.BENCH_CPU_PROF || undefined,
  /** Another checkout of Tern (e.g. a git worktree of main) to run too, interleaved with this one: before/after in one session. */
  baseline: process.env.BENCH_BASELINE || undefined,
  /** Runs Tern as compiled JavaScript (what users run), not through tsx; BENCH_COMPILED=0 for tsx. */
  compiled: process.env.BENCH_COMPILED !== '0',
  /** Node flags of the measured Tern process: by default those the Docker image sets (NODE_OPTIONS). */
  nodeFlags: (process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=2').split(' ').filter(Boolean),
};
if (options.huge.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('BENCH_HUGE_MB must be a list of whole numbers of MB, e.g. "22,100"');
if (options.connections.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('BENCH_CONNECTIONS must be a list of whole numbers ≥ 1, e.g. "1,4"');

const MiB = 1024 * 1024;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
process.once('SIGINT', () => process.exit(130)); // the harness's exit hook stops the Dovecots

const compiledRunners = new Map<string, Promise<string>>();

/** Forks tern-run.ts (compiled, unless BENCH_COMPILED=0): a fresh process per run, so memory peaks are that run's own. */
async function runTern(spec: TernRunSpec, checkout?: string): Promise<TernRunResult> {
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const root = checkout ? path.resolve(checkout) : fileURLToPath(new URL('../..', import.meta.url));
  let script = path.join(root, 'test/bench/tern-run.ts');
  if (options.compiled) {
    if (!compiledRunners.has(root)) compiledRunners.set(root, compileRunner(root));
    script = await compiledRunners.get(root)!;
  }
  const child = fork(script, [], {
    cwd: root,
    // Compiled: plain Node, without the tsx loader this process was started with.
    execArgv: [...(options.compiled ? [] : process.execArgv), ...options.nodeFlags, '--expose-gc', ...profile],
    env: { ...process.env, BENCH_RUN: JSON.stringify(spec) },
  });
  return new Promise((resolve, reject) => {
    let result: TernRunResult | undefined;
    child.once('message', (m) => (result = m as TernRunResult));
    child.once('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`tern-run exited with ${code} without a result`))));
  });
}

/**
 * The destination holds what the source holds: the same message count and virtual bytes, plus
 * `extraPerMessage` bytes a tool is known to add to every message.
 */
async function verify(destination: DovecotServer, user: string, source: { messages: number; vsize: number }, extraPerMessage = 0): Promise<string | undefined> {
  const got = await countMessages(destination, user);
  if (got.messages === source.messages && got.vsize === source.vsize + extraPerMessage * source.messages) return undefined;
  return `${user}: ${got.messages} messages / ${got.vsize} B at the destination, ${source.messages} / ${source.vsize} B at the source`;
}

const servers: Array<{ stop(): Promise<void> }> = [];
let failed = false;
try {
  // Every run writes to a fresh destination user.
  const checkouts: Array<string | undefined> = options.baseline ? [options.baseline, undefined] : [undefined];
  const configs = checkouts.flatMap((checkout) =>
    options.imapCompress.flatMap((imapCompress) => options.connections.map((connections) => ({ connections, imapCompress, checkout }))),
  );
  const ternUsers = configs.map((_, c) => Array.from({ length: options.repeat }, (_, r) => `tern${c + 1}r${r + 1}`));
  const mbsyncUsers = Array.from({ length: options.repeat }, (_, r) => `mbsync${r + 1}`);
  log('starting Dovecot ×2 and Redis');
  const [source, destination, redis] = await Promise.all([
    startDovecot('slash', { users: 'src:srcpass' }),
    startDovecot('dot-inbox-prefix', { users: [...ternUsers.flat(), ...mbsyncUsers].map((u) => `${u}:${u}pass`).join(' ') }),
    startRedis(),
  ]);
  servers.push(source, destination, redis);
  // The tools reach the servers through a delaying relay when BENCH_RTT_MS is set; seeding and checks go direct.
  let [sourceView, destinationView] = [source, destination];
  if (options.rttMs > 0) {
    const relay = await startRelay([source.imapPort, destination.imapPort], options.rttMs);
    servers.push(relay);
    sourceView = { ...source, imapPort: relay.ports[0] };
    destinationView = { ...destination, imapPort: relay.ports[1] };
  }

  log(`seeding ${options.folders} folders × ${options.messagesPerFolder} messages (${options.large} of 1–5 MB)${options.huge.length ? ` + ${options.huge.join(' and ')} MB in INBOX` : ''}`);
  const t0 = performance.now();
  const dataset = await seedMaildir(source, 'src', options);
  const seedMs = performance.now() - t0;
  const sourceTotals = await countMessages(source, 'src');
  const warmUpMs = await warmUp(account(source, 'src'), dataset.folders);
  log(`seeded ${dataset.messages} messages, ${(dataset.bytes / MiB).toFixed(1)} MiB in ${(seedMs / 1000).toFixed(1)} s; header scan over 1 IMAP connection: ${(warmUpMs / 1000).toFixed(2)} s`);

  // Runs are interleaved (each configuration, then mbsync, then again), so that a machine that
  // gets busier or quieter meanwhile weighs on all of them alike; ratios pair runs of one round.
  const version = options.mbsync ? mbsyncVersion() : undefined;
  const ternRuns = configs.map(() => ({ runs: [] as TernRunResult[], checks: [] as Array<string | undefined> }));
  const mbsyncRuns = { runs: [] as Array<{ first: ToolPass; delta: ToolPass }>, checks: [] as Array<string | undefined> };
  for (let r = 0; r < options.repeat; r++) {
    for (const [c, { connections, imapCompress, checkout }] of configs.entries()) {
      const user = ternUsers[c][r];
      log(`Tern${checkout ? ` (${checkout})` : ''}, ${connections} connection(s) per account${imapCompress ? '' : ', no COMPRESS'} → ${user}`);
      ternRuns[c].runs.push(await runTern({ redisUrl: redis.url, from: imapUrl(sourceView, 'src'), to: imapUrl(destinationView, user), connections, imapCompress }, checkout));
      ternRuns[c].checks.push(await verify(destination, user, sourceTotals));
    }
    if (version) {
      log(`${version} → ${mbsyncUsers[r]}`);
      mbsyncRuns.runs.push(await runMbsync(account(sourceView, 'src'), account(destinationView, mbsyncUsers[r]), destination.prefix));
      mbsyncRuns.checks.push(await verify(destination, mbsyncUsers[r], sourceTotals, MBSYNC_TUID_BYTES));
    }
  }
  const rows: Row[] = configs.map(({ imapCompress, checkout }, c) =>
    ternRow(ternRuns[c].runs, dataset.messages, ternRuns[c].checks, `${imapCompress ? '' : ', no COMPRESS'}${checkout ? `, ${path.basename(checkout)}` : ''}`, version ? mbsyncRuns.runs : undefined),
  );
  const tern = configs.map(({ connections, imapCompress, checkout }, c) => ({ connections, imapCompress, checkout, runs: ternRuns[c].runs }));
  let mbsync: { version: string; runs: Array<{ first: ToolPass; delta: ToolPass }> } | { skipped: string };
  if (version) {
    mbsync = { version, runs: mbsyncRuns.runs };
    rows.push(mbsyncRow(mbsyncRuns.runs, dataset, mbsyncRuns.checks));
  } else {
    mbsync = { skipped: options.mbsync ? 'mbsync is not installed (Debian: apt-get install isync), comparison skipped' : 'skipped (BENCH_MBSYNC=0)' };
    log(mbsync.skipped);
  }

  console.log(
    `\nDataset: ${dataset.messages} messages in ${dataset.folders.length} folders, ${(dataset.bytes / MiB).toFixed(1)} MiB (${dataset.largeMessages} of 1–5 MB); ` +
      `Dovecot "/" → Dovecot "INBOX." + "." on this machine${options.rttMs ? `, ${options.rttMs} ms round trip added by a relay process at top priority` : ''}${options.repeat > 1 ? `; median of ${options.repeat} runs` : ''}.\n`,
  );
  printTable(rows);
  console.log(
    [
      '',
      'time: first run, from migrate() until the task ended (mbsync: the process). delta: the same migration again',
      '  (both read their sync state from the first run, a STATUS per unchanged folder, and copy nothing).',
      'CPU cores: CPU seconds per wall second of the tool\'s process / of the whole machine (Dovecot included);',
      '  ELU: share of the time Tern\'s event loop was busy. Memory: peaks of the first run, sampled every 100 ms.',
      `Tern's RSS before its first run (runtime loaded, idle): ${tern.flatMap((t) => t.runs).map((r) => r.baselineRssMb.toFixed(0)).join(', ')} MiB.`,
      ...('skipped' in mbsync ? [`mbsync: ${mbsync.skipped}.`] : [`mbsync: ${mbsync.version}; it adds a ${MBSYNC_TUID_BYTES}-byte X-TUID header to every message (allowed for in the check).`]),
    ].join('\n'),
  );
  failed = rows.some((r) => !r.ok);

  if (options.out) {
    const json = { at: new Date().toISOString(), options, dataset: { ...dataset, seedMs, warmUpMs }, tern, mbsync, rows };
    await fs.writeFile(options.out, JSON.stringify(json, null, 2) + '\n');
    log(`results written to ${options.out}`);
  }
} finally {
  await Promise.all(servers.map((s) => s.stop().catch((err: unknown) => log(`cleanup: ${String(err)}`))));
  for (const runner of compiledRunners.values()) await runner.then((file) => fs.rm(path.dirname(file), { recursive: true, force: true })).catch(() => {});
}
process.exitCode = failed ? 1 : 0;
