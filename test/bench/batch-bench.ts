// Batch benchmark (issue 15): BENCH_MAILBOXES (200) small mailboxes of BENCH_MESSAGES (50)
// messages each, migrated as one batch by 1 and by 4 `tern worker` processes (the compiled CLI,
// as on separate machines, sharing Redis and the store): mailboxes per minute and messages per
// second. Target: at least 3x with 4 workers when the servers are not the bottleneck: on a 2-core
// machine the two local Dovecots are, so BENCH_RTT_MS puts a delaying proxy in front of each (as
// distant servers are), and the tasks wait on round trips rather than on this machine's CPU.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { startRedis } from '../support/redis';
import { projectRoot, startTern, type TestTern } from '../support/tern';
import { seedMaildir, countMessages } from './seed';
import { batch } from '../../commands/batch';
import { machineCpu } from './measure';
import { startLatencyProxy } from '../support/latency-proxy';

const MAILBOXES = Number(process.env.BENCH_MAILBOXES ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,4').split(',').map(Number);
const CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? '2';
const RTT_MS = Number(process.env.BENCH_RTT_MS ?? 0);

/** Many users at once: one write to Dovecot's passwd-file (addUser waits a second per user). */
async function addUsers(server: DovecotServer, names: string[]): Promise<void> {
  fs.appendFileSync(path.join(server.dir, 'users'), names.map((n) => `${n}:{PLAIN}${n}pass::::::\n`).join(''));
  await new Promise((r) => setTimeout(r, 1100));
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function startWorkers(n: number, env: Record<string, string>): ChildProcess[] {
  return Array.from({ length: n }, () =>
    spawn(process.execPath, [path.join(projectRoot, 'bin/tern.js'), 'worker'], { env: { ...process.env, ...env, TERN_WORKER_CONCURRENCY: CONCURRENCY, TERN_MAX_TASKS_PER_SOURCE_HOST: '0', TERN_MAX_TASKS_PER_DESTINATION_HOST: '0' }, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
}

async function run(tern: TestTern, destination: DovecotServer, ports: { source: number; destination: number }, workers: number, round: number) {
  const sources = Array.from({ length: MAILBOXES }, (_, i) => `src${i}`);
  const targets = sources.map((_, i) => `w${workers}r${round}d${i}`);
  await addUsers(destination, targets);
  const env = Object.fromEntries([...sources, ...targets].map((u) => [`TERN_PW_${u.toUpperCase()}`, `${u}pass`]));
  const csv = ['source,destination,source_password,destination_password', ...sources.map((s, i) => `imap://${s}@127.0.0.1:${ports.source},imap://${targets[i]}@127.0.0.1:${ports.destination},env:TERN_PW_${s.toUpperCase()},env:TERN_PW_${targets[i].toUpperCase()}`)].join('\n');
  const procs = startWorkers(workers, tern.env);
  try {
    // Every worker connected before the clock starts: start-up is not what is measured.
    const queue = await tern.runtime.queue();
    while ((await queue.workerCount()) < workers) await new Promise((r) => setTimeout(r, 200));
    const cpu = machineCpu();
    const t0 = performance.now();
    const outcome = await batch(tern.service, { csv, name: `bench-${workers}.csv`, secrets: { env } }, tern.actor);
    if (outcome.refused.length) throw new Error(`rows refused: ${JSON.stringify(outcome.refused.slice(0, 3))}`);
    const queuedAt = performance.now();
    const id = outcome.batch!.id;
    let view = tern.service.batches.summary(id);
    while (!(await view).ended) {
      await new Promise((r) => setTimeout(r, 250));
      view = tern.service.batches.summary(id);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cores = cpu.stop();
    const copied = (await view).copied;
    const completed = (await view).counts.completed ?? 0;
    const check = (await countMessages(destination, targets[targets.length - 1])).messages === MESSAGES ? 'ok' : 'MISMATCH';
    return { workers, seconds, checkSeconds: (queuedAt - t0) / 1000, completed, copied, mailboxesPerMinute: (completed / seconds) * 60, messagesPerSecond: copied / seconds, machineCores: cores, check };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  }
}

async function main() {
  const [source, destination, redis] = await Promise.all([startDovecot('slash'), startDovecot('slash'), startRedis()]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-batch-bench-'));
  const tern = await startTern(redis.url, { TERN_DATA_DIR: dataDir });
  try {
    const t0 = performance.now();
    const sources = Array.from({ length: MAILBOXES }, (_, i) => `src${i}`);
    await addUsers(source, sources);
    await inParallel(sources, 4, async (u) => void (await seedMaildir(source, u, { folders: 1, messagesPerFolder: MESSAGES, large: 0, seed: 1 })));
    console.error(`seeded ${MAILBOXES} × ${MESSAGES} messages in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
    const proxies = RTT_MS > 0 ? await Promise.all([startLatencyProxy(source.imapPort, RTT_MS), startLatencyProxy(destination.imapPort, RTT_MS)]) : undefined;
    const ports = proxies ? { source: proxies[0].port, destination: proxies[1].port } : { source: source.imapPort, destination: destination.imapPort };
    const results = [];
    for (const [round, n] of WORKERS.entries()) {
      const r = await run(tern, destination, ports, n, round);
      console.error(`${n} worker(s): ${r.seconds.toFixed(1)} s`);
      results.push(r);
    }
    await Promise.all((proxies ?? []).map((p) => p.close()));
    console.log(`\n${MAILBOXES} mailboxes × ${MESSAGES} messages, one batch; each worker TERN_WORKER_CONCURRENCY=${CONCURRENCY}; round trip to each server ${RTT_MS} ms\n`);
    console.log('workers | time s | of which checking rows s | mailboxes/min | messages/s | machine CPU cores | speed-up | check');
    console.log('--- | --- | --- | --- | --- | --- | --- | ---');
    for (const r of results) {
      console.log(`${r.workers} | ${r.seconds.toFixed(1)} | ${r.checkSeconds.toFixed(1)} | ${r.mailboxesPerMinute.toFixed(0)} | ${r.messagesPerSecond.toFixed(0)} | ${r.machineCores?.toFixed(2) ?? '?'} | ${(results[0].seconds / r.seconds).toFixed(2)}× | ${r.completed === MAILBOXES ? r.check : `only ${r.completed} completed`}`);
    }
    if (results.some((r) => r.completed !== MAILBOXES || r.check !== 'ok')) process.exitCode = 1;
  } finally {
    await tern.close();
    await Promise.all([source.stop(), destination.stop(), redis.stop()]);
  }
}

await main();
