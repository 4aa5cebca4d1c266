// Contact photos and the file attachments of events and To Do tasks through Microsoft Graph, both
// ways, end to end through the service and the real queue: Exchange (fake EWS) → Graph, where an
// attachment of 3 MB or more goes by upload session (byte ranges to the pre-authenticated URL),
// and Graph → Exchange from a mailbox filled by Microsoft's own client. Bytes are compared, not
// just names; every Graph request and answer is checked against the CSDL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from './fakes/graph';
import { graphClient } from './fakes/graph/client';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { startRedis, type TestRedis } from './support/redis';
import { startTern, type TestTern } from './support/tern';
import { readPim, withEws as withEwsAt } from './support/pim-accounts';
import type { EwsSession } from '../src/connectors/ews/types';
import type { ContactData, EventData, PimItem, TaskData } from '../src/ports/pim-items';
import { migrate } from '../commands/migrate';

const EWS_USERS: Record<string, string> = { 'alice@ex.test': 'alice-pw', 'bob@ex.test': 'bob-pw' };
const TOKENS: Record<string, string> = { 'ann@m365.test': 'tok-ann', 'zed@m365.test': 'tok-zed' };
const MB = 1024 * 1024;

let graph: FakeGraph;
let ews: FakeEws;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  [graph, ews, redis] = await Promise.all([startFakeGraph({ users: TOKENS, pageSize: 3 }), startFakeEws({ users: EWS_USERS }), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
}, 120_000);

afterAll(async () => {
  await tern?.close();
  await Promise.all([graph?.close(), ews?.close(), redis?.stop()]);
  expect(graph?.schemaErrors ?? []).toEqual([]);
  expect(graph?.internalErrors ?? []).toEqual([]);
  expect(ews?.schemaErrors ?? []).toEqual([]);
});

const graphUrl = (user: string) => `graph+http://${encodeURIComponent(user)}:${TOKENS[user]}@127.0.0.1:${new URL(graph.url).port}`;
const ewsUrl = (user: string) => `ews+http://${encodeURIComponent(user)}:${EWS_USERS[user]}@127.0.0.1:${ews.port}/EWS/Exchange.asmx`;
const png = (size: number) => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(size - 8)]);
const b64 = (b: Buffer) => b.toString('base64');

const withEws = <T>(user: string, fn: (s: EwsSession) => Promise<T>) => withEwsAt(ewsUrl(user), fn);

const readGraph = (user: string, kind: PimItem['kind']) => readPim(graphUrl(user), kind);

/** name → bytes (base64) of an item's attachments. */
const byName = (list: PimItem['attachments']) => Object.fromEntries((list ?? []).map((a) => [a.name, a.base64]));

