// PST import into Exchange (the fake, driven by the real connector): mail into the mapped
// folders, and the contacts, contact groups and calendar items of the real fixtures, with group
// members re-pointed at the imported contacts and recurrence exceptions kept; a re-import copies
// nothing; rollback leaves the mailbox as it was.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { startRedis, type TestRedis } from './support/redis';
import { projectRoot, startTern, type TestTern } from './support/tern';
import { importPstFile } from '../commands/import-pst';
import { rollback } from '../commands/rollback';
import { openEws } from '../src/connectors/ews';
import type { EwsSession, StoredItem } from '../src/connectors/ews/types';
import type { ContactData, EventData, GroupData, PimItem } from '../src/ports/pim-items';
import { parseAccountUrl } from '../src/accounts';

const FIXTURES = path.resolve(projectRoot, '../shared/fixtures/pst');
const USERS = { 'pat@pst.test': 'pat-pw', 'quinn@pst.test': 'quinn-pw', 'rae@pst.test': 'rae-pw', 'sam@pst.test': 'sam-pw' };
const PIM = 'emails,contacts,contactGroups,calendars,tasks';

let fake: FakeEws;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  [fake, redis] = await Promise.all([startFakeEws({ users: USERS }), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([fake?.close(), redis?.stop()]);
  expect(fake?.schemaErrors ?? []).toEqual([]);
  expect(fake?.internalErrors ?? []).toEqual([]);
});

const url = (user: keyof typeof USERS) => `ews+http://${encodeURIComponent(user)}:${USERS[user]}@127.0.0.1:${fake.port}/EWS/Exchange.asmx`;

async function read(user: keyof typeof USERS, kind: PimItem['kind']): Promise<StoredItem[]> {
  const ews: EwsSession = await openEws(parseAccountUrl(url(user), 'destination'), { timeoutMs: 10_000 });
  try {
    const out: StoredItem[] = [];
    for (const folder of await ews.folders()) out.push(...(await ews.readItems(kind, folder, await ews.listItemIds(folder.id))).filter((i) => i.kind === kind));
    return out;
  } finally {
    await ews.close();
  }
}

describe('PST into Exchange', () => {
  it('aspose-outlook.pst: 8 + 6 e-mails in Inbox and Sent Items, the contact and the meeting; a re-import copies nothing', async () => {
    const before = fake.mailbox('pat@pst.test').snapshot();
    const task = await tern.waitFor((await importPstFile(tern.service, { file: path.join(FIXTURES, 'aspose-outlook.pst'), to: url('pat@pst.test'), items: PIM }, tern.actor)).id);
    expect(task.error).toBeUndefined();
    expect(task.status).toBe('completed');
    const steps = Object.fromEntries(task.steps.map((s) => [s.kind, s]));
    expect(steps.emails).toMatchObject({ status: 'done', total: 14, copied: 14, failed: 0 });
    expect(steps.contacts).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    expect(steps.calendars).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    const pat = fake.mailbox('pat@pst.test');
    expect(pat.items('Inbox').filter((i) => i.type === 'Message')).toHaveLength(8);
    expect(pat.items('Sent Items').filter((i) => i.type === 'Message')).toHaveLength(6);
    const [contact] = (await read('pat@pst.test', 'contact')) as ContactData[];
    expect(contact.displayName).toBe('Saqib Razzaq');
    const [event] = (await read('pat@pst.test', 'event')) as EventData[];
    expect(event).toMatchObject({ subject: 'Weekly meeting', start: '2011-06-22T05:30:00.000Z', startTimeZone: 'West Asia Standard Time' });
    expect(pat.items('Calendar')[0].sendMeetingInvitations).toBe('SendToNone');

    const again = await tern.waitFor((await importPstFile(tern.service, { file: path.join(FIXTURES, 'aspose-outlook.pst'), to: url('pat@pst.test'), items: PIM }, tern.actor)).id);
    for (const s of again.steps) expect(s, s.kind).toMatchObject({ status: 'done', copied: 0, failed: 0, alreadyPresent: s.total });

    await rollback(tern.service, { taskId: task.id }, tern.actor);
    expect((await tern.waitFor(task.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    expect(pat.snapshot()).toEqual(before);
  });

  it('java-libpst-dist-list.pst: the group points at the imported contact; the weekly appointment keeps its exceptions', async () => {
    const task = await tern.waitFor((await importPstFile(tern.service, { file: path.join(FIXTURES, 'java-libpst-dist-list.pst'), to: url('quinn@pst.test'), items: PIM }, tern.actor)).id);
    expect(task.error).toBeUndefined();
    expect(task.steps.find((s) => s.kind === 'contactGroups')).toMatchObject({ status: 'done', total: 1, copied: 1 });
    const contacts = await read('quinn@pst.test', 'contact');
    const imported = contacts.find((c) => (c as ContactData).displayName === 'contact name 1')!;
    expect(imported).toBeDefined();
    const [group] = (await read('quinn@pst.test', 'group')) as Array<GroupData & { id: string }>;
    expect(group.displayName).toBe('test dist list');
    expect(group.members.some((m) => m.contactSourceId === imported.id)).toBe(true);
    const [event] = (await read('quinn@pst.test', 'event')) as EventData[];
    expect(event.recurrence).toMatchObject({ pattern: { type: 'weekly', daysOfWeek: ['Tuesday'] }, startDate: '2016-08-02', end: { type: 'noEnd' } });
    expect(event.deletedOccurrences).toEqual(['2016-08-09T15:00:00.000Z']);
    expect(event.modifiedOccurrences.map((m) => m.originalStart).sort()).toEqual(['2016-08-23T15:00:00.000Z', '2016-08-30T15:00:00.000Z']);
    // Its two PST attachments are those exceptions (embedded appointments, attachMethod 5; pffexport
    // shows them as Attachment0000n/Appointment00001), not files: no file attachment lands in Exchange.
    expect(event.attachments).toBeUndefined();
    expect(fake.mailbox('quinn@pst.test').items('Calendar').flatMap((i) => i.attachments)).toEqual([]);
  });

  it.each([
    ['pstsdk-sample2-ansi.pst', 'rae@pst.test', 1],
    ['tika-testPST.pst', 'sam@pst.test', 7],
  ] as const)('%s: its e-mails land in Exchange, every one accounted for', async (file, user, count) => {
    const task = await tern.waitFor((await importPstFile(tern.service, { file: path.join(FIXTURES, file), to: url(user), items: 'emails' }, tern.actor)).id);
    expect(task.error).toBeUndefined();
    expect(task.steps[0]).toMatchObject({ status: 'done', total: count, copied: count, failed: 0 });
    expect(fake.mailbox(user).items().filter((i) => i.type === 'Message')).toHaveLength(count);
    expect(task.folders.filter((f) => f.warning)).toEqual([]);
  });
});
