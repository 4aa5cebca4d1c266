// The worker dies mid-task and another takes over; a cancel lets the folder in progress finish.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedFolders, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, projectRoot, startTern, ternEnv, type TestTern } from './support/tern';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { migrate } from '../commands/migrate';
import { cancel } from '../commands/cancel';

let source: DovecotServer;
let destination: DovecotServer;
let redis: TestRedis;

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), startRedis()]);
});

afterAll(async () => {
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

function seed(user: string, folders: string[], perFolder: number, bodyBytes: number) {
  return seedFolders(account(source, user), folders, perFolder, (folder, i) => ({
    raw: makeMessage({ subject: `${folder} ${i}`, bodyBytes }),
    flags: i % 3 ? ['\\Seen'] : [],
    internalDate: new Date(Date.UTC(2022, 0, 1 + (i % 28))),
  }));
}

const poll = async <T>(fn: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000, everyMs = 5): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(projectRoot, 'bin/tern.js'), 'worker'], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

describe('resume after the worker process is killed', () => {
  let tern: TestTern;
  let worker: ChildProcess | undefined;

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await tern?.close();
  });

  it('continues where it stopped, with nothing copied twice and nothing lost', async () => {
    await seed('alice', ['INBOX', 'Work', 'Work/Deep'], 400, 16 * 1024);
    // A short lock so the dead worker's job is handed over within seconds.
    const env = ternEnv(redis.url, { TERN_JOB_LOCK_MS: '1500', TERN_CONNECTIONS_PER_ACCOUNT: '2' });
    tern = await startTern(redis.url, env);
    worker = spawnWorker(env);

    const task = await migrate(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(destination, 'bob') }, tern.actor);
    // Kill it once it has really started writing, long before it is done.
    const copiedAtKill = await poll(async () => {
      const copied = (await tern.service.status(task.id, tern.actor)).steps[0].copied;
      return copied >= 50 ? copied : undefined;
    }, 'the first copies');
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    expect(copiedAtKill).toBeLessThan(1200);
    expect((await tern.service.status(task.id, tern.actor)).status).toBe('running');

    worker = spawnWorker(env);
    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('completed');
    expect(done.steps[0]).toMatchObject({ total: 1200, copied: 1200, alreadyPresent: 0, failed: 0 });

    const src = contentView(await snapshotMailbox(account(source, 'alice')));
    const dst = contentView(await snapshotMailbox(account(destination, 'bob')));
    expect(dst.INBOX).toEqual(src.INBOX);
    expect(dst['INBOX.Work']).toEqual(src.Work);
    expect(dst['INBOX.Work.Deep']).toEqual(src['Work/Deep']);
    // Every copy is journaled once, so a rollback would remove exactly these.
    const journaled = await tern.runtime.journal.entries(task.id, { kind: 'message' });
    expect(journaled.length).toBe(1200);
    expect(journaled.every((r) => r.ref !== null)).toBe(true);
    expect(new Set(journaled.map((r) => `${r.folder}:${r.ref}`)).size).toBe(1200);
  }, 300_000);
});

describe('cancel', () => {
  let tern: TestTern;
  let slowLink: LatencyProxy;

  beforeAll(async () => {
    await seed('carol', ['A', 'B', 'C', 'D', 'E'], 150, 8 * 1024);
    tern = await startTern(redis.url, { TERN_CONNECTIONS_PER_ACCOUNT: '1' });
    // Pipelined writes finish 750 messages on loopback before a cancel lands: a slow link keeps
    // the task busy long enough to be cancelled mid-way.
    slowLink = await startLatencyProxy(destination.imapPort, 60);
  });

  afterAll(async () => {
    await tern?.close();
    await slowLink?.close();
  });

  it('finishes the folder in progress and cancels the others', async () => {
    await tern.startWorker();
    const before = contentView(await snapshotMailbox(account(destination, 'carol')));
    const task = await migrate(tern.service, { from: imapUrl(source, 'carol'), to: `imap://carol:carolpass@127.0.0.1:${slowLink.port}` }, tern.actor);
    await poll(async () => ((await tern.service.status(task.id, tern.actor)).steps[0].copied > 0 ? true : undefined), 'the first copy');
    const cancelling = await cancel(tern.service, { taskId: task.id }, tern.actor);
    // The status says so at once, before the worker has stopped.
    expect(cancelling).toMatchObject({ status: 'running', cancelling: true, cancelledBy: 'owner' });
    await expect(cancel(tern.service, { taskId: task.id }, tern.actor)).rejects.toThrow(/already being cancelled/);

    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('cancelled');
    expect(done.steps[0].status).toBe('cancelled');
    expect(done.canRollback).toBe(true);

    const after = contentView(await snapshotMailbox(account(destination, 'carol')));
    const finished = done.folders.filter((f) => f.status === 'done');
    const cancelled = done.folders.filter((f) => f.status === 'cancelled');
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(cancelled.length).toBeGreaterThanOrEqual(1);
    // No half-copied folder: finished ones are complete, cancelled ones are as they were (absent,
    // or the special folders the server made for the account, untouched).
    for (const f of finished.filter((x) => x.sourceCount > 0)) {
      expect(f.copied).toBe(f.sourceCount);
      expect(after[f.destinationFolder]).toHaveLength(f.sourceCount);
    }
    for (const f of cancelled) expect(after[f.destinationFolder], f.destinationFolder).toEqual(before[f.destinationFolder]);
    expect(cancelled.some((f) => before[f.destinationFolder] === undefined)).toBe(true);
    expect((await tern.runtime.tasks.auditLog(task.id)).map((a) => a.action)).toContain('task.cancel');
  });

  it('ends a queued task at once', async () => {
    const queuedOnly = await startTern(redis.url);
    try {
      const task = await migrate(queuedOnly.service, { from: imapUrl(source, 'carol'), to: imapUrl(destination, 'carol') }, queuedOnly.actor);
      expect(task.status).toBe('queued');
      const view = await cancel(queuedOnly.service, { taskId: task.id }, queuedOnly.actor);
      expect(view.status).toBe('cancelled');
      expect(view.steps[0].status).toBe('cancelled');
      // A worker that starts afterwards does nothing with it.
      await queuedOnly.startWorker();
      await new Promise((r) => setTimeout(r, 500));
      expect((await queuedOnly.service.status(task.id, queuedOnly.actor)).status).toBe('cancelled');
      await expect(cancel(queuedOnly.service, { taskId: task.id }, queuedOnly.actor)).rejects.toThrow(/already ended/);
    } finally {
      await queuedOnly.close();
    }
  });
});
