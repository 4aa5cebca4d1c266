// The DAV connector against a real Radicale: discovery, reading every item kind into the neutral
// shapes, writing them back (native text kept between DAV servers, stamps, UIDs), ETag-guarded
// removal, and bad input (wrong password, a server that is not DAV, a broken vCard, a size limit).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connector } from '../src/connectors/dav/index';
import type { PimDestination, PimSource } from '../src/ports/pim';
import type { ContactData, EventData, GroupData, PimItem, PimKind, TaskData } from '../src/ports/pim-items';
import { TernError } from '../src/errors';
import { parseCalendarObject, parseVcard } from '../src/connectors/dav/parse';
import { startRadicale, type RadicaleServer } from './support/radicale';
import { PHOTO_BASE64, seedSamples } from './support/dav-samples';
import { selfSignedProxy } from './support/tls-proxy';

const open = { timeoutMs: 10_000 };
let radicale: RadicaleServer;

beforeAll(async () => {
  radicale = await startRadicale();
  await seedSamples(radicale, 'alice', { broken: true });
});

afterAll(async () => {
  await radicale?.stop();
});

async function readAll(source: PimSource, kind: PimKind): Promise<PimItem[]> {
  const out: PimItem[] = [];
  for (const folder of await source.folders(kind)) for await (const batch of source.read(kind, folder)) out.push(...batch);
  return out;
}

const byLabel = <T extends PimItem>(items: PimItem[], label: string) =>
  items.find((i) => (i.kind === 'contact' || i.kind === 'group' ? i.displayName : i.subject) === label) as T;

