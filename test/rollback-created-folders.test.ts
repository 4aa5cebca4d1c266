// Rollback removes every folder the task created, even when the server answered CREATE with
// ALREADYEXISTS: Dovecot does that under load while other sessions of the user log in (it creates
// the folder and still says it was there). A proxy in front of the real destination Dovecot makes
// every CREATE answer so, after the server has done it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { startAnswerProxy, type AnswerProxy } from './support/answer-proxy';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { rollback } from '../commands/rollback';

let source: DovecotServer;
let destination: DovecotServer;
let redis: TestRedis;
let tern: TestTern;
let proxy: AnswerProxy;

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), startRedis()]);
  proxy = await startAnswerProxy(destination.imapPort, (line) => line.replace(/^(\S+) OK Create completed.*$/, '$1 NO [ALREADYEXISTS] Mailbox already exists.'));
  tern = await startTern(redis.url);
  await tern.startWorker();
});

afterAll(async () => {
  await tern?.close();
  await proxy?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

describe('folders created while the server answered ALREADYEXISTS', () => {
  const to = () => imapUrl(destination, 'bob').replace(`:${destination.imapPort}`, `:${proxy.port}`);

  beforeAll(async () => {
    const alice = account(source, 'alice');
    await seedMessage(alice, 'Projects/2024/Q1', makeMessage({ subject: 'Q1' }));
    await seedMessage(alice, 'Café/Été', makeMessage({ subject: 'Été' }));
    await seedMessage(account(destination, 'bob'), 'INBOX.Projects', makeMessage({ subject: "Bob's own" }));
  });

  it('are journaled as the task’s and rolled back; folders that were there before stay', async () => {
    const bob = () => account(destination, 'bob');
    const before = await snapshotMailbox(bob());

    const first = await tern.waitFor((await migrate(tern.service, { from: imapUrl(source, 'alice'), to: to() }, tern.actor)).id);
    expect(first.status).toBe('completed');
    // INBOX.Projects.2024, its Q1, INBOX.Café and its Été: every CREATE was answered "already exists".
    expect(proxy.rewritten()).toBeGreaterThanOrEqual(4);
    const copied = (await snapshotMailbox(bob())).folders.map((f) => f.path);
    expect(copied).toEqual(expect.arrayContaining(['INBOX.Projects.2024.Q1', 'INBOX.Café.Été']));

    // A second run finds the folders in its listing: they are not its own, its rollback leaves them.
    const again = await tern.waitFor((await migrate(tern.service, { from: imapUrl(source, 'alice'), to: to() }, tern.actor)).id);
    expect(again.status).toBe('completed');
    await rollback(tern.service, { taskId: again.id }, tern.actor);
    expect((await tern.waitFor(again.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    expect((await snapshotMailbox(bob())).folders.map((f) => f.path)).toEqual(copied);

    await rollback(tern.service, { taskId: first.id }, tern.actor);
    const rolled = await tern.waitFor(first.id, (t) => t.status !== 'rolling_back');
    expect(rolled.status).toBe('rolled_back');
    expect(rolled.rollbackNotes ?? []).toEqual([]);
    expect(await snapshotMailbox(bob())).toEqual(before);
  });
});
