// Microsoft 365 (Graph) for contacts, calendars, To Do tasks, inbox rules and automatic replies,
// end to end through the service and the real queue: Exchange (fake EWS) → Graph and back again
// (Graph → Exchange), against the fake Graph (every request and answer checked against the CSDL).
// A recurring meeting keeps its pattern, time zone, moved and deleted occurrences and attendees
// (as data: nobody is invited); a second run copies nothing; rollback restores the destination
// exactly; contact groups out of Graph are refused up front by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from './fakes/graph';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { startRedis, type TestRedis } from './support/redis';
import { startTern, type TestTern } from './support/tern';
import { readPim, withEws as withEwsAt } from './support/pim-accounts';
import type { EwsSession } from '../src/connectors/ews/types';
import { loadConnector } from '../src/connectors/registry';
import type { ContactData, EventData, OofData, PimItem, RuleData, TaskData } from '../src/ports/pim-items';
import { parseAccountUrl } from '../src/accounts';
import { migrate } from '../commands/migrate';
import { rollback } from '../commands/rollback';
import { importPstFile } from '../commands/import-pst';
import { projectRoot } from './support/tern';
import path from 'node:path';
import { startRadicale, type RadicaleServer } from './support/radicale';
import { seedSamples } from './support/dav-samples';
import { TernError } from '../src/errors';

const PIM = 'contacts,calendars,tasks,inboxRules,outOfOffice';
const EWS_USERS: Record<string, string> = { 'alice@ex.test': 'alice-pw', 'bob@ex.test': 'bob-pw' };
const TOKENS: Record<string, string> = { 'ann@m365.test': 'tok-ann', 'pat@m365.test': 'tok-pat', 'dee@m365.test': 'tok-dee' };
const FIXTURES = path.resolve(projectRoot, '../shared/fixtures/pst');

let graph: FakeGraph;
let ews: FakeEws;
let redis: TestRedis;
let radicale: RadicaleServer;
let tern: TestTern;

beforeAll(async () => {
  [graph, ews, redis, radicale] = await Promise.all([startFakeGraph({ users: TOKENS, pageSize: 3 }), startFakeEws({ users: EWS_USERS }), startRedis(), startRadicale()]);
  await seedSamples(radicale, 'alice');
  tern = await startTern(redis.url);
  await tern.startWorker();
}, 120_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([graph?.close(), ews?.close(), redis?.stop(), radicale?.stop()]);
  expect(graph?.schemaErrors ?? []).toEqual([]);
  expect(graph?.internalErrors ?? []).toEqual([]);
  expect(ews?.schemaErrors ?? []).toEqual([]);
});

const graphUrl = (user: string) => `graph+http://${encodeURIComponent(user)}:${TOKENS[user]}@127.0.0.1:${new URL(graph.url).port}`;
const ewsUrl = (user: string) => `ews+http://${encodeURIComponent(user)}:${EWS_USERS[user]}@127.0.0.1:${ews.port}/EWS/Exchange.asmx`;
const day = (n: number, h = 9) => new Date(Date.UTC(2024, 0, n, h, 0, 0)).toISOString();

const withEws = <T>(user: string, fn: (s: EwsSession) => Promise<T>) => withEwsAt(ewsUrl(user), fn);

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
  phones: { MobilePhone: '+33 6 00 00 00 00', BusinessPhone: '+33 1 00 00 00 00', BusinessFax: '+33 1 99 99 99 99' },
  addresses: { Business: { street: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'France' } },
  imAddresses: {},
  birthday: '1980-05-17',
};

/** A weekly meeting in Berlin time: six Mondays, the second moved to Tuesday afternoon, the third deleted. */
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
  optionalAttendees: [{ name: 'Carol', address: 'carol@ex.test' }],
  resources: [],
  isMeeting: true,
  recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Monday'] }, startDate: '2024-01-08', end: { type: 'numbered', count: 6 } },
  modifiedOccurrences: [{ originalStart: day(15), start: day(16, 14), end: day(16, 15), subject: 'Weekly sync (moved)' }],
  deletedOccurrences: [day(22)],
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