describe('DAV source (Radicale)', () => {
  let source: PimSource;
  beforeAll(async () => {
    source = await connector.pimSource!(radicale.account('alice'), open);
  });
  afterAll(async () => source?.close());

  it('finds the calendar and the address book by discovery, each as the default folder of its kinds', async () => {
    expect(await source.folders('event')).toEqual([{ path: 'Calendar', isDefault: true, count: 2 }]);
    expect(await source.folders('task')).toEqual([{ path: 'Calendar', isDefault: true, count: 1 }]);
    expect((await source.folders('contact')).map((f) => [f.path, f.isDefault])).toEqual([['Contacts', true]]);
  });

  it('reads a recurring event with its time zone, exception, deleted occurrence, alarm and attendees', async () => {
    const events = await readAll(source, 'event');
    const e = byLabel<EventData>(events, 'Team sync');
    expect(e).toMatchObject({
      start: '2024-03-04T08:00:00.000Z',
      end: '2024-03-04T09:00:00.000Z',
      isAllDay: false,
      startTimeZone: 'W. Europe Standard Time',
      location: 'Room 4',
      body: { type: 'text', content: 'Weekly status' },
      categories: ['Work', 'Team'],
      importance: 'High',
      reminderSet: true,
      reminderMinutes: 15,
      organizer: { name: 'Alice', address: 'alice@example.test' },
      requiredAttendees: [{ name: 'Bob', address: 'bob@example.test' }],
      optionalAttendees: [{ name: 'Carol', address: 'carol@example.test' }],
      resources: [{ name: 'Projector', address: 'projector@example.test' }],
      isMeeting: true,
      uid: 'weekly-1@test',
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Monday', 'Wednesday'] }, startDate: '2024-03-04', end: { type: 'numbered', count: 10 } },
      deletedOccurrences: ['2024-03-06T08:00:00.000Z'],
      modifiedOccurrences: [{ originalStart: '2024-03-11T08:00:00.000Z', start: '2024-03-11T13:00:00.000Z', end: '2024-03-11T14:00:00.000Z', subject: 'Team sync (moved)' }],
    });
    // What Exchange has no place for is named, for the report.
    expect(e.unmapped).toEqual(['X-APPLE-TRAVEL-ADVISORY-BEHAVIOR']);
    expect(e.native?.format).toBe('icalendar');
    expect(byLabel<EventData>(events, 'Labour Day')).toMatchObject({ start: '2024-05-01', end: '2024-05-02', isAllDay: true, busyStatus: 'Free' });
  });

  it('reads a VTODO as a task', async () => {
    const [task] = (await readAll(source, 'task')) as TaskData[];
    expect(task).toMatchObject({ subject: 'File the report', startDate: '2024-03-01', dueDate: '2024-03-15', status: 'InProgress', percentComplete: 40, importance: 'Low', body: { type: 'text', content: 'Quarterly' } });
  });

  it('reads vCard 3 and 4 contacts with their photos, and skips a broken vCard with the reason', async () => {
    const folder = (await source.folders('contact'))[0];
    const contacts: ContactData[] = [];
    for await (const batch of source.read('contact', folder)) contacts.push(...(batch as ContactData[]));
    const ann = byLabel<ContactData>(contacts, 'Ann Example');
    expect(ann).toMatchObject({
      givenName: 'Ann',
      middleName: 'Marie',
      surname: 'Example',
      generation: 'Jr.',
      companyName: 'Example Corp',
      department: 'Research',
      jobTitle: 'Chemist',
      emails: [{ key: 'EmailAddress1', address: 'ann@example.test' }, { key: 'EmailAddress2', address: 'ann.home@example.test' }],
      phones: { BusinessPhone: '+1 555 0100', MobilePhone: '+1 555 0101', BusinessFax: '+1 555 0102' },
      addresses: { Business: { street: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'USA' } },
      birthday: '1985-04-12',
      businessHomePage: 'https://example.test/ann',
      body: { type: 'text', content: 'Met at the conference' },
      categories: ['Friends'],
      photo: { contentType: 'image/jpeg', base64: PHOTO_BASE64 },
      unmapped: ['X-SOCIALPROFILE'],
    });
    expect(byLabel<ContactData>(contacts, 'Ben Sample')).toMatchObject({ photo: { contentType: 'image/png', base64: PHOTO_BASE64 } });
    expect(contacts.map((c) => c.displayName).sort()).toEqual(['Ann Example', 'Ben Sample']);
    expect(source.skipped!('contact', folder)).toEqual([expect.stringMatching(/^broken-1\.vcf: not a valid vCard: .+; skipped$/)]);
  });

  it('reads a vCard 4 photo given as a data: URI (which Radicale itself does not keep whole)', () => {
    const text = 'BEGIN:VCARD\r\nVERSION:4.0\r\nUID:x\r\nFN:Uri Photo\r\nPHOTO:data:image/png;base64,' + PHOTO_BASE64 + '\r\nEND:VCARD\r\n';
    const parsed = parseVcard(text, { sourceId: 'x', folder: 'Contacts' }, new Map());
    expect('item' in parsed && parsed.item).toMatchObject({ displayName: 'Uri Photo', photo: { contentType: 'image/png', base64: PHOTO_BASE64 } });
    expect(parseCalendarObject('BEGIN:VCALENDAR\r\nnot a calendar', { sourceId: 'y', folder: 'Calendar' })).toEqual({ error: expect.stringMatching(/^not valid iCalendar: /) });
  });

  it('reads groups of both kinds (KIND:group, X-ADDRESSBOOKSERVER-KIND), members pointing at their contacts', async () => {
    const groups = (await readAll(source, 'group')) as GroupData[];
    const ann = '/alice/contacts/ann-1.vcf';
    expect(byLabel<GroupData>(groups, 'Team').members).toEqual([
      { contactSourceId: ann, name: 'Ann Example', address: 'ann@example.test', routingType: 'SMTP' },
      { address: 'dave@example.test', routingType: 'SMTP' },
    ]);
    expect(byLabel<GroupData>(groups, 'Friends').members).toEqual([{ contactSourceId: ann, name: 'Ann Example', address: 'ann@example.test', routingType: 'SMTP' }]);
  });
});

