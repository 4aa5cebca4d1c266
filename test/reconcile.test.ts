// No wedged task: when the queue gives up on a job, or a job vanishes while its task says
// "running", the store is set straight (reconcile on worker start and every minute), and a cancel
// of a task nobody runs any more ends it at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnrecoverableError, Worker } from 'bullmq';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { cancel } from '../commands/cancel';
import { rollback } from '../commands/rollback';
import { QUEUE_NAME } from '../src/queue/queue';

let dovecot: DovecotServer;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  await seedMessage(account(dovecot, 'alice'), 'INBOX', makeMessage({ subject: 'One' }), {});
  await seedMessage(account(dovecot, 'alice'), 'Work', makeMessage({ subject: 'Two' }), {});
  tern = await startTern(redis.url);
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([dovecot?.stop(), redis?.stop()]);
});

/** A task that a worker had started ("running"), its job left to `what`. */
async function runningTask(to: string): Promise<string> {
  const task = await migrate(tern.service, { from: imapUrl(dovecot, 'alice'), to: imapUrl(dovecot, to) }, tern.actor);
  expect(await tern.runtime.tasks.transition(task.id, ['queued'], 'running', { startedAt: Date.now() })).toBe(true);
  return task.id;
}

/** Makes the queue give up on the task's job the way BullMQ does when its workers keep dying. */
async function queueGivesUp(taskId: string): Promise<void> {
  const queue = await tern.runtime.queue();
  const failing = new Worker(QUEUE_NAME, async () => {
    throw new UnrecoverableError('job stalled more than allowable limit');
  }, { connection: queue.connection, prefix: queue.prefix });
  for (const deadline = Date.now() + 10_000; (await queue.jobOf(taskId, 'migrate')).state !== 'failed'; ) {
    if (Date.now() > deadline) throw new Error('the job never failed');
    await new Promise((r) => setTimeout(r, 50));
  }
  await failing.close();
}

describe('the queue gave up on a running task', () => {
  it('ends failed with the reason, can be rolled back, and a cancel says it has ended', async () => {
    const id = await runningTask('bob');
    await queueGivesUp(id);
    expect(await tern.service.reconcile()).toEqual([id]);
    const task = await tern.service.status(id, tern.actor);
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/stopped again and again/);
    expect(task.error).toMatch(/run the same migration again/);
    expect(task.steps[0].status).toBe('skipped');
    expect(task.canRollback).toBe(true);
    await expect(cancel(tern.service, { taskId: id }, tern.actor)).rejects.toThrow(/already ended/);
    // Nothing was written, so the rollback has nothing to remove, but it is allowed and ends.
    await rollback(tern.service, { taskId: id }, tern.actor);
    const worker = await tern.startWorker();
    expect((await tern.waitFor(id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    await worker.close();
    // A second pass of the reconciler leaves it alone.
    expect(await tern.service.reconcile()).toEqual([]);
  });
});

describe('a running task whose job vanished', () => {
  it('is queued again and resumes to the end', async () => {
    const id = await runningTask('carol');
    await (await (await tern.runtime.queue()).queue.getJob(id))!.remove();
    expect(await tern.service.reconcile()).toEqual([id]);
    const worker = await tern.startWorker();
    const done = await tern.waitFor(id);
    await worker.close();
    expect(done.status).toBe('completed');
    expect(contentView(await snapshotMailbox(account(dovecot, 'carol')))).toEqual(contentView(await snapshotMailbox(account(dovecot, 'alice'))));
  });

  it('a cancel ends it at once when no run holds it and no job serves it', async () => {
    const id = await runningTask('bob');
    await (await (await tern.runtime.queue()).queue.getJob(id))!.remove();
    const view = await cancel(tern.service, { taskId: id }, tern.actor);
    expect(view.status).toBe('cancelled');
    expect(view.canRollback).toBe(true);
  });
});
