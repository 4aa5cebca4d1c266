// Across kinds, through the tern CLI: a CalDAV/CardDAV account (Radicale) to an Exchange mailbox
// (the fake EWS, driven by the real client library) and back. iCalendar and vCard go through the
// neutral shapes; what Exchange has no place for is named per item in the report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { startRadicale, type RadicaleServer } from './support/radicale';
import { startRedis, type TestRedis } from './support/redis';
import { PHOTO_BASE64, seedSamples } from './support/dav-samples';
import { ternEnv } from './support/tern';
import { loadConnector } from '../src/connectors/registry';
import type { AccountCredentials } from '../src/ports/account';
import type { ContactData, EventData, GroupData, PimItem, PimKind, TaskData } from '../src/ports/pim-items';
import { lastJson, runTernBinary } from './support/tern-binary';

let fake: FakeEws;
let radicale: RadicaleServer;
let redis: TestRedis;

beforeAll(async () => {
  [fake, radicale, redis] = await Promise.all([startFakeEws({ users: { 'ann@x.test': 'ann-pw', 'ben@x.test': 'ben-pw' } }), startRadicale(), startRedis()]);
  await seedSamples(radicale, 'alice');
});

afterAll(async () => {
  await Promise.all([fake?.close(), radicale?.stop(), redis?.stop()]);
  expect(fake?.schemaErrors ?? []).toEqual([]);
  expect(fake?.internalErrors ?? []).toEqual([]);
});

const tern = runTernBinary;
const ews = (user: string, password: string): AccountCredentials => ({ protocol: 'ews', host: '127.0.0.1', port: fake.port, secure: false, insecure: false, path: '/EWS/Exchange.asmx', user, password });
const ewsUrl = (user: string) => `ews+http://${encodeURIComponent(user)}@127.0.0.1:${fake.port}/EWS/Exchange.asmx`;

/** Everything of a kind an account holds, read back through its connector. */
async function readBack(account: AccountCredentials, kind: PimKind): Promise<PimItem[]> {
  const source = await (await loadConnector(account.protocol)).pimSource!(account, { timeoutMs: 10_000 });
  try {
    const out: PimItem[] = [];
    for (const folder of await source.folders(kind)) for await (const batch of source.read(kind, folder)) out.push(...batch);
    return out;
  } finally {
    await source.close();
  }
}

const named = <T extends PimItem>(items: PimItem[], label: string) => items.find((i) => (i.kind === 'contact' || i.kind === 'group' ? i.displayName : i.subject) === label) as T;

