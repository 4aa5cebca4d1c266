// IMAP → IMAP between two real Dovecot servers with different hierarchy conventions:
// "slash" (separator "/", no prefix) and "dot-inbox-prefix" (separator ".", prefix "INBOX.").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox, withImap } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { rollback } from '../commands/rollback';

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

const day = (n: number) => new Date(Date.UTC(2023, 0, n, 9, 30, 0));

describe('IMAP to IMAP, "/" source to "INBOX." + "." destination', () => {
  const alice = () => account(slash, 'alice');
  const bob = () => account(dotted, 'bob');
  const duplicate = makeMessage({ subject: 'Already there', messageId: '<dup@tern.test>', date: day(1) });
  const twentyMb = makeMessage({ subject: 'Big attachment', bodyBytes: 21 * 1024 * 1024, date: day(9) });

  /** Where each source folder must land. */
  const expectedFolder: Record<string, string> = {
    INBOX: 'INBOX',
    Sent: 'INBOX.Sent',
    Trash: 'INBOX.Trash',
    Projects: 'INBOX.Projects',
    'Projects/2024': 'INBOX.Projects.2024',
    'Projects/2024/Q1': 'INBOX.Projects.2024.Q1',
    Réunions: 'INBOX.Réunions',
    'Café/Été': 'INBOX.Café.Été',
    Empty: 'INBOX.Empty',
    'v1.2': 'INBOX.v1_2',
    Big: 'INBOX.Big',
  };

  beforeAll(async () => {
    const a = alice();
    await seedMessage(a, 'INBOX', duplicate, { flags: ['\\Seen'], internalDate: day(1) });
    await seedMessage(a, 'INBOX', makeMessage({ subject: 'Flags', date: day(2) }), { flags: ['\\Seen', '\\Answered', '\\Flagged', '$Label1', 'Custom'], internalDate: day(2) });
    await seedMessage(a, 'INBOX', makeMessage({ subject: 'Draft', date: day(3) }), { flags: ['\\Draft'], internalDate: day(3) });
    await seedMessage(a, 'INBOX', makeMessage({ subject: 'No Message-ID', messageId: null, date: day(4) }), { internalDate: day(4) });
    await seedMessage(a, 'INBOX', makeMessage({ subject: 'Ünïcödé', body: 'Grüße, ça va ? — 日本語', date: day(5) }), { internalDate: day(5) });
    await seedMessage(a, 'Sent', makeMessage({ subject: 'Sent 1', date: day(6) }), { flags: ['\\Seen'], internalDate: day(6) });
    await seedMessage(a, 'Sent', makeMessage({ subject: 'Sent 2', date: day(7) }), { flags: ['\\Seen'], internalDate: day(7) });
    await seedMessage(a, 'Trash', makeMessage({ subject: 'Binned' }), { flags: ['\\Deleted', '\\Seen'], internalDate: day(8) });
    await seedMessage(a, 'Projects', makeMessage({ subject: 'P' }), { internalDate: day(10) });
    await seedMessage(a, 'Projects/2024', makeMessage({ subject: 'P2024' }), { internalDate: day(11) });
    await seedMessage(a, 'Projects/2024/Q1', makeMessage({ subject: 'Q1 a' }), { internalDate: day(12) });
    await seedMessage(a, 'Projects/2024/Q1', makeMessage({ subject: 'Q1 b' }), { internalDate: day(13) });
    await seedMessage(a, 'Réunions', makeMessage({ subject: 'Réunion' }), { internalDate: day(14) });
    await seedMessage(a, 'Café/Été', makeMessage({ subject: 'Été' }), { internalDate: day(15) });
    await seedMessage(a, 'v1.2', makeMessage({ subject: 'Version' }), { internalDate: day(16) });
    await seedMessage(a, 'Big', twentyMb, { internalDate: day(9) });
    await withImap(a, (c) => c.mailboxCreate('Empty'));
    // The destination already holds one of the messages, plus mail of its own in a folder the migration also writes to.
    const b = bob();
    await seedMessage(b, 'INBOX', duplicate, { flags: ['\\Seen'], internalDate: day(1) });
    await seedMessage(b, 'INBOX.Projects', makeMessage({ subject: "Bob's own" }), { internalDate: day(20) });
  });

  it('copies every message byte for byte with flags, keywords and dates into the mapped folders, then rolls back exactly', async () => {
    const source = await snapshotMailbox(alice());
    const before = await snapshotMailbox(bob());
    const sourceView = contentView(source);
    const beforeView = contentView(before);

    const task = await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'bob') }, tern.actor);
    expect(task.id).toMatch(/^T-[0-9A-Z]{8}$/);
    const done = await tern.waitFor(task.id);
    expect(done.status).toBe('completed');

    const sourceTotal = Object.values(sourceView).reduce((n, l) => n + l.length, 0);
    const [emails] = done.steps;
    expect(emails).toMatchObject({ kind: 'emails', status: 'done', total: sourceTotal, copied: sourceTotal - 1, alreadyPresent: 1, failed: 0 });
    expect(emails.bytes).toBeGreaterThan(twentyMb.length);

    const after = await snapshotMailbox(bob());
    const afterView = contentView(after);
    for (const [src, dst] of Object.entries(expectedFolder)) {
      const expected = [...(beforeView[dst] ?? []), ...(sourceView[src] ?? [])];
      // The duplicate is in both lists but must be at the destination only once.
      const dupLine = sourceView.INBOX.find((l) => beforeView.INBOX.includes(l))!;
      if (dst === 'INBOX') expected.splice(expected.indexOf(dupLine), 1);
      expect(afterView[dst], `${src} -> ${dst}`).toEqual(expected.sort());
    }
    // Special-use folders were matched, not duplicated; no stray folder appeared.
    expect(Object.keys(afterView).sort()).toEqual([...new Set([...Object.keys(beforeView), ...Object.values(expectedFolder), 'INBOX.Café'])].sort());
    expect(after.folders.find((f) => f.path === 'INBOX.Sent')?.specialUse).toBe('\\Sent');

    // The per-folder report adds up, and says why v1.2 was renamed.
    const report = Object.fromEntries(done.folders.map((f) => [f.sourceFolder, f]));
    expect(report['v1.2']).toMatchObject({ destinationFolder: 'INBOX.v1_2', copied: 1, destinationCount: 1 });
    expect(report['v1.2'].note).toMatch(/renamed "v1.2" to "v1_2"/);
    expect(report.INBOX).toMatchObject({ sourceCount: 5, copied: 4, alreadyPresent: 1, failed: 0, destinationCount: 5 });
    expect(report.Projects).toMatchObject({ sourceCount: 1, copied: 1, destinationCount: 2 });
    expect(report.Empty).toMatchObject({ sourceCount: 0, status: 'done', destinationCount: 0 });
    expect(done.folders.every((f) => f.status === 'done' && !f.warning)).toBe(true);

    // A second run is a delta pass: nothing new, nothing copied.
    const again = await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'bob') }, tern.actor);
    const delta = await tern.waitFor(again.id);
    expect(delta.steps[0]).toMatchObject({ status: 'done', copied: 0, alreadyPresent: sourceTotal, failed: 0 });
    expect(contentView(await snapshotMailbox(bob()))).toEqual(afterView);

    // Rolling back the delta pass removes nothing; rolling back the first run restores the destination exactly.
    await rollback(tern.service, { taskId: again.id }, tern.actor);
    expect((await tern.waitFor(again.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    expect(contentView(await snapshotMailbox(bob()))).toEqual(afterView);

    await rollback(tern.service, { taskId: done.id }, tern.actor);
    const rolled = await tern.waitFor(done.id, (t) => t.status !== 'rolling_back');
    expect(rolled.status).toBe('rolled_back');
    // Nothing left behind, and nothing to say about it.
    expect(rolled.rollbackNotes ?? []).toEqual([]);
    expect(await snapshotMailbox(bob())).toEqual(before);
    expect(await snapshotMailbox(alice())).toEqual(source);
  });

  it('copies only what is new on a later run', async () => {
    const first = await tern.waitFor((await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'bob') }, tern.actor)).id);
    expect(first.status).toBe('completed');
    await seedMessage(alice(), 'Projects/2024/Q1', makeMessage({ subject: 'Late arrival' }), { flags: ['\\Seen'], internalDate: day(25) });
    const second = await tern.waitFor((await migrate(tern.service, { from: imapUrl(slash, 'alice'), to: imapUrl(dotted, 'bob') }, tern.actor)).id);
    expect(second.steps[0]).toMatchObject({ copied: 1, alreadyPresent: first.steps[0].copied + first.steps[0].alreadyPresent, failed: 0 });
    expect(second.folders.find((f) => f.sourceFolder === 'Projects/2024/Q1')).toMatchObject({ copied: 1, alreadyPresent: 2, destinationCount: 3 });
  });
});

