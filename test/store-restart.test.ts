// PostgreSQL out of reach in the middle of a task (a restart, a failover, its network): the run that
// loses its store neither fails the task nor leaves it "running" with no job behind it; its job
// waits, then the task resumes from its journal and ends with every message copied once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { startPostgres, type TestPostgres } from './support/postgres';
import { contentView, makeMessage, seedFolders, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { until } from './support/until';
import { migrate } from '../commands/migrate';
import { isEnded, type TaskView } from '../src/task';

let source: DovecotServer;
let destination: DovecotServer;
let redis: TestRedis;
let postgres: TestPostgres;
let slow: LatencyProxy;
/** Between Tern and PostgreSQL: cut() resets every connection and refuses new ones until restore(). */
let storeLink: LatencyProxy;
let tern: TestTern;

beforeAll(async () => {
  [source, destination, redis, postgres] = await Promise.all([startDovecot('slash'), startDovecot('slash'), startRedis(), startPostgres()]);
  await seedFolders(account(source, 'alice'), ['INBOX', 'Later'], 150, (folder, i) => ({ raw: makeMessage({ subject: `${folder} ${i}`, bodyBytes: 4096 }), flags: ['\\Seen'] }));
  slow = await startLatencyProxy(destination.imapPort, 40);
  // One connection, one APPEND per round trip: the copy is still going when the store goes.
  storeLink = await startLatencyProxy(postgres.port, 0);
  const database = new URL(await postgres.createDatabase());
  database.port = String(storeLink.port);
  tern = await startTern(redis.url, { DATABASE_URL: database.toString(), TERN_CONNECTIONS_PER_ACCOUNT: '1', TERN_IMAP_PIPELINING: '0' });
  await tern.startWorker();
}, 120_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([slow?.close(), storeLink?.close()]);
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop(), postgres?.stop()]);
});

/** The task as the store has it; undefined while the store cannot answer. */
const read = (id: string): Promise<TaskView | undefined> => tern.runtime.tasks.get(id).catch(() => undefined);

it('a task outlives its PostgreSQL going away mid-copy: it waits, resumes from its journal and completes, each message once', async () => {
  const task = await migrate(tern.service, { from: imapUrl(source, 'alice'), to: `imap://alice:alicepass@127.0.0.1:${slow.port}` }, tern.actor);
  await until('the first copies', async () => ((await read(task.id))?.steps[0].copied ?? 0) >= 30, 60_000, 20);
  expect((await read(task.id))!.steps[0].copied).toBeLessThan(250); // the store goes mid-copy
  await storeLink.cut();
  // The run copies on until it must write to the store (its journal, a folder's report) and cannot:
  // the store stays away until the destination has stopped growing for a while.
  let last = -1;
  await until('the run to stop for want of its store', async () => {
    const now = (await snapshotMailbox(account(destination, 'alice'))).folders.reduce((n, f) => n + f.messages.length, 0);
    const still = now === last;
    last = now;
    return still;
  }, 120_000, 3_000);
  await storeLink.restore();

  const done = await until('the task to end', async () => {
    const t = await read(task.id);
    return t && isEnded(t.status) ? t : undefined;
  }, 180_000, 200);
  expect(done.status).toBe('completed');
  expect(done.steps[0]).toMatchObject({ total: 300, failed: 0 });
  expect(done.steps[0].copied + done.steps[0].alreadyPresent).toBe(300);
  const src = contentView(await snapshotMailbox(account(source, 'alice')));
  const dst = contentView(await snapshotMailbox(account(destination, 'alice')));
  expect(dst.INBOX).toEqual(src.INBOX);
  expect(dst.Later).toEqual(src.Later);
  const journaled = await tern.runtime.journal.entries(task.id, { kind: 'message' });
  expect(new Set(journaled.map((e) => `${e.folder}:${e.ref}`)).size).toBe(300);
  expect(journaled.every((e) => e.ref)).toBe(true);
}, 300_000);