describe('DAV and Exchange, both ways', () => {
  it('DAV to Exchange: events with zone, series and exceptions, tasks, contacts with photos, groups pointing at their contacts; unmapped fields reported per item', async () => {
    const env = { ...ternEnv(redis.url), TERN_TO_PASSWORD: 'ben-pw' };
    const run = await tern(['migrate', '--from', `dav+http://alice:alicepass@127.0.0.1:${radicale.port}/`, '--to', ewsUrl('ben@x.test'), '--items', 'contacts,contactGroups,calendars,tasks', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const task = lastJson(run.stdout);
    for (const s of task.steps) expect(s, s.kind).toMatchObject({ status: 'done', failed: 0, copied: s.total });
    // The report names each item that lost something, with what.
    const notes = JSON.stringify(task);
    expect(notes).toContain('Not carried: \\"Team sync\\": X-APPLE-TRAVEL-ADVISORY-BEHAVIOR');
    expect(notes).toContain('Not carried: \\"Ann Example\\": X-SOCIALPROFILE');

    const ben = ews('ben@x.test', 'ben-pw');
    const sync = named<EventData>(await readBack(ben, 'event'), 'Team sync');
    expect(sync).toMatchObject({
      start: '2024-03-04T08:00:00.000Z',
      end: '2024-03-04T09:00:00.000Z',
      startTimeZone: 'W. Europe Standard Time',
      reminderSet: true,
      reminderMinutes: 15,
      location: 'Room 4',
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Monday', 'Wednesday'] }, end: { type: 'numbered', count: 10 } },
      deletedOccurrences: ['2024-03-06T08:00:00.000Z'],
      modifiedOccurrences: [expect.objectContaining({ originalStart: '2024-03-11T08:00:00.000Z', start: '2024-03-11T13:00:00.000Z', subject: 'Team sync (moved)' })],
      requiredAttendees: [{ name: 'Bob', address: 'bob@example.test' }],
      optionalAttendees: [{ name: 'Carol', address: 'carol@example.test' }],
    });
    expect(named<EventData>(await readBack(ben, 'event'), 'Labour Day')).toMatchObject({ isAllDay: true, start: '2024-05-01', end: '2024-05-02' });
    expect(named<TaskData>(await readBack(ben, 'task'), 'File the report')).toMatchObject({ dueDate: '2024-03-15', status: 'InProgress', percentComplete: 40 });
    const contacts = await readBack(ben, 'contact');
    const ann = named<ContactData>(contacts, 'Ann Example');
    expect(ann).toMatchObject({ companyName: 'Example Corp', jobTitle: 'Chemist', phones: { MobilePhone: '+1 555 0101' }, birthday: '1985-04-12', photo: { base64: PHOTO_BASE64 } });
    const team = named<GroupData>(await readBack(ben, 'group'), 'Team');
    expect(team.members).toEqual(expect.arrayContaining([expect.objectContaining({ address: 'ann@example.test', contactSourceId: ann.sourceId }), expect.objectContaining({ address: 'dave@example.test' })]));
  });

  it('Exchange to DAV: the neutral shapes become iCalendar and vCard the DAV account reads back the same; fields they cannot hold are reported per item', async () => {
    const mailbox = fake.mailbox('ann@x.test');
    mailbox.addItem('Contacts', '<t:Contact><t:DisplayName>Zoe Client</t:DisplayName><t:GivenName>Zoe</t:GivenName><t:Initials>Z.C.</t:Initials><t:EmailAddresses><t:Entry Key="EmailAddress1">zoe@client.test</t:Entry></t:EmailAddresses><t:PhoneNumbers><t:Entry Key="MobilePhone">+33 6 12 34 56 78</t:Entry></t:PhoneNumbers><t:Surname>Client</t:Surname></t:Contact>');
    mailbox.addItem('Contacts', '<t:DistributionList><t:DisplayName>Clients</t:DisplayName><t:Members><t:Member><t:Mailbox><t:Name>Yan</t:Name><t:EmailAddress>yan@client.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>OneOff</t:MailboxType></t:Mailbox></t:Member></t:Members></t:DistributionList>');
    mailbox.addItem('Calendar', '<t:CalendarItem><t:Subject>Kick-off</t:Subject><t:Start>2024-03-04T09:00:00Z</t:Start><t:End>2024-03-04T10:00:00Z</t:End><t:Location>HQ</t:Location></t:CalendarItem>');
    mailbox.addItem('Tasks', '<t:Task><t:Subject>Pay the invoices</t:Subject><t:BillingInformation>Client A</t:BillingInformation><t:DueDate>2024-03-29T00:00:00Z</t:DueDate><t:Mileage>42 km</t:Mileage><t:PercentComplete>50</t:PercentComplete><t:Status>InProgress</t:Status></t:Task>');
    const env = { ...ternEnv(redis.url), TERN_FROM_PASSWORD: 'ann-pw', TERN_TO_PASSWORD: 'bobpass' };
    const run = await tern(['migrate', '--from', ewsUrl('ann@x.test'), '--to', `dav+http://bob@127.0.0.1:${radicale.port}/`, '--items', 'contacts,contactGroups,calendars,tasks', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const task = lastJson(run.stdout);
    for (const s of task.steps) expect(s, s.kind).toMatchObject({ status: 'done', total: 1, copied: 1, failed: 0 });
    // What vCard and iCalendar have no place for is named per item, as the other way round.
    const notes = JSON.stringify(task);
    expect(notes).toContain('Not carried: \\"Zoe Client\\": Initials');
    expect(notes).toContain('Not carried: \\"Pay the invoices\\": Mileage, BillingInformation');
    expect(notes).not.toContain('Not carried: \\"Kick-off\\"');

    const bob = radicale.account('bob');
    expect(named<EventData>(await readBack(bob, 'event'), 'Kick-off')).toMatchObject({ start: '2024-03-04T09:00:00.000Z', end: '2024-03-04T10:00:00.000Z', location: 'HQ' });
    expect(named<TaskData>(await readBack(bob, 'task'), 'Pay the invoices')).toMatchObject({ percentComplete: 50, status: 'InProgress' });
    expect(named<ContactData>(await readBack(bob, 'contact'), 'Zoe Client')).toMatchObject({ givenName: 'Zoe', surname: 'Client', emails: [{ address: 'zoe@client.test' }], phones: { MobilePhone: '+33 6 12 34 56 78' } });
    expect(named<GroupData>(await readBack(bob, 'group'), 'Clients').members).toEqual([{ address: 'yan@client.test', routingType: 'SMTP' }]);
    const files = [...(await radicale.files('bob/contacts')).values(), ...(await radicale.files('bob/calendar')).values()];
    expect(files).toHaveLength(4);
    for (const text of files) expect(text).toMatch(/X-TERN-STAMP:tern1:/);
  });
});