describe('IMAP to IMAP, "INBOX." + "." source to "/" destination, one APPEND at a time (TERN_IMAP_PIPELINING=0)', () => {
  let classic: TestTern;
  beforeAll(async () => {
    classic = await startTern(redis.url, { TERN_IMAP_PIPELINING: '0' });
    await classic.startWorker();
  });
  afterAll(() => classic?.close());

  it('maps INBOX.-prefixed folders to top-level folders and special-use folders to special-use folders', async () => {
    const src = account(dotted, 'carol');
    const dst = account(slash, 'carol');
    await seedMessage(src, 'INBOX', makeMessage({ subject: 'Hello' }), { flags: ['\\Seen'], internalDate: day(1) });
    await seedMessage(src, 'INBOX.Sent', makeMessage({ subject: 'Out' }), { flags: ['\\Seen'], internalDate: day(2) });
    await seedMessage(src, 'INBOX.Archives.2019', makeMessage({ subject: 'Old' }), { internalDate: day(3) });
    await seedMessage(src, 'INBOX.Drafts', makeMessage({ subject: 'Wip' }), { flags: ['\\Draft'], internalDate: day(4) });
    // "new" is a valid name on Maildir++ but refused by the destination's LAYOUT=fs storage.
    await seedMessage(src, 'INBOX.new', makeMessage({ subject: 'Renamed' }), { internalDate: day(5) });
    await seedMessage(src, 'INBOX.new.child', makeMessage({ subject: 'Below it' }), { internalDate: day(6) });
    const source = contentView(await snapshotMailbox(src));

    const done = await classic.waitFor((await migrate(classic.service, { from: imapUrl(dotted, 'carol'), to: imapUrl(slash, 'carol') }, classic.actor)).id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    const after = contentView(await snapshotMailbox(dst));
    expect(after.INBOX).toEqual(source.INBOX);
    expect(after.Sent).toEqual(source['INBOX.Sent']);
    expect(after.Drafts).toEqual(source['INBOX.Drafts']);
    expect(after['Archives/2019']).toEqual(source['INBOX.Archives.2019']);
    expect(after.new_).toEqual(source['INBOX.new']);
    expect(after['new_/child']).toEqual(source['INBOX.new.child']);
    const renamed = done.folders.find((f) => f.sourceFolder === 'INBOX.new')!;
    expect(renamed).toMatchObject({ destinationFolder: 'new_', copied: 1, destinationCount: 1 });
    expect(renamed.note).toMatch(/renamed "new" to "new_": the destination refused the name/);
    expect(Object.keys(after).filter((p) => p.startsWith('INBOX/') || p.includes('.'))).toEqual([]);
  });
});

describe('rollback after the destination changed', () => {
  it('a folder the user deleted since is passed over (its messages went with it); the rest is removed', async () => {
    const src = account(slash, 'erin');
    const dst = account(dotted, 'erin');
    await Promise.all([slash.addUser('erin', 'erinpass'), dotted.addUser('erin', 'erinpass')]);
    await seedMessage(src, 'Keep', makeMessage({ subject: 'In Keep' }), { internalDate: day(1) });
    await seedMessage(src, 'Doomed', makeMessage({ subject: 'In Doomed' }), { internalDate: day(2) });
    const before = await snapshotMailbox(dst);
    const done = await tern.waitFor((await migrate(tern.service, { from: imapUrl(slash, 'erin'), to: imapUrl(dotted, 'erin') }, tern.actor)).id);
    expect(done.status).toBe('completed');
    await withImap(dst, (c) => c.mailboxDelete('INBOX.Doomed'));

    await rollback(tern.service, { taskId: done.id }, tern.actor);
    const rolled = await tern.waitFor(done.id, (t) => t.status !== 'rolling_back');
    expect(rolled.rollbackError).toBeUndefined();
    expect(rolled.status).toBe('rolled_back');
    // Nothing left behind, and nothing to say about it.
    expect(rolled.rollbackNotes ?? []).toEqual([]);
    expect(await snapshotMailbox(dst)).toEqual(before);
    expect(await tern.runtime.journal.entries(done.id)).toEqual([]);
  });
});
