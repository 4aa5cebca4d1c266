// The service's rules: accounts checked before anything is queued, who may follow, cancel and
// roll back, the rollback window, and POP3 as a source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, pop3Url, startTern, type TestTern } from './support/tern';
import { freePort } from './support/ports';
import { migrate } from '../commands/migrate';
import { status } from '../commands/status';
import { cancel } from '../commands/cancel';
import { rollback } from '../commands/rollback';
import { TernError } from '../src/errors';

let slash: DovecotServer;
let dotted: DovecotServer;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  [slash, dotted, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([slash?.stop(), dotted?.stop(), redis?.stop()]);
});

const stranger = { id: 'test:stranger', label: 'stranger', admin: false };
const admin = { id: 'test:admin', label: 'admin', admin: true };

async function failure(p: Promise<unknown>): Promise<TernError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TernError);
  return err as TernError;
}

describe('creating a task checks both accounts first', () => {
  it('names the side, the server and the user when a login is refused, never the password', async () => {
    const before = (await tern.service.list(admin, { all: true })).length;
    const src = await failure(migrate(tern.service, { from: imapUrl(slash, 'alice', 'Wr0ngSecret!'), to: imapUrl(dotted, 'bob') }, tern.actor));
    expect(src).toMatchObject({ code: 'AUTH_FAILED', field: 'source' });
    expect(src.userMessage).toMatch(new RegExp(`^Source account: imap server 127.0.0.1:${slash.imapPort} refused the login for alice`));
    expect(src.userMessage).not.toContain('Wr0ngSecret');

    const dst = await failure(migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'bob', 'Wr0ngSecret!') }, tern.actor));
    expect(dst).toMatchObject({ code: 'AUTH_FAILED', field: 'destination' });
    expect(dst.userMessage).toMatch(new RegExp(`^Destination account: imap server 127.0.0.1:${dotted.imapPort} refused the login for bob`));
    expect(dst.userMessage).not.toContain('Wr0ngSecret');
    expect(await tern.service.list(admin, { all: true })).toHaveLength(before);
  });

  it('says when a server cannot be reached', async () => {
    const closed = await freePort();
    const err = await failure(migrate(tern.service, { from: `imap://alice:x@127.0.0.1:${closed}`, to: imapUrl(dotted, 'bob') }, tern.actor));
    expect(err).toMatchObject({ code: 'UNREACHABLE', field: 'source' });
    expect(err.userMessage).toBe(`Source account: Cannot reach the imap server 127.0.0.1:${closed} (connection refused). Check the host name and port.`);
  });

  it('refuses kinds the accounts cannot carry before connecting', async () => {
    const err = await failure(migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'bob'), items: 'emails,calendars' }, tern.actor));
    expect(err).toMatchObject({ code: 'UNSUPPORTED_ITEMS', field: 'items' });
    expect(err.userMessage).toMatch(/Calendars cannot be migrated from this source: IMAP accounts carry e-mails only/);
    const pop = await failure(migrate(tern.service, { from: imapUrl(slash, 'alice'), to: pop3Url(dotted, 'bob') }, tern.actor));
    expect(pop.userMessage).toMatch(/POP3 account cannot be a destination/);
  });
});

