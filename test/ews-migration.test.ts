// Exchange migrations end to end, through the service and the real queue, against the fake
// Exchange (driven by ews-javascript-api inside the connector) and a real Dovecot: Exchange →
// Exchange with all seven item kinds, IMAP → Exchange and Exchange → IMAP for e-mail, delta
// passes, rollback to the exact former state, cancel between steps, throttling, wrong passwords.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, imapUrl, projectRoot, startTern, ternEnv, type TestTern } from './support/tern';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { withEws } from './support/pim-accounts';
import type { EwsSession, StoredItem } from '../src/connectors/ews/types';
import type { ContactData, EventData, GroupData, OofData, PimItem, TaskData } from '../src/ports/pim-items';
import { migrate } from '../commands/migrate';
import { rollback } from '../commands/rollback';
import { cancel } from '../commands/cancel';
import { TernError } from '../src/errors';
import { until as waitUntil } from './support/until';

const ALL = 'emails,contacts,contactGroups,calendars,tasks,inboxRules,outOfOffice';
const USERS: Record<string, string> = {
  'alice@ex.test': 'alice-pw',
  'bob@ex.test': 'bob-pw',
  'carol@ex.test': 'carol-pw',
  'dave@ex.test': 'dave-pw',
  'erin@ex.test': 'erin-pw',
  'frank@ex.test': 'frank-pw',
  'gina@ex.test': 'gina-pw',
  'hal@ex.test': 'hal-pw',
};

let fake: FakeEws;
let dovecot: DovecotServer;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  [fake, dovecot, redis] = await Promise.all([startFakeEws({ users: USERS, pageLimit: 7 }), startDovecot('slash'), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([fake?.close(), dovecot?.stop(), redis?.stop()]);
  // Every request the connector sent and every answer the fake gave, checked against Microsoft's schema.
  expect(fake?.schemaErrors ?? []).toEqual([]);
  expect(fake?.internalErrors ?? []).toEqual([]);
});

// Looks every 5 ms: the worker is killed soon after its first copies, well before it is done.
const until = (what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 120_000) => waitUntil(what, probe, timeoutMs, 5);

const ewsUrl = (user: string, password = USERS[user], port = fake.port) => `ews+http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/EWS/Exchange.asmx`;

const withMailbox = <T>(user: string, fn: (ews: EwsSession) => Promise<T>) => withEws(ewsUrl(user), fn, 10_000);