const rules: RuleData[] = [
  { displayName: 'Projects to their folder', priority: 1, isEnabled: true, conditions: { containsSubjectStrings: ['Project'] }, exceptions: {}, actions: { moveToFolder: 'Inbox', markImportance: 'High' } },
  // Graph has no "within a date range": the rule cannot go as it is, so it does not go at all.
  { displayName: 'Old mail', priority: 2, isEnabled: true, conditions: { withinDateRange: { startDateTime: '2020-01-01T00:00:00Z', endDateTime: '2021-01-01T00:00:00Z' } }, exceptions: {}, actions: { delete: true } },
];
const oof: OofData = { state: 'Scheduled', externalAudience: 'Known', start: day(20, 0), end: day(27, 0), internalReply: 'Away until the 27th.', externalReply: 'I am away.' };

/** What a Graph mailbox holds of PIM kinds and settings, with what the server adds (ids, dates) left out. */
function graphState(user: string) {
  const box = graph.mailbox(user);
  const entities = [...box.entities.values()].map((e) => ({ set: e.set, json: e.json })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const settings = JSON.parse(JSON.stringify(box.mailboxSettings)) as { automaticRepliesSetting: Record<string, unknown> };
  // The schedule of automatic replies that are not scheduled means nothing (Exchange keeps one whatever the state): it is not compared then.
  const replies = settings.automaticRepliesSetting;
  if (replies.status !== 'scheduled') delete replies.scheduledStartDateTime, delete replies.scheduledEndDateTime;
  return { entities, settings, cancelled: [...box.cancelled.values()].map((s) => [...s]) };
}

const readGraph = (user: string, kind: PimItem['kind']) => readPim(graphUrl(user), kind);

describe('Exchange ↔ Microsoft 365 (Graph): contacts, calendars, tasks, rules, automatic replies', () => {
  it('Exchange → Graph: every kind arrives as Graph shapes; nobody is invited; a second run copies nothing; rollback restores the destination', async () => {
    await withEws('alice@ex.test', async (s) => {
      const folders = await s.folders();
      const at = (name: string) => folders.find((f) => f.wellKnown === name)!;
      await s.createItem(at('contacts').id, contact, { stamp: 'seed' });
      await s.createItem(at('calendar').id, weekly, { stamp: 'seed' });
      await s.createItem(at('tasks').id, task, { stamp: 'seed' });
      await s.writeRules(rules);
      await s.writeOof(oof);
    });
    const before = graphState('ann@m365.test');

    // Throttled twice along the way: each 429 is waited out for its Retry-After, nothing fails.
    graph.throttle('ann@m365.test', { status: 429, retryAfterSeconds: 1, times: 2 });
    const started = Date.now();
    const done = await tern.waitFor((await migrate(tern.service, { from: ewsUrl('alice@ex.test'), to: graphUrl('ann@m365.test'), items: PIM }, tern.actor)).id);
    expect(done.error).toBeUndefined();
    expect(graph.calls.filter((c) => c.mailbox === 'ann@m365.test' && c.status === 429)).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const step = Object.fromEntries(done.steps.map((s) => [s.kind, s]));
    for (const kind of ['contacts', 'calendars', 'tasks', 'outOfOffice']) expect(step[kind], kind).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    expect(step.inboxRules).toMatchObject({ status: 'done', total: 2, copied: 1, failed: 1 });
    expect(done.folders.find((f) => f.sourceFolder === 'Inbox rules')?.note).toMatch(/Not migrated: the rule "Old mail": Microsoft Graph has no form for withinDateRange/);
    // What To Do cannot hold of the task is named in its folder's report.
    expect(done.folders.find((f) => f.sourceFolder.startsWith('Tasks'))?.note).toMatch(/Not carried: "File the report": percentComplete/);

    const ann = graph.mailbox('ann@m365.test');
    const [event] = ann.entitiesIn('events', ann.defaultOf('calendars').id);
    // Graph would invite every attendee of an event it creates: the copy has none, its attendees are kept as data.
    expect(event.json.attendees).toBeUndefined();
    expect(event.json.start).toEqual({ dateTime: '2024-01-08T10:00:00', timeZone: 'W. Europe Standard Time' });
    expect([...ann.cancelled.get(event.id)!]).toEqual(['2024-01-22']);
    expect(ann.exceptionsOf(event.id)).toHaveLength(1);

    const [readContact] = (await readGraph('ann@m365.test', 'contact')) as ContactData[];
    expect(readContact).toMatchObject({ ...contact, sourceId: expect.any(String) });
    const [readEvent] = (await readGraph('ann@m365.test', 'event')) as EventData[];
    // The organizer is carried as the source gave it (the fake Exchange names it by its address).
    expect(readEvent).toMatchObject({ ...weekly, sourceId: expect.any(String), organizer: expect.objectContaining({ address: 'alice@ex.test' }) });
    const [readTask] = (await readGraph('ann@m365.test', 'task')) as TaskData[];
    const { percentComplete: _lost, ...taskCarried } = task;
    expect(readTask).toMatchObject({ ...taskCarried, sourceId: expect.any(String) });
    const settings = await (await loadConnector('graph')).settings!(parseAccountUrl(graphUrl('ann@m365.test'), 'source'), { timeoutMs: 10_000 });
    expect((await settings.readRules()).rules).toEqual([{ ...rules[0], actions: { moveToFolder: 'INBOX', markImportance: 'High' } }]);
    expect(await settings.readOof()).toEqual(oof);
    await settings.close();

    const again = await tern.waitFor((await migrate(tern.service, { from: ewsUrl('alice@ex.test'), to: graphUrl('ann@m365.test'), items: PIM }, tern.actor)).id);
    for (const s of again.steps.filter((x) => x.kind !== 'inboxRules')) expect(s, s.kind).toMatchObject({ status: 'done', copied: 0, failed: 0, alreadyPresent: 1 });
    // The rule Graph took is recognised; the one it cannot hold is refused again.
    expect(again.steps.find((x) => x.kind === 'inboxRules')).toMatchObject({ status: 'done', copied: 0, alreadyPresent: 1, failed: 1 });
    await rollback(tern.service, { taskId: again.id }, tern.actor);
    expect((await tern.waitFor(again.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');

    await rollback(tern.service, { taskId: done.id }, tern.actor);
    const rolled = await tern.waitFor(done.id, (t) => t.status !== 'rolling_back');
    expect(rolled.rollbackError).toBeUndefined();
    expect(rolled.status).toBe('rolled_back');
    expect(graphState('ann@m365.test')).toEqual(before);
  });

  it('Graph → Exchange: what Graph holds arrives in Exchange field for field', async () => {
    const ann = graph.mailbox('ann@m365.test');
    const work = ann.addEntity('contactFolders', ann.defaultOf('contactFolders').id, { displayName: 'Work' });
    ann.addEntity('contacts', work.id, { displayName: 'Zoe Client', givenName: 'Zoe', surname: 'Client', emailAddresses: [{ address: 'zoe@client.test', name: 'Zoe Client' }], mobilePhone: '+33 6 12 34 56 78', categories: [] });
    ann.addEntity('events', ann.defaultOf('calendars').id, {
      subject: 'Board meeting',
      start: { dateTime: '2024-03-04T09:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2024-03-04T10:30:00', timeZone: 'Pacific Standard Time' },
      attendees: [{ emailAddress: { name: 'Yan', address: 'yan@client.test' }, type: 'required' }],
      organizer: { emailAddress: { name: 'Ann', address: 'ann@m365.test' } },
      location: { displayName: 'HQ' },
      categories: [],
    });
    ann.addEntity('todoTasks', ann.defaultOf('todoLists').id, { title: 'Pay the invoices', status: 'completed', dueDateTime: { dateTime: '2024-03-29T00:00:00.0000000', timeZone: 'UTC' } });

    const done = await tern.waitFor((await migrate(tern.service, { from: graphUrl('ann@m365.test'), to: ewsUrl('bob@ex.test'), items: 'contacts,calendars,tasks' }, tern.actor)).id);
    expect(done.error).toBeUndefined();
    for (const s of done.steps) expect(s, s.kind).toMatchObject({ status: 'done', copied: 1, failed: 0 });
    await withEws('bob@ex.test', async (s) => {
      const folders = await s.folders();
      const read = async (kind: PimItem['kind'], cls: string) => (await Promise.all(folders.filter((f) => f.folderClass === cls).map(async (f) => s.readItems(kind, f, await s.listItemIds(f.id))))).flat();
      expect(await read('contact', 'IPF.Contact')).toEqual([expect.objectContaining({ displayName: 'Zoe Client', folder: 'Contacts/Work', phones: { MobilePhone: '+33 6 12 34 56 78' }, emails: [expect.objectContaining({ address: 'zoe@client.test' })] })]);
      expect(await read('event', 'IPF.Appointment')).toEqual([
        expect.objectContaining({ subject: 'Board meeting', start: '2024-03-04T17:00:00.000Z', end: '2024-03-04T18:30:00.000Z', startTimeZone: 'Pacific Standard Time', requiredAttendees: [{ name: 'Yan', address: 'yan@client.test' }], location: 'HQ' }),
      ]);
      expect(await read('task', 'IPF.Task')).toEqual([expect.objectContaining({ subject: 'Pay the invoices', status: 'Completed', dueDate: '2024-03-29' })]);
    });
  });

  it('PST → Graph: the contact and the meeting of a real PST arrive (zone kept); a re-import copies nothing; rollback', async () => {
    const before = graphState('pat@m365.test');
    const pst = (items: string) => importPstFile(tern.service, { file: path.join(FIXTURES, 'aspose-outlook.pst'), to: graphUrl('pat@m365.test'), items }, tern.actor);
    const task = await tern.waitFor((await pst('contacts,calendars,tasks')).id);
    expect(task.error).toBeUndefined();
    const steps = Object.fromEntries(task.steps.map((s) => [s.kind, s]));
    expect(steps.contacts).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    expect(steps.calendars).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    const [contact] = (await readGraph('pat@m365.test', 'contact')) as ContactData[];
    expect(contact.displayName).toBe('Saqib Razzaq');
    const [event] = (await readGraph('pat@m365.test', 'event')) as EventData[];
    expect(event).toMatchObject({ subject: 'Weekly meeting', start: '2011-06-22T05:30:00.000Z', startTimeZone: 'West Asia Standard Time' });
    const again = await tern.waitFor((await pst('contacts,calendars,tasks')).id);
    for (const s of again.steps) expect(s, s.kind).toMatchObject({ status: 'done', copied: 0, failed: 0, alreadyPresent: s.total });
    await rollback(tern.service, { taskId: task.id }, tern.actor);
    expect((await tern.waitFor(task.id, (t) => t.status !== 'rolling_back')).status).toBe('rolled_back');
    expect(graphState('pat@m365.test')).toEqual(before);
  });

  it('CalDAV/CardDAV → Graph: contacts, a recurring meeting with its exceptions, an all-day event and a to-do arrive; what Graph cannot hold is named', async () => {
    const from = `dav+http://alice:alicepass@127.0.0.1:${radicale.port}/`;
    const done = await tern.waitFor((await migrate(tern.service, { from, to: graphUrl('dee@m365.test'), items: 'contacts,calendars,tasks' }, tern.actor)).id);
    expect(done.error).toBeUndefined();
    for (const s of done.steps) expect(s, s.kind).toMatchObject({ status: 'done', failed: 0, copied: s.total });
    const events = (await readGraph('dee@m365.test', 'event')) as EventData[];
    const series = events.find((e) => e.recurrence);
    expect(series?.modifiedOccurrences.length).toBeGreaterThan(0);
    expect(events.some((e) => e.isAllDay)).toBe(true);
    // The vCard's photo arrives as the contact's photo, and is not named as left behind.
    expect(done.folders.map((f) => f.note ?? '').join('\n')).not.toMatch(/photo/);
    expect(((await readGraph('dee@m365.test', 'contact')) as ContactData[]).filter((c) => c.photo?.base64).length).toBeGreaterThan(0);
    expect((await readGraph('dee@m365.test', 'contact')).length).toBe(done.steps.find((s) => s.kind === 'contacts')!.copied);
    expect((await readGraph('dee@m365.test', 'task')).length).toBe(done.steps.find((s) => s.kind === 'tasks')!.copied);
    const again = await tern.waitFor((await migrate(tern.service, { from, to: graphUrl('dee@m365.test'), items: 'contacts,calendars,tasks' }, tern.actor)).id);
    for (const s of again.steps) expect(s, s.kind).toMatchObject({ status: 'done', copied: 0, failed: 0, alreadyPresent: s.total });
  });

  it('contact groups out of Microsoft 365 are refused up front, naming why: Graph v1.0 has none (into it, see graph-groups.test.ts)', async () => {
    const err = await migrate(tern.service, { from: graphUrl('ann@m365.test'), to: ewsUrl('bob@ex.test'), items: 'contacts,contactGroups' }, tern.actor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TernError);
    expect((err as TernError).userMessage).toMatch(/Contact groups cannot be migrated from this source: Microsoft Graph v1\.0 has no contact groups/);
  });
});