describe('who may do what', () => {
  let taskId: string;

  beforeAll(async () => {
    await seedMessage(account(slash, 'carol'), 'INBOX', makeMessage({ subject: 'hi' }));
    taskId = (await migrate(tern.service, { from: imapUrl(slash, 'carol'), to: imapUrl(slash, 'bob') }, tern.actor)).id;
    const done = await tern.waitFor(taskId);
    expect(done.status, done.error).toBe('completed');
  });

  it('lets others follow a task only with its source address', async () => {
    await expect(status(tern.service, { taskId }, stranger)).rejects.toThrow(/give its source e-mail address/);
    await expect(status(tern.service, { taskId, sourceEmail: 'alice' }, stranger)).rejects.toThrow(TernError);
    expect((await status(tern.service, { taskId: taskId.toLowerCase(), sourceEmail: ' CAROL ' }, stranger)).id).toBe(taskId);
    expect((await status(tern.service, { taskId }, tern.actor)).status).toBe('completed');
  });

  it('lets only the requester or an admin cancel or roll back', async () => {
    await expect(rollback(tern.service, { taskId }, stranger)).rejects.toThrow(/Only the person who started/);
    await expect(cancel(tern.service, { taskId }, tern.actor)).rejects.toThrow(/already ended/);
    const rolling = await rollback(tern.service, { taskId }, admin);
    expect(['rolling_back', 'rolled_back']).toContain(rolling.status);
    expect((await tern.waitFor(taskId, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    await expect(rollback(tern.service, { taskId }, tern.actor)).rejects.toThrow(/already been rolled back/);
    const actions = (await tern.runtime.tasks.auditLog(taskId)).map((a) => `${a.actor} ${a.action}`);
    expect(actions).toEqual(expect.arrayContaining(['test:owner task.create', 'test:admin task.rollback', 'worker rollback.done']));
  });

  it('names unknown and malformed task IDs', async () => {
    await expect(status(tern.service, { taskId: 'T-AAAAAAAA' }, tern.actor)).rejects.toThrow(/There is no task T-AAAAAAAA/);
    await expect(status(tern.service, { taskId: 'xyz' }, tern.actor)).rejects.toThrow(/"xyz" is not a task ID/);
  });
});

describe('the rollback window', () => {
  it('closes after the configured hours: journal and credentials are purged and rollback is refused', async () => {
    await seedMessage(account(slash, 'alice'), 'Window', makeMessage({ subject: 'w' }));
    const done = await tern.waitFor((await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(slash, 'carol') }, tern.actor)).id);
    expect(done.canRollback).toBe(true);
    expect(Date.parse(done.rollbackUntil!) - Date.parse(done.endedAt!)).toBe(48 * 3_600_000);
    expect(await tern.service.purgeExpired(Date.now() + 47 * 3_600_000)).not.toContain(done.id);
    expect(await tern.service.purgeExpired(Date.now() + 49 * 3_600_000)).toContain(done.id);
    expect(await tern.runtime.vault.get(done.id, 'source')).toBeUndefined();
    expect(await tern.runtime.vault.get(done.id, 'destination')).toBeUndefined();
    expect(await tern.runtime.journal.entries(done.id)).toEqual([]);
    expect((await tern.service.status(done.id, tern.actor)).canRollback).toBe(false);
    await expect(rollback(tern.service, { taskId: done.id }, tern.actor)).rejects.toMatchObject({ code: 'ROLLBACK_EXPIRED' });
  });
});

describe('POP3 source', () => {
  it('moves the whole maildrop into the destination INBOX, in order, dated from the headers, once', async () => {
    const dave = 'dave@example.com';
    await slash.addUser(dave, 'davepass');
    const dates = [new Date('2021-03-01T08:00:00Z'), new Date('2021-02-01T08:00:00Z'), new Date('2021-04-01T08:00:00Z')];
    const raws = dates.map((date, i) => makeMessage({ subject: `pop ${i}`, date, messageId: i === 1 ? null : undefined }));
    for (const raw of raws) await seedMessage(account(slash, dave, 'davepass'), 'INBOX', raw);
    await seedMessage(account(dotted, 'carol'), 'INBOX', raws[2]); // already at the destination

    const done = await tern.waitFor((await migrate(tern.service, { from: pop3Url(slash, dave, 'davepass'), to: imapUrl(dotted, 'carol') }, tern.actor)).id);
    expect(done.status).toBe('completed');
    expect(done.steps[0]).toMatchObject({ total: 3, copied: 2, alreadyPresent: 1, failed: 0 });
    expect(done.folders).toEqual([expect.objectContaining({ sourceFolder: 'INBOX', destinationFolder: 'INBOX', copied: 2, destinationCount: 3 })]);

    const inbox = (await snapshotMailbox(account(dotted, 'carol'))).folders.find((f) => f.path === 'INBOX')!;
    const { createHash } = await import('node:crypto');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    // Maildrop order kept (after the message that was already there), internal dates from the Date headers.
    expect(inbox.messages.map((m) => m.sha256)).toEqual([sha(raws[2]), sha(raws[0]), sha(raws[1])]);
    expect(inbox.messages.map((m) => m.internalDate)).toEqual([expect.any(String), dates[0].toISOString(), dates[1].toISOString()]);
    // The source maildrop is left as it was.
    expect(contentView(await snapshotMailbox(account(slash, dave, 'davepass'))).INBOX).toHaveLength(3);

    const again = await tern.waitFor((await migrate(tern.service, { from: pop3Url(slash, dave, 'davepass'), to: imapUrl(dotted, 'carol') }, tern.actor)).id);
    expect(again.steps[0]).toMatchObject({ copied: 0, alreadyPresent: 3 });
  });
});
