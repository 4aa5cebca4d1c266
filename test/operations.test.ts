// Health and metrics of a running worker: the real `tern worker` binary with TERN_METRICS_PORT, a
// real Redis and two real Dovecots. /healthz answers for the store, Redis and the worker;
// /metrics (Prometheus text, parsed here) counts what the worker copied, tasks by state, queue
// jobs and tasks per server. A Redis that does not answer turns /healthz into a 503 naming it.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { freePort } from './support/ports';
import { until } from './support/until';
import { makeMessage, seedMessage } from './support/mailbox';
import { account, imapUrl, projectRoot, startTern, ternEnv, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { openRuntime } from '../src/service/runtime';
import { TernService } from '../src/service/service';
import { startOpsServer } from '../adapters/ops/server';

let source: DovecotServer;
let destination: DovecotServer;
let redis: TestRedis;
let tern: TestTern;
let worker: ChildProcess | undefined;
let opsUrl: string;
let workerStderr = '';

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), startRedis()]);
  const port = await freePort();
  const env = ternEnv(redis.url, { TERN_METRICS_PORT: String(port) });
  tern = await startTern(redis.url, env);
  worker = spawn(process.execPath, ['bin/tern.js', 'worker'], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  worker.stderr!.setEncoding('utf8').on('data', (d: string) => (workerStderr += d));
  for (let i = 0; i < 400 && !/ready; Ctrl-C to stop/.test(workerStderr); i++) await new Promise((r) => setTimeout(r, 50));
  expect(workerStderr).toMatch(new RegExp(`health and metrics on http://127\\.0\\.0\\.1:${port}/healthz, /metrics`));
  opsUrl = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  worker?.kill('SIGTERM');
  if (worker && worker.exitCode === null) await new Promise((r) => worker!.once('exit', r));
  await tern?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

/** Prometheus text → { 'name{labels}': value } (labels as printed, sorted by prom-client). */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('health and metrics of tern worker (TERN_METRICS_PORT)', () => {
  it('/healthz: 200 with the store, Redis and the worker answering, and the workers the queue sees', async () => {
    const res = await fetch(`${opsUrl}/healthz`);
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({ ok: true, checks: { store: { ok: true }, redis: { ok: true }, worker: { ok: true } } });
    expect(report.workers.length).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${opsUrl}/nothing`)).status).toBe(404);
  });

  it('/metrics counts what the worker copied, tasks by state, queue jobs and tasks per server', async () => {
    const a = account(source, 'alice');
    for (let i = 0; i < 12; i++) await seedMessage(a, i % 2 ? 'INBOX' : 'Projects', makeMessage({ subject: `Metric ${i}`, body: 'x'.repeat(500 * i) }));
    const created = await migrate(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(destination, 'bob'), items: 'emails' }, tern.actor);
    const done = await tern.waitFor(created.id);
    expect(done.status).toBe('completed');
    const copied = done.steps[0].copied;
    expect(copied).toBe(12);

    // The task ends in the store a moment before BullMQ marks its job completed.
    let res!: Response;
    let text = '';
    let m = new Map<string, number>();
    await until('the queue counts the job as completed', async () => {
      res = await fetch(`${opsUrl}/metrics`);
      text = await res.text();
      m = parseMetrics(text);
      return (m.get('tern_queue_jobs{state="completed"}') ?? 0) >= 1;
    }, 30_000, 200);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(m.get('tern_items_copied_total{kind="emails"}')).toBe(copied);
    expect(m.get('tern_bytes_copied_total{kind="emails"}')).toBe(done.steps[0].bytes);
    expect(m.get('tern_tasks{state="completed"}')).toBe(1);
    expect(m.get('tern_queue_jobs{state="completed"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('tern_queue_jobs{state="waiting"}')).toBe(0);
    expect(m.has('tern_process_resident_memory_bytes')).toBe(true);
    // Nothing of the accounts' secrets, in any line.
    expect(text).not.toMatch(/alicepass|bobpass/);
  }, 120_000);

  it('counts the running tasks per server and side, from the store', async () => {
    const a = account(source, 'carol');
    for (let i = 0; i < 3; i++) await seedMessage(a, 'INBOX', makeMessage({ subject: `Slow ${i}` }));
    // The store is the truth the gauge reads: a task marked running there is counted per host.
    const created = await migrate(tern.service, { from: imapUrl(source, 'carol'), to: imapUrl(destination, 'carol'), items: 'emails' }, tern.actor);
    await tern.waitFor(created.id);
    await tern.runtime.tasks.update(created.id, { status: 'running' });
    try {
      const m = parseMetrics(await (await fetch(`${opsUrl}/metrics`)).text());
      expect(m.get('tern_tasks_running_per_host{side="source",host="127.0.0.1"}')).toBe(1);
      expect(m.get('tern_tasks_running_per_host{side="destination",host="127.0.0.1"}')).toBe(1);
    } finally {
      await tern.runtime.tasks.update(created.id, { status: 'completed' });
    }
  }, 120_000);
});

describe('health when Redis does not answer', () => {
  it('/healthz is 503 and says which check failed; the store still answers', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const runtime = await openRuntime(loadConfig(ternEnv(dead)), createLogger('silent', { pretty: false }));
    const ops = await new TernService(runtime).operations();
    const server = await startOpsServer(ops, '127.0.0.1', 0);
    try {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(503);
      const report = await res.json();
      expect(report.ok).toBe(false);
      expect(report.checks.store.ok).toBe(true);
      expect(report.checks.redis).toMatchObject({ ok: false });
      expect(report.checks.redis.error).toMatch(/Redis/);
      expect(report.checks.worker).toMatchObject({ ok: false, error: 'no worker in this process' });
    } finally {
      await server.close();
      await runtime.close();
    }
  }, 30_000);

  it('a metrics port already in use: one line naming the setting, exit 2', async () => {
    const taken = await startOpsServer(await new TernService(tern.runtime).operations(), '127.0.0.1', 0);
    const port = new URL(taken.url).port;
    try {
      const env = ternEnv(redis.url, { TERN_METRICS_PORT: port });
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['bin/tern.js', 'worker'], { cwd: projectRoot, env: { ...process.env, ...env } });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.once('close', (code) => resolve({ code, stderr }));
      });
      expect(r.stderr).toContain(`tern: TERN_METRICS_PORT ${port} on 127.0.0.1 is in use: choose another in TERN_METRICS_PORT / TERN_METRICS_HOST.`);
      expect(r.code).toBe(2);
    } finally {
      await taken.close();
    }
  }, 60_000);
});