describe('DAV destination (Radicale)', () => {
  let destination: PimDestination;
  beforeAll(async () => {
    destination = await connector.pimDestination!(radicale.account('bob'), open);
  });
  afterAll(async () => destination?.close());

  it('writes a DAV item as its own text with the same UID and Tern\'s stamp; the same UID again is "already present"', async () => {
    const source = await connector.pimSource!(radicale.account('alice'), open);
    const [weekly] = (await readAll(source, 'event')).filter((e) => e.uid === 'weekly-1@test');
    const folder = await destination.defaultFolder('event');
    const id = await destination.create(folder, weekly, { stamp: 'tern1:weekly' });
    expect(id).toMatch(/^\/bob\/calendar\/weekly-1%40test\.ics#".+"$/);
    const stored = (await radicale.files('bob/calendar')).get('weekly-1@test.ics')!;
    expect(stored).toContain('X-TERN-STAMP:tern1:weekly');
    for (const line of ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10', 'RECURRENCE-ID;TZID=Europe/Berlin:20240311T090000', 'X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC', 'TRIGGER:-PT15M']) expect(stored).toContain(line);
    const scanned = await destination.scan('event', folder);
    expect(scanned.map((s) => [s.id, s.stamp, s.uid])).toEqual([[id, 'tern1:weekly', 'weekly-1@test']]);
    await expect(destination.create(folder, weekly, { stamp: 'tern1:other' })).rejects.toMatchObject({ code: 'ITEM_PRESENT' });
  });

  it('writes neutral items (as from Exchange) as iCalendar and vCard that read back the same', async () => {
    const event: EventData = {
      kind: 'event', sourceId: 'ews-1', folder: 'Calendar', categories: ['Blue'], subject: 'Planning', start: '2024-07-01T07:30:00.000Z', end: '2024-07-01T08:30:00.000Z', isAllDay: false,
      startTimeZone: 'W. Europe Standard Time', endTimeZone: 'W. Europe Standard Time', reminderSet: true, reminderMinutes: 10, busyStatus: 'Tentative',
      requiredAttendees: [{ name: 'Zoe', address: 'zoe@example.test' }], optionalAttendees: [], resources: [], isMeeting: true,
      recurrence: { pattern: { type: 'relativeMonthly', interval: 1, dayOfWeek: 'Monday', index: 'First' }, startDate: '2024-07-01', end: { type: 'endDate', endDate: '2024-12-31' } },
      modifiedOccurrences: [{ originalStart: '2024-08-05T07:30:00.000Z', start: '2024-08-05T09:30:00.000Z', end: '2024-08-05T10:30:00.000Z', subject: 'Planning (late)' }],
      deletedOccurrences: ['2024-09-02T07:30:00.000Z'],
    };
    const task: TaskData = { kind: 'task', sourceId: 'ews-2', folder: 'Tasks', categories: [], subject: 'Renew passport', dueDate: '2024-09-30', status: 'NotStarted', percentComplete: 0, reminderSet: false, companies: [] };
    const contact: ContactData = {
      kind: 'contact', sourceId: 'ews-3', folder: 'Contacts', categories: [], displayName: 'Cy Neutral', givenName: 'Cy', surname: 'Neutral', emails: [{ key: 'EmailAddress1', address: 'cy@example.test' }],
      phones: { HomePhone: '+49 30 1234' }, addresses: { Home: { street: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'Germany' } }, imAddresses: {}, photo: { name: 'photo', contentType: 'image/jpeg', base64: PHOTO_BASE64 },
    };
    const eventFolder = await destination.defaultFolder('event');
    const taskFolder = await destination.defaultFolder('task');
    const book = await destination.defaultFolder('contact');
    await destination.create(eventFolder, event, { stamp: 'tern1:e' });
    await destination.create(taskFolder, task, { stamp: 'tern1:t' });
    const contactId = await destination.create(book, contact, { stamp: 'tern1:c' });
    const group: GroupData = { kind: 'group', sourceId: 'ews-4', folder: 'Contacts', categories: [], displayName: 'Neighbours', members: [{ contactSourceId: 'ews-3', name: 'Cy Neutral', address: 'cy@example.test' }, { address: 'eve@example.test', routingType: 'SMTP' }] };
    await destination.scan('contact', book);
    await destination.create(book, group, { stamp: 'tern1:g', contactIds: new Map([['ews-3', contactId]]) });

    const back = await connector.pimSource!(radicale.account('bob'), open);
    const planning = byLabel<EventData>(await readAll(back, 'event'), 'Planning');
    expect(planning).toMatchObject({
      start: event.start, end: event.end, startTimeZone: 'W. Europe Standard Time', reminderMinutes: 10, busyStatus: 'Tentative', categories: ['Blue'],
      recurrence: { pattern: event.recurrence!.pattern, startDate: '2024-07-01', end: { type: 'endDate', endDate: '2024-12-31' } },
      modifiedOccurrences: event.modifiedOccurrences, deletedOccurrences: event.deletedOccurrences, requiredAttendees: event.requiredAttendees,
    });
    expect(planning.unmapped).toBeUndefined();
    expect(byLabel<TaskData>(await readAll(back, 'task'), 'Renew passport')).toMatchObject({ dueDate: '2024-09-30', status: 'NotStarted' });
    const cy = byLabel<ContactData>(await readAll(back, 'contact'), 'Cy Neutral');
    expect(cy).toMatchObject({ phones: { HomePhone: '+49 30 1234' }, addresses: contact.addresses, photo: { contentType: 'image/jpeg', base64: PHOTO_BASE64 } });
    expect(byLabel<GroupData>(await readAll(back, 'group'), 'Neighbours').members).toEqual([
      { contactSourceId: cy.sourceId, name: 'Cy Neutral', address: 'cy@example.test', routingType: 'SMTP' },
      { address: 'eve@example.test', routingType: 'SMTP' },
    ]);
    await back.close();
  });

  it('remove deletes with If-Match: an item edited since is kept and named, one already gone is no error', async () => {
    const book = await destination.defaultFolder('contact');
    const mk = (n: string): ContactData => ({ kind: 'contact', sourceId: n, folder: 'Contacts', categories: [], displayName: n, emails: [], phones: {}, addresses: {}, imAddresses: {} });
    const untouched = await destination.create(book, mk('Untouched'), { stamp: 'tern1:u' });
    const edited = await destination.create(book, mk('Edited'), { stamp: 'tern1:x' });
    const path = edited.split('#')[0];
    const current = await radicale.request('bob', 'GET', path);
    expect((await radicale.request('bob', 'PUT', path, current.text.replace('FN:Edited', 'FN:Edited by hand'), { 'Content-Type': 'text/vcard' })).status).toBe(201);

    expect(await destination.remove([untouched, edited])).toEqual({ kept: [`${decodeURIComponent(path)}: edited since the migration, kept`] });
    expect((await radicale.request('bob', 'GET', untouched.split('#')[0])).status).toBe(404);
    expect((await radicale.request('bob', 'GET', path)).text).toContain('FN:Edited by hand');
    expect(await destination.remove([untouched])).toEqual({ kept: [] });
  });
});

describe('DAV bad input', () => {
  it('a wrong password is refused as such', async () => {
    const err = await connector.check(radicale.account('alice', 'wrong'), open).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TernError);
    expect(err).toMatchObject({ code: 'AUTH_FAILED', httpStatus: 401 });
    expect((err as TernError).userMessage).not.toContain('wrong');
  });

  it('a self-signed certificate is refused (TLS_FAILED, naming ?insecure=1) unless the account accepts it', async () => {
    const proxy = await selfSignedProxy(radicale.port);
    try {
      const overTls = { ...radicale.account('alice'), port: proxy.port, secure: true };
      const err = await connector.check({ ...overTls, insecure: false }, open).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'TLS_FAILED', userMessage: expect.stringContaining('?insecure=1') });
      await connector.check({ ...overTls, insecure: true }, open);
      const source = await connector.pimSource!({ ...overTls, insecure: true }, open);
      expect((await readAll(source, 'contact')).length).toBeGreaterThan(0);
      await source.close();
    } finally {
      await proxy.close();
    }
  });

  it('a web server that is not CalDAV/CardDAV is named so, with what to check', async () => {
    const web = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    try {
      const port = (web.address() as AddressInfo).port;
      const err = await connector.check({ ...radicale.account('alice'), port }, open).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'PROTOCOL_ERROR' });
      expect((err as TernError).userMessage).toMatch(/does not answer as a CalDAV\/CardDAV server at http:\/\/127\.0\.0\.1:\d+\/ .*Check the URL's path/);
    } finally {
      await new Promise((r) => web.close(r));
    }
  });

  it('an item over the server\'s size limit fails alone with the limit named; the next item is written', async () => {
    const small = await startRadicale({ maxContentLength: 4096 });
    try {
      const destination = await connector.pimDestination!(small.account('alice'), open);
      const book = await destination.defaultFolder('contact');
      const big: ContactData = { kind: 'contact', sourceId: 'big', folder: 'Contacts', categories: [], displayName: 'Big Photo', emails: [], phones: {}, addresses: {}, imAddresses: {}, photo: { name: 'p', contentType: 'image/jpeg', base64: Buffer.alloc(8000, 7).toString('base64') } };
      const err = await destination.create(book, big, { stamp: 'tern1:big' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ITEM_REFUSED', httpStatus: 413 });
      expect((err as TernError).userMessage).toMatch(/"Big Photo" is larger than 127\.0\.0\.1 takes \(\d+ KB; HTTP 413\)/);
      await destination.create(book, { ...big, sourceId: 'small', displayName: 'Small', photo: undefined }, { stamp: 'tern1:small' });
      expect([...(await small.files('alice/contacts')).values()].map((t) => /FN:(.*)/.exec(t)?.[1]?.trim())).toEqual(['Small']);
      await destination.close();
    } finally {
      await small.stop();
    }
  });
});