describe('Microsoft 365 (Graph): contact photos, event and task attachments', () => {
  it('Exchange → Graph: the photo and every attachment arrive byte for byte, those of 3 MB or more by upload session; Graph reads them back', async () => {
    const photo = png(40_000);
    const agenda = randomBytes(20_000);
    const slides = randomBytes(Math.round(3.5 * MB));
    const notes = randomBytes(5_000);
    const scan = randomBytes(Math.round(3.2 * MB));
    const contact: ContactData = { kind: 'contact', sourceId: 's', folder: 'Contacts', categories: [], displayName: 'Photo Person', givenName: 'Photo', surname: 'Person', emails: [], phones: {}, addresses: {}, imAddresses: {}, photo: { name: 'ContactPicture.jpg', contentType: 'image/png', base64: b64(photo) } };
    const event: EventData = {
      kind: 'event', sourceId: 's', folder: 'Calendar', subject: 'Review with slides', categories: [], start: '2024-02-05T09:00:00.000Z', end: '2024-02-05T10:00:00.000Z', isAllDay: false,
      reminderSet: false, requiredAttendees: [], optionalAttendees: [], resources: [], isMeeting: false, modifiedOccurrences: [], deletedOccurrences: [],
      attachments: [{ name: 'agenda.pdf', contentType: 'application/pdf', base64: b64(agenda) }, { name: 'slides.pptx', contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', base64: b64(slides) }],
    };
    const task: TaskData = {
      kind: 'task', sourceId: 's', folder: 'Tasks', subject: 'Sign the scan', categories: [], status: 'NotStarted', percentComplete: 0, reminderSet: false, companies: [],
      attachments: [{ name: 'notes.txt', contentType: 'text/plain', base64: b64(notes) }, { name: 'scan.pdf', contentType: 'application/pdf', base64: b64(scan) }],
    };
    await withEws('alice@ex.test', async (s) => {
      const folders = await s.folders();
      const at = (name: string) => folders.find((f) => f.wellKnown === name)!;
      await s.createItem(at('contacts').id, contact, { stamp: 's' });
      await s.createItem(at('calendar').id, event, { stamp: 's' });
      await s.createItem(at('tasks').id, task, { stamp: 's' });
    });

    const done = await tern.waitFor((await migrate(tern.service, { from: ewsUrl('alice@ex.test'), to: graphUrl('ann@m365.test'), items: 'contacts,calendars,tasks' }, tern.actor)).id);
    expect(done.error).toBeUndefined();
    for (const s of done.steps) expect(s, s.kind).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    // Nothing of the photo or the attachments is reported as not carried.
    expect(done.folders.map((f) => f.note ?? '').join('\n')).not.toMatch(/photo|attachments/);

    const ann = graph.mailbox('ann@m365.test');
    const [c] = ann.entitiesIn('contacts', ann.defaultOf('contactFolders').id);
    expect(c.photo?.contentType).toBe('image/png');
    expect(c.photo?.bytes.equals(photo)).toBe(true);
    const [e] = ann.entitiesIn('events', ann.defaultOf('calendars').id);
    expect(Object.fromEntries((e.attachments ?? []).map((a) => [a.name, a.bytes.equals(a.name === 'agenda.pdf' ? agenda : slides)]))).toEqual({ 'agenda.pdf': true, 'slides.pptx': true });
    const [t] = ann.entitiesIn('todoTasks', ann.defaultOf('todoLists').id);
    expect(Object.fromEntries((t.attachments ?? []).map((a) => [a.name, a.bytes.equals(a.name === 'notes.txt' ? notes : scan)]))).toEqual({ 'notes.txt': true, 'scan.pdf': true });
    // The large ones went by upload session, in ranges under 4 MB; the small ones by one POST each.
    const calls = graph.calls.filter((x) => x.mailbox === 'ann@m365.test' || x.path.startsWith('/upload/'));
    expect(calls.filter((x) => x.path.endsWith('/attachments/createUploadSession')).map((x) => x.path.includes('/todo/') ? 'task' : 'event').sort()).toEqual(['event', 'task']);
    expect(calls.filter((x) => x.method === 'PUT' && x.path.startsWith('/upload/')).length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((x) => x.method === 'POST' && x.path.endsWith('/attachments')).length).toBe(2);

    // Graph as a source gives them back, bytes equal.
    const [readContact] = (await readGraph('ann@m365.test', 'contact')) as ContactData[];
    expect(readContact.photo).toMatchObject({ contentType: 'image/png', base64: b64(photo) });
    const [readEvent] = (await readGraph('ann@m365.test', 'event')) as EventData[];
    expect(byName(readEvent.attachments)).toEqual({ 'agenda.pdf': b64(agenda), 'slides.pptx': b64(slides) });
    const [readTask] = (await readGraph('ann@m365.test', 'task')) as TaskData[];
    expect(byName(readTask.attachments)).toEqual({ 'notes.txt': b64(notes), 'scan.pdf': b64(scan) });
  }, 120_000);

  it('Graph → Exchange: a photo and attachments put in by Microsoft\'s own client arrive in Exchange byte for byte; items without any cost no extra request', async () => {
    const user = 'zed@m365.test';
    const api = graphClient(graph, TOKENS[user]);
    const photo = png(12_000);
    const minutes = randomBytes(30_000);
    const receipt = randomBytes(8_000);
    const me = `/users/${encodeURIComponent(user)}`;
    const contact = await api.api(`${me}/contacts`).post({ displayName: 'Zoe Photo', givenName: 'Zoe', surname: 'Photo' });
    await api.api(`${me}/contacts/${contact.id}/photo/$value`).header('Content-Type', 'image/png').put(photo);
    await api.api(`${me}/contacts`).post({ displayName: 'No Photo' });
    const event = await api.api(`${me}/calendar/events`).post({ subject: 'Minutes', start: { dateTime: '2024-04-02T14:00:00', timeZone: 'UTC' }, end: { dateTime: '2024-04-02T15:00:00', timeZone: 'UTC' } });
    await api.api(`${me}/events/${event.id}/attachments`).post({ '@odata.type': '#microsoft.graph.fileAttachment', name: 'minutes.docx', contentType: 'application/msword', contentBytes: b64(minutes) });
    await api.api(`${me}/calendar/events`).post({ subject: 'Plain', start: { dateTime: '2024-04-03T14:00:00', timeZone: 'UTC' }, end: { dateTime: '2024-04-03T15:00:00', timeZone: 'UTC' } });
    const lists = await api.api(`${me}/todo/lists`).get();
    const list = (lists.value as Array<{ id: string; wellknownListName: string }>).find((l) => l.wellknownListName === 'defaultList')!;
    const todo = await api.api(`${me}/todo/lists/${list.id}/tasks`).post({ title: 'Expense it' });
    await api.api(`${me}/todo/lists/${list.id}/tasks/${todo.id}/attachments`).post({ '@odata.type': '#microsoft.graph.taskFileAttachment', name: 'receipt.jpg', contentType: 'image/jpeg', contentBytes: b64(receipt) });

    const before = graph.calls.length;
    const done = await tern.waitFor((await migrate(tern.service, { from: graphUrl(user), to: ewsUrl('bob@ex.test'), items: 'contacts,calendars,tasks' }, tern.actor)).id);
    expect(done.error).toBeUndefined();
    for (const s of done.steps) expect(s, s.kind).toMatchObject({ status: 'done', copied: s.total, failed: 0 });
    // One photo read, one attachment list per item that has attachments, one read of To Do's attachment: no more.
    const reads = graph.calls.slice(before).filter((x) => x.mailbox === user && (x.path.includes('/photo/') || x.path.includes('/attachments')));
    expect(reads.map((x) => `${x.method} ${decodeURIComponent(x.path).replace(/^\/v1\.0\/users\/[^/]+/, '').replace(/AA[\w=-]+/g, 'ID').replace(/\/lists\/ID\/tasks/, '/tasks')}`).sort()).toEqual([
      'GET /contacts/ID/photo/$value',
      'GET /events/ID/attachments',
      'GET /todo/tasks/ID/attachments',
      'GET /todo/tasks/ID/attachments/ID',
    ]);

    await withEws('bob@ex.test', async (s) => {
      const folders = await s.folders();
      const read = async (kind: PimItem['kind'], cls: string) => (await Promise.all(folders.filter((f) => f.folderClass === cls).map(async (f) => s.readItems(kind, f, await s.listItemIds(f.id))))).flat();
      const contacts = (await read('contact', 'IPF.Contact')) as ContactData[];
      expect(contacts.find((x) => x.displayName === 'Zoe Photo')?.photo?.base64).toBe(b64(photo));
      expect(contacts.find((x) => x.displayName === 'No Photo')?.photo).toBeUndefined();
      const events = (await read('event', 'IPF.Appointment')) as EventData[];
      expect(byName(events.find((x) => x.subject === 'Minutes')?.attachments)).toEqual({ 'minutes.docx': b64(minutes) });
      expect(events.find((x) => x.subject === 'Plain')?.attachments).toBeUndefined();
      const tasks = (await read('task', 'IPF.Task')) as TaskData[];
      expect(byName(tasks.find((x) => x.subject === 'Expense it')?.attachments)).toEqual({ 'receipt.jpg': b64(receipt) });
    });
  }, 120_000);
});