/** Every item of a kind in a mailbox's folders of that kind, without what differs between copies. */
async function itemsOf(ews: EwsSession, kind: PimItem['kind']): Promise<Array<Omit<PimItem, 'sourceId'>>> {
  const folderClass = { contact: 'IPF.Contact', group: 'IPF.Contact', event: 'IPF.Appointment', task: 'IPF.Task' }[kind];
  const out: StoredItem[] = [];
  for (const folder of (await ews.folders()).filter((f) => f.folderClass === folderClass)) {
    out.push(...(await ews.readItems(kind, folder, await ews.listItemIds(folder.id))).filter((i) => i.kind === kind));
  }
  return out.map(({ id: _id, stamp: _stamp, sourceId: _sourceId, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const day = (n: number, h = 9) => new Date(Date.UTC(2024, 0, n, h, 0, 0)).toISOString();

const contact: ContactData = {
  kind: 'contact',
  sourceId: 'seed',
  folder: 'Contacts',
  categories: ['Clients'],
  body: { type: 'text', content: 'Met at the fair.' },
  displayName: 'Dana Example',
  fileAs: 'Example, Dana',
  givenName: 'Dana',
  surname: 'Example',
  companyName: 'Example SA',
  jobTitle: 'CTO',
  emails: [{ key: 'EmailAddress1', address: 'dana@example.org', name: 'Dana Example' }],
  phones: { MobilePhone: '+33 6 00 00 00 00', BusinessPhone: '+33 1 00 00 00 00' },
  addresses: { Business: { street: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'France' } },
  imAddresses: {},
  birthday: '1980-05-17',
  // A 1×1 PNG: the photo travels as the contact's picture.
  photo: { name: 'ContactPicture.png', contentType: 'image/png', base64: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' },
};

const weekly: EventData = {
  kind: 'event',
  sourceId: 'seed',
  folder: 'Calendar',
  subject: 'Weekly sync',
  categories: [],
  start: day(8),
  end: day(8, 10),
  isAllDay: false,
  location: 'Room 1',
  startTimeZone: 'W. Europe Standard Time',
  endTimeZone: 'W. Europe Standard Time',
  reminderSet: true,
  reminderMinutes: 15,
  busyStatus: 'Busy',
  organizer: { name: 'Alice', address: 'alice@ex.test' },
  requiredAttendees: [{ name: 'Bob', address: 'bob@ex.test' }],
  optionalAttendees: [],
  resources: [],
  isMeeting: true,
  recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Monday'] }, startDate: '2024-01-08', end: { type: 'numbered', count: 6 } },
  modifiedOccurrences: [{ originalStart: day(15), start: day(16, 14), end: day(16, 15), subject: 'Weekly sync (moved)' }],
  deletedOccurrences: [day(22)],
  attachments: [{ name: 'agenda.txt', contentType: 'text/plain', base64: Buffer.from('1. Numbers\r\n2. Plans\r\n').toString('base64') }],
};

const task: TaskData = {
  kind: 'task',
  sourceId: 'seed',
  folder: 'Tasks',
  subject: 'File the report',
  categories: [],
  startDate: '2024-01-02',
  dueDate: '2024-01-09',
  status: 'InProgress',
  percentComplete: 40,
  reminderSet: false,
  companies: [],
  recurrence: { pattern: { type: 'weekly', interval: 2, daysOfWeek: ['Friday'] }, startDate: '2024-01-05', end: { type: 'noEnd' } },
};

const oof: OofData = { state: 'Scheduled', externalAudience: 'Known', start: day(20, 0), end: day(27, 0), internalReply: 'Away until the 27th.', externalReply: 'I am away.' };

/** Alice's Exchange mailbox: mail in nested folders, a contact and a group pointing at it, a recurring meeting with exceptions, a task, a rule and OOF. */
async function seedAlice() {
  const mb = fake.mailbox('alice@ex.test');
  mb.addFolder('', 'Projects');
  mb.addFolder('Inbox', 'Sub');
  mb.addMessage('Inbox', makeMessage({ subject: 'Hello', messageId: '<hello@ex.test>' }), { isRead: true, categories: ['Red category'], receivedAt: new Date(day(3)) });
  mb.addMessage('Inbox', makeMessage({ subject: 'Flagged' }), { flagged: true, receivedAt: new Date(day(4)) });
  mb.addMessage('Inbox/Sub', makeMessage({ subject: 'Nested' }), { isRead: true, receivedAt: new Date(day(5)) });
  for (let i = 0; i < 9; i++) mb.addMessage('Projects', makeMessage({ subject: `Project ${i}` }), { receivedAt: new Date(day(6 + i)) });
  mb.addMessage('Sent Items', makeMessage({ subject: 'Sent one' }), { isRead: true, receivedAt: new Date(day(7)) });
  await withMailbox('alice@ex.test', async (ews) => {
    const folders = await ews.folders();
    const at = (name: string) => folders.find((f) => f.wellKnown === name)!;
    const contactId = await ews.createItem(at('contacts').id, contact, { stamp: 'seed' });
    const group: GroupData = { kind: 'group', sourceId: 'seed', folder: 'Contacts', categories: [], displayName: 'Board', members: [{ name: 'Dana Example', address: 'dana@example.org', routingType: 'SMTP', contactSourceId: contactId }, { name: 'Outsider', address: 'outsider@else.test', routingType: 'SMTP' }] };
    await ews.createItem(at('contacts').id, group, { stamp: 'seed', contactIds: new Map([[contactId, contactId]]) });
    await ews.createItem(at('calendar').id, weekly, { stamp: 'seed' });
    await ews.createItem(at('tasks').id, task, { stamp: 'seed' });
    await ews.writeRules([{ displayName: 'Projects to their folder', priority: 1, isEnabled: true, conditions: { containsSubjectStrings: ['Project'] }, exceptions: {}, actions: { moveToFolder: 'Projects' } }]);
    await ews.writeOof(oof);
  });
}

describe('Exchange to Exchange, all seven item kinds', () => {
  beforeAll(async () => {
    await seedAlice();
    // Bob has mail, a contact, a rule and OOF settings of his own; one message is also at the source.
    const bob = fake.mailbox('bob@ex.test');
    bob.addMessage('Inbox', makeMessage({ subject: 'Hello', messageId: '<hello@ex.test>' }), { isRead: true, receivedAt: new Date(day(3)) });
    bob.addMessage('Inbox', makeMessage({ subject: "Bob's own" }), { receivedAt: new Date(day(1)) });
    await withMailbox('bob@ex.test', async (ews) => {
      const contacts = (await ews.folders()).find((f) => f.wellKnown === 'contacts')!;
      await ews.createItem(contacts.id, { ...contact, displayName: 'Bob Friend', givenName: 'Bob', surname: 'Friend', emails: [{ key: 'EmailAddress1', address: 'friend@bob.test' }] }, { stamp: 'bob-own' });
      await ews.writeRules([{ displayName: "Bob's rule", priority: 1, isEnabled: true, conditions: { fromAddresses: [{ emailAddress: 'boss@bob.test' }] }, exceptions: {}, actions: { markImportance: 'High' } }]);
      await ews.writeOof({ state: 'Disabled', externalAudience: 'All', internalReply: 'Old reply', externalReply: '' });
    });
  });

  it('copies everything, a second run copies nothing, and rollback restores the destination exactly', async () => {
    const before = fake.mailbox('bob@ex.test').snapshot();
    const sourceBefore = fake.mailbox('alice@ex.test').snapshot();
    const created = await migrate(tern.service, { from: ewsUrl('alice@ex.test'), to: ewsUrl('bob@ex.test'), items: ALL }, tern.actor);
    const done = await tern.waitFor(created.id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    const step = Object.fromEntries(done.steps.map((s) => [s.kind, s]));
    expect(step.emails).toMatchObject({ status: 'done', total: 13, copied: 12, alreadyPresent: 1, failed: 0 });
    expect(step.contacts).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    expect(step.contactGroups).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    expect(step.calendars).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    expect(step.tasks).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    expect(step.inboxRules).toMatchObject({ status: 'done', total: 1, copied: 1 });
    expect(step.outOfOffice).toMatchObject({ status: 'done', total: 1, copied: 1 });
    expect(done.folders.filter((f) => f.warning)).toEqual([]);

    // Mail: byte for byte in the mapped folders, with read state, flag and categories.
    const src = fake.mailbox('alice@ex.test');
    const dst = fake.mailbox('bob@ex.test');
    const mimes = (path: string, mb: typeof src) => mb.items(path).map((i) => i.mime!.toString('latin1'));
    for (const folder of ['Inbox', 'Inbox/Sub', 'Projects', 'Sent Items']) {
      // Every source message arrived byte for byte, once, but the one Bob already had.
      const arrived = mimes(folder, dst);
      for (const m of mimes(folder, src).filter((x) => !x.includes('<hello@ex.test>'))) expect(arrived.filter((x) => x === m), folder).toHaveLength(1);
    }
    expect(mimes('Projects', dst)).toHaveLength(9);
    const hello = dst.items('Inbox').filter((i) => i.mime!.includes('<hello@ex.test>'));
    expect(hello).toHaveLength(1);
    const flagged = dst.items('Inbox').find((i) => i.mime!.includes('Subject: Flagged'))!;
    expect(flagged.isRead).toBe(false);

    // Contacts, groups, events, tasks: field for field; the group points at Bob's copy of the contact.
    await withMailbox('bob@ex.test', async (ews) => {
      const contacts = await itemsOf(ews, 'contact');
      expect(contacts).toContainEqual(expect.objectContaining({ ...withoutSeed(contact) }));
      const [group] = (await itemsOf(ews, 'group')) as GroupData[];
      const copy = (await readAll(ews, 'contact')).find((c) => (c as ContactData).displayName === 'Dana Example')!;
      expect(group.members).toEqual([expect.objectContaining({ address: 'dana@example.org', contactSourceId: copy.id }), expect.objectContaining({ address: 'outsider@else.test' })]);
      // Exchange makes the mailbox's owner the organizer of what it creates: the organizer is not writable.
      const { organizer: _organizer, ...asWritten } = withoutSeed(weekly);
      expect(await itemsOf(ews, 'event')).toEqual([expect.objectContaining(asWritten)]);
      expect(await itemsOf(ews, 'task')).toEqual([expect.objectContaining(withoutSeed(task))]);
      const rules = (await ews.readRules()).rules;
      expect(rules.map((r) => r.displayName)).toEqual(["Bob's rule", 'Projects to their folder']);
      expect(rules[1].actions).toEqual({ moveToFolder: 'Projects' });
      expect(await ews.readOof()).toEqual(oof);
    });
    // Nobody was invited, and the copy has a UID of its own.
    const [event] = dst.items('Calendar');
    expect(event.sendMeetingInvitations).toBe('SendToNone');
    const uidOf = (xml: string) => /<t:UID>([^<]+)<\/t:UID>/.exec(xml)?.[1];
    expect(uidOf(event.xml)).toBeDefined();
    expect(uidOf(event.xml)).not.toBe(uidOf(src.items('Calendar')[0].xml));
    expect(fake.mailbox('alice@ex.test').snapshot()).toEqual(sourceBefore);

    // A second run is a delta pass: everything is already there.
    const again = await tern.waitFor((await migrate(tern.service, { from: ewsUrl('alice@ex.test'), to: ewsUrl('bob@ex.test'), items: ALL }, tern.actor)).id);
    expect(again.status).toBe('completed');
    for (const s of again.steps) expect(s, s.kind).toMatchObject({ status: 'done', copied: 0, failed: 0, alreadyPresent: s.total });
    const after = dst.snapshot();

    await rollback(tern.service, { taskId: again.id }, tern.actor);
    expect((await tern.waitFor(again.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    expect(withoutRuleIds(dst.snapshot())).toEqual(withoutRuleIds(after));

    await rollback(tern.service, { taskId: done.id }, tern.actor);
    const rolled = await tern.waitFor(done.id, (t) => t.status !== 'rolling_back');
    expect(rolled.rollbackError).toBeUndefined();
    expect(rolled.status).toBe('rolled_back');
    expect(withoutRuleIds(dst.snapshot())).toEqual(withoutRuleIds(before));
  });
});

async function readAll(ews: EwsSession, kind: PimItem['kind']): Promise<StoredItem[]> {
  const out: StoredItem[] = [];
  for (const folder of await ews.folders()) out.push(...(await ews.readItems(kind, folder, await ews.listItemIds(folder.id))).filter((i) => i.kind === kind));
  return out;
}

function withoutSeed<T extends PimItem>(item: T): Omit<T, 'sourceId'> {
  const { sourceId: _sourceId, ...rest } = item;
  return rest;
}

/** Rules rewritten by a rollback get new IDs from the server; everything else must be as it was. */
function withoutRuleIds<T>(snapshot: T): T {
  return JSON.parse(JSON.stringify(snapshot), (key, value) => (key === 'ruleId' || key === 'RuleId' ? undefined : value)) as T;
}

describe('IMAP to Exchange and Exchange to IMAP, e-mail', () => {
  it('IMAP → Exchange: byte-identical MIME in the mapped folders, flags kept, throttling honoured, delta, rollback', async () => {
    const a = account(dovecot, 'alice');
    await seedMessage(a, 'INBOX', makeMessage({ subject: 'Seen and flagged' }), { flags: ['\\Seen', '\\Flagged', 'Custom'], internalDate: new Date(day(2)) });
    await seedMessage(a, 'INBOX', makeMessage({ subject: 'Unread', messageId: null }), { internalDate: new Date(day(3)) });
    await seedMessage(a, 'Sent', makeMessage({ subject: 'Sent by IMAP' }), { flags: ['\\Seen'], internalDate: new Date(day(4)) });
    await seedMessage(a, 'Work/Deep', makeMessage({ subject: 'Deep' }), { internalDate: new Date(day(5)) });
    const source = contentView(await snapshotMailbox(a));
    const before = fake.mailbox('carol@ex.test').snapshot();

    fake.throttleNext(3, 150);
    const started = Date.now();
    const done = await tern.waitFor((await migrate(tern.service, { from: imapUrl(dovecot, 'alice'), to: ewsUrl('carol@ex.test') }, tern.actor)).id);
    // Each busy answer was waited out for its BackOffMilliseconds before the retry.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 150);
    expect(done.error).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ status: 'done', total: 4, copied: 4, failed: 0 });
    expect(fake.calls.filter((c) => c.status === 500 && c.response.includes('ErrorServerBusy'))).toHaveLength(3);

    const carol = fake.mailbox('carol@ex.test');
    const mimeOf = (folder: string) => carol.items(folder).map((i) => i.mime!);
    expect(mimeOf('Inbox')).toHaveLength(2);
    expect(mimeOf('Sent Items')).toHaveLength(1);
    expect(mimeOf('Work/Deep')).toHaveLength(1);
    // The same bytes arrived: every MIME at the destination hashes to a source message.
    const sourceHashes = await imapHashes('alice');
    for (const m of [...mimeOf('Inbox'), ...mimeOf('Sent Items'), ...mimeOf('Work/Deep')]) expect(sourceHashes).toContain(sha256(m));
    const seen = carol.items('Inbox').find((i) => i.mime!.includes('Seen and flagged'))!;
    expect(seen.isRead).toBe(true);
    expect(seen.xml).toMatch(/<t:FlagStatus>Flagged<\/t:FlagStatus>/);
    expect(carol.items('Inbox').find((i) => i.mime!.includes('Subject: Unread'))!.isRead).toBe(false);
    expect(source.INBOX).toHaveLength(2);

    const again = await tern.waitFor((await migrate(tern.service, { from: imapUrl(dovecot, 'alice'), to: ewsUrl('carol@ex.test') }, tern.actor)).id);
    expect(again.steps[0]).toMatchObject({ copied: 0, alreadyPresent: 4 });

    await rollback(tern.service, { taskId: done.id }, tern.actor);
    expect((await tern.waitFor(done.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    expect(carol.snapshot()).toEqual(before);
  });

  it('an IMAP folder named like an Exchange address book or calendar gets a mail folder of its own; rollback finds it again', async () => {
    const before = fake.mailbox('hal@ex.test').snapshot();
    const imap = account(dovecot, 'carol');
    await seedMessage(imap, 'Contacts', makeMessage({ subject: 'Mail filed under Contacts' }), {});
    await seedMessage(imap, 'Calendar/2024', makeMessage({ subject: 'Mail filed under Calendar/2024' }), {});
    const done = await tern.waitFor((await migrate(tern.service, { from: imapUrl(dovecot, 'carol'), to: ewsUrl('hal@ex.test') }, tern.actor)).id);
    expect(done.error).toBeUndefined();
    const hal = fake.mailbox('hal@ex.test');
    expect(hal.items('Contacts')).toEqual([]);
    expect(hal.items('Calendar')).toEqual([]);
    expect(hal.items('Contacts (Mail)').map((i) => i.type)).toEqual(['Message']);
    expect(hal.items('Calendar (Mail)/2024').map((i) => i.type)).toEqual(['Message']);
    expect(hal.folderByPath('Contacts (Mail)')?.folderClass).toBe('IPF.Note');
    // A second run finds those folders again instead of tripping over the names.
    const again = await tern.waitFor((await migrate(tern.service, { from: imapUrl(dovecot, 'carol'), to: ewsUrl('hal@ex.test') }, tern.actor)).id);
    expect(again.steps[0]).toMatchObject({ status: 'done', copied: 0, failed: 0 });
    // The report names the folder as it is at the destination, and says why.
    expect(done.folders.find((f) => f.sourceFolder === 'Contacts')).toMatchObject({ destinationFolder: 'Contacts (Mail)', note: expect.stringContaining('Contacts (Mail)') });

    await rollback(tern.service, { taskId: done.id }, tern.actor);
    const rolled = await tern.waitFor(done.id, (t) => t.status !== 'rolling_back');
    expect(rolled.status).toBe('rolled_back');
    expect(rolled.rollbackNotes ?? []).toEqual([]);
    expect(hal.snapshot()).toEqual(before);
  });

  it('Exchange → IMAP: the MIME byte for byte, read state and flag as IMAP flags, dates kept; rollback', async () => {
    const dave = fake.mailbox('dave@ex.test');
    const hello = makeMessage({ subject: 'From Exchange', messageId: '<from-exchange@ex.test>' });
    dave.addMessage('Inbox', hello, { isRead: true, flagged: true, receivedAt: new Date(day(11)) });
    dave.addFolder('', 'Archive 2023');
    dave.addMessage('Archive 2023', makeMessage({ subject: 'Old' }), { receivedAt: new Date(day(12)) });
    const target = account(dovecot, 'bob');
    const before = await snapshotMailbox(target);

    const done = await tern.waitFor((await migrate(tern.service, { from: ewsUrl('dave@ex.test'), to: imapUrl(dovecot, 'bob') }, tern.actor)).id);
    expect(done.error).toBeUndefined();
    expect(done.steps[0]).toMatchObject({ status: 'done', copied: 2, failed: 0 });
    const after = await snapshotMailbox(target);
    const inbox = after.folders.find((f) => f.path === 'INBOX')!;
    // Byte for byte: the only message with the source's hash.
    const copied = inbox.messages.find((m) => m.sha256 === sha256(hello))!;
    expect(copied).toBeDefined();
    expect(copied.flags).toEqual(expect.arrayContaining(['\\Seen', '\\Flagged']));
    expect(new Date(copied.internalDate).toISOString()).toBe(day(11));
    expect(after.folders.find((f) => f.path === 'Archive 2023')?.messages).toHaveLength(1);

    await rollback(tern.service, { taskId: done.id }, tern.actor);
    expect((await tern.waitFor(done.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    expect(await snapshotMailbox(target)).toEqual(before);
  });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The SHA-256 of every message of a Dovecot user. */
async function imapHashes(user: string): Promise<string[]> {
  const snap = await snapshotMailbox(account(dovecot, user));
  return snap.folders.flatMap((f) => f.messages.map((m) => m.sha256));
}

describe("rollback with mail of the destination's own in a created folder", () => {
  it('removes what the task created and keeps that folder, saying why', async () => {
    const done = await tern.waitFor((await migrate(tern.service, { from: ewsUrl('alice@ex.test'), to: ewsUrl('gina@ex.test') }, tern.actor)).id);
    expect(done.status).toBe('completed');
    const gina = fake.mailbox('gina@ex.test');
    const own = gina.addMessage('Projects', makeMessage({ subject: "Gina's own, filed after the migration" }), {});
    await rollback(tern.service, { taskId: done.id }, tern.actor);
    const rolled = await tern.waitFor(done.id, (t) => t.status !== 'rolling_back');
    expect(rolled.status).toBe('rolled_back');
    expect(rolled.rollbackNotes).toEqual(['Projects: kept, it holds 1 item(s) that were not created by this task']);
    expect(gina.items('Projects').map((i) => i.id)).toEqual([own.id]);
    expect(gina.folderByPath('Inbox/Sub')).toBeUndefined();
    expect(gina.items('Inbox')).toEqual([]);
  });
});

describe('resume', () => {
  let worker: ChildProcess | undefined;
  let own: TestTern | undefined;
  let slow: LatencyProxy | undefined;
  // Its own Exchange, with the usual page size: 400 messages in pages of 7 would test paging, not resume.
  let bulk: FakeEws | undefined;
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await own?.close();
    await slow?.close();
    await bulk?.close();
    expect(bulk?.schemaErrors ?? []).toEqual([]);
    expect(bulk?.internalErrors ?? []).toEqual([]);
  });

  it('a worker killed mid-way is replaced: nothing copied twice, nothing lost, all journaled', async () => {
    bulk = await startFakeEws({ users: USERS });
    const mb = bulk.mailbox('alice@ex.test');
    mb.addFolder('', 'Bulk');
    for (let i = 0; i < 400; i++) mb.addMessage('Bulk', makeMessage({ subject: `Bulk ${i}` }), { receivedAt: new Date(day(1 + (i % 25))) });
    slow = await startLatencyProxy(bulk.port, 60);
    // One lane, so the copy is still under way when the worker is killed (four lanes share one folder's batches).
    const env = ternEnv(redis.url, { TERN_JOB_LOCK_MS: '1500', TERN_CONNECTIONS_PER_ACCOUNT: '1' });
    own = await startTern(redis.url, env);
    const spawnWorker = () => spawn(process.execPath, [path.join(projectRoot, 'bin/tern.js'), 'worker'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    worker = spawnWorker();
    const created = await migrate(own.service, { from: ewsUrl('alice@ex.test', USERS['alice@ex.test'], bulk.port), to: ewsUrl('dave@ex.test', USERS['dave@ex.test'], slow.port), items: 'emails' }, own.actor);
    await until('the first 20 copies', async () => (await own!.service.status(created.id, own!.actor)).steps[0].copied >= 20);
    expect((await own.service.status(created.id, own.actor)).status).toBe('running');
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    expect((await own.service.status(created.id, own.actor)).steps[0].copied).toBeLessThan(300);

    worker = spawnWorker();
    const done = await own.waitFor(created.id);
    expect(done.status).toBe('completed');
    const report = done.folders.find((f) => f.sourceFolder === 'Bulk')!;
    expect(report).toMatchObject({ sourceCount: 400, copied: 400, failed: 0, destinationCount: 400 });
    expect(bulk.mailbox('dave@ex.test').items('Bulk')).toHaveLength(400);
    const journaled = await own.runtime.journal.entries(created.id, { kind: 'message', folder: 'Bulk' });
    expect(journaled).toHaveLength(400);
    expect(new Set(journaled.map((r) => r.ref)).size).toBe(400);
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
  }, 300_000);

  it('the same for contacts: a killed worker leaves no duplicate and no orphan', async () => {
    const mb = bulk!.mailbox('erin@ex.test');
    for (let i = 0; i < 150; i++) {
      mb.addItem('Contacts', `<t:Contact><t:DisplayName>Person ${i}</t:DisplayName><t:GivenName>Person</t:GivenName><t:EmailAddresses><t:Entry Key="EmailAddress1">p${i}@people.test</t:Entry></t:EmailAddresses><t:Surname>${i}</t:Surname></t:Contact>`);
    }
    const spawnWorker = () => spawn(process.execPath, [path.join(projectRoot, 'bin/tern.js'), 'worker'], { env: { ...process.env, ...own!.env }, stdio: 'ignore' });
    worker = spawnWorker();
    const created = await migrate(own!.service, { from: ewsUrl('erin@ex.test', USERS['erin@ex.test'], bulk!.port), to: ewsUrl('frank@ex.test', USERS['frank@ex.test'], slow!.port), items: 'contacts' }, own!.actor);
    await until('the first 10 contacts', async () => (await own!.service.status(created.id, own!.actor)).steps[0].copied >= 10);
    expect((await own!.service.status(created.id, own!.actor)).status).toBe('running');
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    expect((await own!.service.status(created.id, own!.actor)).steps[0].copied).toBeLessThan(150);

    worker = spawnWorker();
    const done = await own!.waitFor(created.id);
    expect(done.status).toBe('completed');
    expect(done.steps[0]).toMatchObject({ total: 150, copied: 150, alreadyPresent: 0, failed: 0 });
    const names = bulk!.mailbox('frank@ex.test').items('Contacts').map((i) => /<t:DisplayName>([^<]*)</.exec(i.xml)?.[1]);
    expect(names).toHaveLength(150);
    expect(new Set(names).size).toBe(150);
    const journaled = await own!.runtime.journal.entries(created.id, { kind: 'contact' });
    expect(journaled).toHaveLength(150);
    expect(journaled.every((r) => r.ref)).toBe(true);
  });
});

describe('cancel, refusals', () => {
  let slow: LatencyProxy;
  beforeAll(async () => {
    slow = await startLatencyProxy(fake.port, 40);
  });
  afterAll(() => slow?.close());

  it('cancel during e-mails: the step in progress finishes, the later steps are cancelled', async () => {
    const mb = fake.mailbox('erin@ex.test');
    for (let i = 0; i < 30; i++) mb.addMessage('Inbox', makeMessage({ subject: `Mail ${i}` }), { receivedAt: new Date(day(1 + (i % 20))) });
    const created = await migrate(tern.service, { from: ewsUrl('erin@ex.test'), to: ewsUrl('frank@ex.test', USERS['frank@ex.test'], slow.port), items: 'emails,contacts,calendars' }, tern.actor);
    // Once the first batch is in, Inbox is the folder in progress: it must be finished, the rest not started.
    await until('the first batch', async () => (await tern.service.status(created.id, tern.actor)).steps[0].copied > 0);
    await cancel(tern.service, { taskId: created.id }, tern.actor);
    const done = await tern.waitFor(created.id);
    expect(done.status).toBe('cancelled');
    const [emails, contacts, calendars] = done.steps;
    expect(emails).toMatchObject({ kind: 'emails', copied: 30 });
    expect(contacts.status).toBe('cancelled');
    expect(calendars.status).toBe('cancelled');
    expect(fake.mailbox('frank@ex.test').items('Inbox')).toHaveLength(30);
  });

  it('inbox rules are not written over client-side Outlook rules at the destination, and the report says why', async () => {
    const carol = fake.mailbox('carol@ex.test');
    carol.hasOutlookRuleBlob = true;
    fake.mailbox('alice@ex.test').hasOutlookRuleBlob = true;
    const before = carol.snapshot();
    const done = await tern.waitFor((await migrate(tern.service, { from: ewsUrl('alice@ex.test'), to: ewsUrl('carol@ex.test'), items: 'inboxRules' }, tern.actor)).id);
    // The rule that could not be written is a failed item: the task says so in its state.
    expect(done.status).toBe('completed_with_errors');
    expect(done.steps[0]).toMatchObject({ kind: 'inboxRules', status: 'done', total: 1, copied: 0, failed: 1 });
    const [report] = done.folders;
    expect(report.note).toMatch(/destination has client-side Outlook rules/);
    expect(report.note).toMatch(/source also has client-side rules .* cannot be migrated/);
    expect(carol.snapshot()).toEqual(before);
    expect(carol.hasOutlookRuleBlob).toBe(true);
    fake.mailbox('alice@ex.test').hasOutlookRuleBlob = false;
  });

  it('a wrong password is refused up front, naming the side and the server, never echoing it', async () => {
    const err = (await migrate(tern.service, { from: imapUrl(dovecot, 'alice'), to: ewsUrl('bob@ex.test', 'not-the-password') }, tern.actor).then(
      () => undefined,
      (e: unknown) => e,
    )) as TernError;
    expect(err).toBeInstanceOf(TernError);
    expect(err).toMatchObject({ code: 'AUTH_FAILED', field: 'destination' });
    expect(err.userMessage).toMatch(/^Destination account: .*127\.0\.0\.1/);
    expect(err.userMessage).not.toContain('not-the-password');
  });

  it('refuses item kinds a side cannot carry', async () => {
    await expect(migrate(tern.service, { from: ewsUrl('alice@ex.test'), to: imapUrl(dovecot, 'bob'), items: 'emails,calendars' }, tern.actor)).rejects.toThrow(/Calendars cannot be migrated to this destination: IMAP accounts carry e-mails only/);
  });
});
