// PST items in the neutral pim.ts shapes: the real fixtures of ../shared/fixtures/pst/ read by
// the reader thread, and MS-OXOCAL recurrence blobs built here field by field from the spec.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EventData, GroupData, TaskData } from '../src/ports/pim-items';
import { openPst, type PstAppointment, type PstContact, type PstItem, type PstTask } from '../src/connectors/pst/client';
import { parseAppointmentRecurrence, RecurrenceBlobError } from '../src/connectors/pst/recurrence-blob';
import { localToUtc, parseTimeZoneStruct, parseTzDefinition, windowsZoneId } from '../src/connectors/pst/timezone';
import { toPim } from '../src/connectors/pst/to-pim';
import { fileAttachmentsOf, MAX_ATTACHMENT_BYTES } from '../src/connectors/pst/items';
import { PSTFile, type PSTFolder, type PSTMessage } from 'pst-extractor';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (name: string) => path.resolve(projectRoot, '../shared/fixtures/pst', name);

async function itemsOf(file: string): Promise<PstItem[]> {
  const pst = await openPst(fixture(file), file);
  try {
    const out: PstItem[] = [];
    for (const kind of ['contact', 'distList', 'appointment', 'task'] as const) out.push(...(await pst.readItems((await pst.itemRefs(kind)).refs)));
    return out;
  } finally {
    await pst.close();
  }
}

// ---- MS-OXOCAL blob builder (2.2.1.44): little-endian, dates in local minutes since 1601 ----

/** Local wall-clock "YYYY-MM-DDTHH:MM" as minutes since 1601-01-01. */
const at = (local: string) => Date.parse(local.includes('T') ? `${local}:00Z` : `${local}T00:00:00Z`) / 60_000 + 194_074_560;

const u16 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

const F = { daily: 0x200a, weekly: 0x200b, monthly: 0x200c, yearly: 0x200d };
const P = { day: 0, week: 1, month: 2, monthNth: 3, monthEnd: 4, hjMonth: 0xa };
const END = { date: 0x2021, count: 0x2022, never: 0x2023 };

interface PatternSpec {
  frequency: number;
  patternType: number;
  calendarType?: number;
  period: number;
  sliding?: boolean;
  /** PatternTypeSpecific as 32-bit words: week mask; day of month; mask and N. */
  specific?: number[];
  endType: number;
  count?: number;
  firstDow?: number;
  deleted?: number[];
  modified?: number[];
  startDate: number;
  endDate?: number;
}

function patternBlob(p: PatternSpec): Buffer {
  return Buffer.concat([
    u16(0x3004),
    u16(0x3004),
    u16(p.frequency),
    u16(p.patternType),
    u16(p.calendarType ?? 0),
    u32(p.startDate % (p.period || 1)), // FirstDateTime: not read back
    u32(p.period),
    u32(p.sliding ? 1 : 0),
    ...(p.specific ?? []).map(u32),
    u32(p.endType),
    u32(p.count ?? 10),
    u32(p.firstDow ?? 0),
    u32(p.deleted?.length ?? 0),
    ...(p.deleted ?? []).map(u32),
    u32(p.modified?.length ?? 0),
    ...(p.modified ?? []).map(u32),
    u32(p.startDate),
    u32(p.endDate ?? 0x5ae980df),
  ]);
}

interface ExceptionSpec {
  start: number;
  end: number;
  originalStart: number;
  subject?: string;
  location?: string;
  busyStatus?: number;
  body?: boolean;
}

/** `infoOnly`: stop after the ExceptionInfo array, as some writers do (no ExtendedException). */
function appointmentBlob(p: PatternSpec, o: { startOffset: number; endOffset: number; exceptions?: ExceptionSpec[]; writer2?: number; infoOnly?: boolean }): Buffer {
  const writer2 = o.writer2 ?? 0x3009;
  const ex = o.exceptions ?? [];
  const flags = (e: ExceptionSpec) => (e.subject !== undefined ? 0x1 : 0) | (e.location !== undefined ? 0x10 : 0) | (e.busyStatus !== undefined ? 0x20 : 0) | (e.body ? 0x200 : 0);
  // The 8-bit copies are written with '?' for what Latin-1 lacks, as an ANSI writer would.
  const ansi = (s: string) => Buffer.concat([u16(s.length + 1), u16(s.length), Buffer.from(s.replace(/[^\x00-\xff]/g, '?'), 'latin1')]);
  const wide = (s: string) => Buffer.concat([u16(s.length), Buffer.from(s, 'utf16le')]);
  const info = ex.map((e) =>
    Buffer.concat([
      u32(e.start),
      u32(e.end),
      u32(e.originalStart),
      u16(flags(e)),
      e.subject !== undefined ? ansi(e.subject) : Buffer.alloc(0),
      e.location !== undefined ? ansi(e.location) : Buffer.alloc(0),
      e.busyStatus !== undefined ? u32(e.busyStatus) : Buffer.alloc(0),
    ]),
  );
  const extended = ex.map((e) =>
    Buffer.concat([
      writer2 >= 0x3009 ? Buffer.concat([u32(4), u32(0)]) : Buffer.alloc(0), // ChangeHighlight
      u32(0), // ReservedBlockEE1Size
      ...(e.subject !== undefined || e.location !== undefined
        ? [u32(e.start), u32(e.end), u32(e.originalStart), e.subject !== undefined ? wide(e.subject) : Buffer.alloc(0), e.location !== undefined ? wide(e.location) : Buffer.alloc(0), u32(0)]
        : []),
    ]),
  );
  const head = [patternBlob(p), u32(0x3006), u32(writer2), u32(o.startOffset), u32(o.endOffset), u16(ex.length), ...info];
  return Buffer.concat(o.infoOnly ? head : [...head, u32(0), ...extended, u32(0)]);
}

/** PidLidTimeZoneStruct: biases, then [month, dayOfWeek, week (5 = last), hour] for the two transitions. */
function tzStruct(bias: number, dstBias: number, standard: number[] = [0, 0, 0, 0], daylight: number[] = [0, 0, 0, 0]): Buffer {
  const st = ([month, dow, day, hour]: number[]) => Buffer.concat([u16(0), u16(month), u16(dow), u16(day), u16(hour), u16(0), u16(0), u16(0)]);
  const i32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  return Buffer.concat([i32(bias), i32(0), i32(dstBias), u16(0), st(standard), u16(0), st(daylight)]);
}

const W_EUROPE = tzStruct(-60, -60, [10, 0, 5, 3], [3, 0, 5, 2]);
const AUS_EASTERN = tzStruct(-600, -60, [4, 0, 1, 3], [10, 0, 1, 2]);
const US_EASTERN = tzStruct(300, -60, [11, 0, 1, 2], [3, 0, 2, 2]);

function appointment(over: Partial<PstAppointment> = {}): PstAppointment {
  return {
    kind: 'appointment',
    sourceId: '1',
    folder: 'Calendar',
    subject: 'Series',
    categories: [],
    start: '2024-01-01T08:00:00.000Z',
    end: '2024-01-01T09:00:00.000Z',
    allDay: false,
    busyStatus: 2,
    requiredAttendees: '',
    optionalAttendees: '',
    attendees: [],
    isRecurring: true,
    exceptions: [],
    reminderSet: false,
    isMeeting: false,
    timeZoneStruct: W_EUROPE.toString('base64'),
    ...over,
  };
}

/** The recurrence an appointment with this pattern gets (a W. Europe series at 09:00 local). */
function recurrenceFor(p: PatternSpec) {
  const blob = appointmentBlob(p, { startOffset: 540, endOffset: 600 });
  return (toPim(appointment({ recurrenceBlob: blob.toString('base64') })) as EventData).recurrence;
}

// ---- the real fixtures ----

describe('java-libpst-dist-list.pst in pim.ts shapes', () => {
  it('maps the contact, the list (its contact member tied to the contact) and the recurring appointment with its exceptions', async () => {
    const items = (await itemsOf('java-libpst-dist-list.pst')).map(toPim);
    const contact = items.find((i) => i.kind === 'contact')!;
    expect(contact).toEqual({
      kind: 'contact',
      sourceId: '2097252',
      folder: 'Contacts',
      subject: 'contact name 1',
      categories: [],
      importance: 'Normal',
      sensitivity: 'Normal',
      displayName: 'contact name 1',
      fileAs: '1, contact name',
      givenName: 'contact',
      middleName: 'name',
      surname: '1',
      initials: 'c.n.1.',
      emails: [{ key: 'EmailAddress1', address: 'contact1@rjohnson.id.au', name: 'contact name 1' }],
      phones: {},
      addresses: {},
      imAddresses: {},
    });

    // PidLidDistributionListMembers: the first member is a WrappedEntryId of the contact above
    // (type 0xC3, its PST EntryID ends in NID 0x00200064); the other two are one-off addresses.
    const group = items.find((i) => i.kind === 'group') as GroupData;
    expect(group).toMatchObject({ displayName: 'test dist list', folder: 'Contacts', sourceId: '2097188' });
    expect(group.members).toEqual([
      { name: 'contact name 1', address: 'contact1@rjohnson.id.au', routingType: 'SMTP', contactSourceId: contact.sourceId },
      { name: 'dist name 1', address: 'dist1@rjohnson.id.au', routingType: 'SMTP' },
      { name: 'dist name 2', address: 'dist2@rjohnson.id.au', routingType: 'SMTP' },
    ]);

    // What the file says (readpst: RRULE:FREQ=WEEKLY;BYDAY=TU, VALARM -PT15M; pffexport: "every
    // Tuesday from 8:00 AM to 8:30 AM", first effective 2016-08-02 07:00 UTC, last 4500, and two
    // exception attachments at 2016-08-23 16:00 and 2016-08-30 17:00 UTC replacing the 15:00 UTC
    // occurrences). The blob lists 2016-08-09, -23 and -30 as deleted, -23 and -30 as modified.
    const event = items.find((i) => i.kind === 'event') as EventData;
    expect(event).toEqual({
      kind: 'event',
      sourceId: '2097348',
      folder: 'Calendar',
      subject: 'Test appointment',
      body: { type: 'text', content: 'This is a complete test\r\n' },
      categories: [],
      importance: 'Normal',
      sensitivity: 'Normal',
      start: '2016-08-02T15:00:00.000Z',
      end: '2016-08-02T15:30:00.000Z',
      isAllDay: false,
      startTimeZone: 'Pacific Standard Time',
      endTimeZone: 'Pacific Standard Time',
      reminderSet: true,
      reminderMinutes: 15,
      busyStatus: 'Busy',
      // The sender is literally "Unknown" / "Unknown" in this file: no organizer rather than a bogus one.
      requiredAttendees: [],
      optionalAttendees: [],
      resources: [],
      isMeeting: false,
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Tuesday'], firstDayOfWeek: 'Sunday' },
        startDate: '2016-08-02',
        end: { type: 'noEnd' },
      },
      modifiedOccurrences: [
        { originalStart: '2016-08-23T15:00:00.000Z', start: '2016-08-23T16:00:00.000Z', end: '2016-08-23T16:30:00.000Z', body: { type: 'text', content: 'This is the appointment at 9\r\n' } },
        { originalStart: '2016-08-30T15:00:00.000Z', start: '2016-08-30T17:00:00.000Z', end: '2016-08-30T17:30:00.000Z', body: { type: 'text', content: 'This is the one at 10\r\n' } },
      ],
      deletedOccurrences: ['2016-08-09T15:00:00.000Z'],
    });
    expect(JSON.parse(JSON.stringify(items))).toEqual(items);
  });

  it('converts with the dated rules of the series zone: the 2006 US rules before 2007', async () => {
    const [event] = (await itemsOf('java-libpst-dist-list.pst')).filter((i): i is PstAppointment => i.kind === 'appointment');
    const def = parseTzDefinition(Buffer.from(event.timeZoneRecur!, 'base64'))!;
    expect(def.keyName).toBe('Pacific Standard Time');
    expect(def.rules.map((r) => r.fromYear)).toEqual([2006, 2007]);
    const local = (s: string) => Date.parse(`${s}Z`);
    // 20 March: standard time under the 2006 rules (April to October), daylight time from 2007 on.
    expect(new Date(localToUtc(def.rules, local('2006-03-20T09:00:00'))).toISOString()).toBe('2006-03-20T17:00:00.000Z');
    expect(new Date(localToUtc(def.rules, local('2007-03-20T09:00:00'))).toISOString()).toBe('2007-03-20T16:00:00.000Z');
  });
});

describe('aspose-outlook.pst in pim.ts shapes', () => {
  it('maps "Saqib Razzaq" and "Weekly meeting", which the file stores as a single appointment', async () => {
    const items = (await itemsOf('aspose-outlook.pst')).map(toPim);
    expect(items.map((i) => i.kind).sort()).toEqual(['contact', 'event']);
    expect(items.find((i) => i.kind === 'contact')).toEqual({
      kind: 'contact',
      sourceId: '2097796',
      folder: 'Contacts',
      subject: 'Saqib Razzaq',
      categories: [],
      importance: 'Normal',
      sensitivity: 'Normal',
      displayName: 'Saqib Razzaq',
      fileAs: 'Razzaq, Saqib',
      givenName: 'Saqib',
      surname: 'Razzaq',
      initials: 'S.R.',
      companyName: 'Aspose',
      jobTitle: 'Developer',
      emails: [{ key: 'EmailAddress1', address: 'saqib.razzaq@xp.local', name: 'Saqib Razzaq' }],
      phones: { BusinessPhone: '1110001234', HomePhone: '1112223333', MobilePhone: '3334443333' },
      addresses: {},
      imAddresses: {},
      businessHomePage: 'www.aspose.com',
    });
    // Despite its subject, the item is not recurring: readpst writes no RRULE, pffexport shows an
    // empty recurrence pattern with first and last effective times of the one occurrence, and the
    // item has no PidLidAppointmentRecur. Its zone is "(GMT+05:00) Tashkent", key West Asia.
    expect(items.find((i) => i.kind === 'event')).toEqual({
      kind: 'event',
      sourceId: '2097860',
      folder: 'Calendar',
      subject: 'Weekly meeting',
      body: { type: 'text', content: 'The usual weekly meeting\r\n' },
      categories: [],
      importance: 'Normal',
      sensitivity: 'Normal',
      start: '2011-06-22T05:30:00.000Z',
      end: '2011-06-22T06:00:00.000Z',
      isAllDay: false,
      location: 'Room 5',
      startTimeZone: 'West Asia Standard Time',
      endTimeZone: 'West Asia Standard Time',
      reminderSet: false,
      busyStatus: 'Busy',
      organizer: { name: 'Saqib Razzaq', address: 'saqib.razzaq@xp.local' },
      requiredAttendees: [],
      optionalAttendees: [],
      resources: [],
      isMeeting: false,
      modifiedOccurrences: [],
      deletedOccurrences: [],
    });
  });
});

// ---- crafted recurrence patterns ----

describe('recurrence patterns', () => {
  const start = at('2024-01-01');

  it('daily every 3 days, 10 times', () => {
    expect(recurrenceFor({ frequency: F.daily, patternType: P.day, period: 3 * 1440, endType: END.count, count: 10, startDate: start })).toEqual({
      pattern: { type: 'daily', interval: 3 },
      startDate: '2024-01-01',
      end: { type: 'numbered', count: 10 },
    });
  });

  it('every weekday (daily frequency, weekly Monday-Friday pattern), no end', () => {
    expect(recurrenceFor({ frequency: F.daily, patternType: P.week, period: 1, specific: [0x3e], endType: END.never, startDate: start })).toEqual({
      pattern: { type: 'weekly', interval: 1, daysOfWeek: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], firstDayOfWeek: 'Sunday' },
      startDate: '2024-01-01',
      end: { type: 'noEnd' },
    });
  });

  it('every 2 weeks on Monday, Wednesday and Friday, weeks starting Monday, until a date', () => {
    const p = { frequency: F.weekly, patternType: P.week, period: 2, specific: [0x2a], firstDow: 1, endType: END.date, startDate: start, endDate: at('2024-06-28') };
    expect(recurrenceFor(p)).toEqual({
      pattern: { type: 'weekly', interval: 2, daysOfWeek: ['Monday', 'Wednesday', 'Friday'], firstDayOfWeek: 'Monday' },
      startDate: '2024-01-01',
      end: { type: 'endDate', endDate: '2024-06-28' },
    });
  });

  it('monthly: day 15 every 3 months; second Tuesday; last weekday; last day of the month', () => {
    const monthly = (over: Partial<PatternSpec>) => recurrenceFor({ frequency: F.monthly, patternType: P.month, period: 1, endType: END.never, startDate: at('2024-01-15'), ...over })!.pattern;
    expect(monthly({ period: 3, specific: [15] })).toEqual({ type: 'absoluteMonthly', interval: 3, dayOfMonth: 15 });
    expect(monthly({ patternType: P.monthNth, specific: [0x04, 2] })).toEqual({ type: 'relativeMonthly', interval: 1, dayOfWeek: 'Tuesday', index: 'Second' });
    expect(monthly({ patternType: P.monthNth, specific: [0x3e, 5] })).toEqual({ type: 'relativeMonthly', interval: 1, dayOfWeek: 'Weekday', index: 'Last' });
    expect(monthly({ patternType: P.monthNth, specific: [0x41, 1] })).toEqual({ type: 'relativeMonthly', interval: 1, dayOfWeek: 'WeekendDay', index: 'First' });
    expect(monthly({ patternType: P.monthEnd, specific: [31] })).toEqual({ type: 'relativeMonthly', interval: 1, dayOfWeek: 'Day', index: 'Last' });
  });

  it('yearly: every 10 March; fourth Thursday of November; every 2 years as every 24 months', () => {
    const yearly = (over: Partial<PatternSpec>) => recurrenceFor({ frequency: F.yearly, patternType: P.month, period: 12, endType: END.count, count: 5, startDate: at('2024-03-10'), ...over })!;
    expect(yearly({ specific: [10] })).toEqual({ pattern: { type: 'absoluteYearly', month: 'March', dayOfMonth: 10 }, startDate: '2024-03-10', end: { type: 'numbered', count: 5 } });
    expect(yearly({ patternType: P.monthNth, specific: [0x10, 4], startDate: at('2024-11-28') }).pattern).toEqual({ type: 'relativeYearly', month: 'November', dayOfWeek: 'Thursday', index: 'Fourth' });
    expect(yearly({ period: 24, specific: [10] }).pattern).toEqual({ type: 'absoluteMonthly', interval: 24, dayOfMonth: 10 });
  });

  it('a Hijri series or a damaged blob: the event stays, as its first occurrence, and nothing throws', () => {
    const hijri = appointmentBlob({ frequency: F.monthly, patternType: P.hjMonth, period: 1, specific: [1], endType: END.never, startDate: start }, { startOffset: 540, endOffset: 600 });
    expect(() => parseAppointmentRecurrence(hijri, {})).toThrow(RecurrenceBlobError);
    for (const blob of [hijri, hijri.subarray(0, 30), Buffer.from('not a recurrence')]) {
      const event = toPim(appointment({ recurrenceBlob: blob.toString('base64') })) as EventData;
      expect(event).toMatchObject({ kind: 'event', start: '2024-01-01T08:00:00.000Z', modifiedOccurrences: [], deletedOccurrences: [] });
      expect(event.recurrence).toBeUndefined();
    }
  });
});

// ---- exceptions and time zones ----

describe('deleted and modified occurrences', () => {
  // Every Monday at 09:00-10:00 in Berlin from 1 January 2024: 08:00 UTC in winter, 07:00 UTC in summer.
  const series: PatternSpec = {
    frequency: F.weekly,
    patternType: P.week,
    period: 1,
    specific: [0x02],
    endType: END.never,
    startDate: at('2024-01-01'),
    deleted: [at('2024-01-15'), at('2024-01-22'), at('2024-07-01'), at('2024-07-08')],
    modified: [at('2024-01-22'), at('2024-07-09')],
  };
  const exceptions: ExceptionSpec[] = [
    { start: at('2024-01-22T11:00'), end: at('2024-01-22T12:30'), originalStart: at('2024-01-22T09:00'), subject: 'Réunion déplacée — salle 2', location: 'Salle 2', busyStatus: 1 },
    { start: at('2024-07-09T09:00'), end: at('2024-07-09T10:00'), originalStart: at('2024-07-08T09:00'), body: true },
  ];

  for (const writer2 of [0x3009, 0x3008]) {
    it(`are read in UTC through the zone's daylight rules (WriterVersion2 0x${writer2.toString(16)})`, () => {
      const blob = appointmentBlob(series, { startOffset: 540, endOffset: 600, exceptions, writer2 });
      const event = toPim(
        appointment({
          recurrenceBlob: blob.toString('base64'),
          timeZone: '(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna',
          exceptions: [
            // The exception messages (attachments): only the one flagged ARO_EXCEPTIONAL_BODY lends its body.
            { originalStart: '2024-01-22T08:00:00.000Z', start: '2024-01-22T10:00:00.000Z', body: 'not flagged, not taken' },
            { originalStart: '2024-07-08T07:00:00.000Z', start: '2024-07-09T07:00:00.000Z', bodyHtml: '<p>Moved to Tuesday</p>', body: 'Moved to Tuesday' },
          ],
        }),
      ) as EventData;
      expect(event.startTimeZone).toBe('W. Europe Standard Time');
      expect(event.deletedOccurrences).toEqual(['2024-01-15T08:00:00.000Z', '2024-07-01T07:00:00.000Z']);
      expect(event.modifiedOccurrences).toEqual([
        // The Unicode subject of the ExtendedException wins over the 8-bit copy ("?" for the dash).
        { originalStart: '2024-01-22T08:00:00.000Z', start: '2024-01-22T10:00:00.000Z', end: '2024-01-22T11:30:00.000Z', subject: 'Réunion déplacée — salle 2', location: 'Salle 2' },
        { originalStart: '2024-07-08T07:00:00.000Z', start: '2024-07-09T07:00:00.000Z', end: '2024-07-09T08:00:00.000Z', body: { type: 'html', content: '<p>Moved to Tuesday</p>' } },
      ]);
    });
  }

  it('fall back to the 8-bit subject when a writer stops after the ExceptionInfo array', () => {
    const infoOnly = appointmentBlob(series, { startOffset: 540, endOffset: 600, exceptions: exceptions.slice(0, 1), infoOnly: true });
    const rec = parseAppointmentRecurrence(infoOnly, { rules: [parseTimeZoneStruct(W_EUROPE)!] });
    expect(rec.modifiedOccurrences[0]).toMatchObject({ subject: 'Réunion déplacée ? salle 2', location: 'Salle 2', start: '2024-01-22T10:00:00.000Z' });
  });

  it('without any time zone data, take the offset the master start shows', () => {
    const blob = appointmentBlob(series, { startOffset: 540, endOffset: 600, exceptions });
    const rec = parseAppointmentRecurrence(blob, { masterStart: '2024-01-01T08:00:00.000Z' });
    expect(rec.deletedOccurrences).toEqual(['2024-01-15T08:00:00.000Z', '2024-07-01T08:00:00.000Z']);
  });
});

describe('time zones', () => {
  const local = (s: string) => Date.parse(`${s}:00Z`);
  const utc = (struct: Buffer, s: string) => new Date(localToUtc([parseTimeZoneStruct(struct)!], local(s))).toISOString();

  it('southern hemisphere daylight time spans the new year (Sydney)', () => {
    expect(utc(AUS_EASTERN, '2024-01-10T09:00')).toBe('2024-01-09T22:00:00.000Z');
    expect(utc(AUS_EASTERN, '2024-07-10T09:00')).toBe('2024-07-09T23:00:00.000Z');
    // First Sunday of October 2024 is the 6th: 02:00 standard becomes 03:00 daylight.
    expect(utc(AUS_EASTERN, '2024-10-06T01:59')).toBe('2024-10-05T15:59:00.000Z');
    expect(utc(AUS_EASTERN, '2024-10-06T03:00')).toBe('2024-10-05T16:00:00.000Z');
  });

  it('"last Sunday" and "second Sunday" transition rules (Berlin, New York)', () => {
    expect(utc(W_EUROPE, '2024-03-31T01:59')).toBe('2024-03-31T00:59:00.000Z');
    expect(utc(W_EUROPE, '2024-03-31T03:00')).toBe('2024-03-31T01:00:00.000Z');
    expect(utc(W_EUROPE, '2024-10-27T03:00')).toBe('2024-10-27T02:00:00.000Z');
    expect(utc(US_EASTERN, '2024-03-10T01:59')).toBe('2024-03-10T06:59:00.000Z');
    expect(utc(US_EASTERN, '2024-03-10T03:00')).toBe('2024-03-10T07:00:00.000Z');
    expect(utc(US_EASTERN, '2024-11-03T02:00')).toBe('2024-11-03T07:00:00.000Z');
  });

  it('Windows zone IDs: key name, else display name, else an unambiguous rule, else none', () => {
    expect(windowsZoneId({ keyName: 'Tokyo Standard Time', description: '(UTC-08:00) Pacific Time (US & Canada)' })).toBe('Tokyo Standard Time');
    expect(windowsZoneId({ description: '(GMT-08:00) Pacific Time (US & Canada); Tijuana' })).toBe('Pacific Standard Time');
    expect(windowsZoneId({ description: '(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi' })).toBe('India Standard Time');
    expect(windowsZoneId({ description: '(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London' })).toBe('GMT Standard Time');
    expect(windowsZoneId({ rule: parseTimeZoneStruct(US_EASTERN) })).toBe('Eastern Standard Time');
    expect(windowsZoneId({ rule: parseTimeZoneStruct(W_EUROPE) })).toBe('W. Europe Standard Time');
    expect(windowsZoneId({ rule: parseTimeZoneStruct(tzStruct(0, 0)) })).toBe('UTC');
    // Sydney's rules and a fixed UTC+8 fit several zones: left undefined.
    expect(windowsZoneId({ description: 'Somewhere', rule: parseTimeZoneStruct(AUS_EASTERN) })).toBeUndefined();
    expect(windowsZoneId({ rule: parseTimeZoneStruct(tzStruct(-480, 0)) })).toBeUndefined();
  });

  it('a non-recurring event takes its start and end zones from their own definitions', async () => {
    const [real] = (await itemsOf('java-libpst-dist-list.pst')).filter((i): i is PstAppointment => i.kind === 'appointment');
    const single = toPim({ ...real, isRecurring: false, recurrenceBlob: undefined, timeZoneRecur: undefined, timeZone: undefined, timeZoneStruct: undefined }) as EventData;
    expect(single).toMatchObject({ startTimeZone: 'Pacific Standard Time', endTimeZone: 'Pacific Standard Time', modifiedOccurrences: [], deletedOccurrences: [] });
    expect(single.recurrence).toBeUndefined();
  });
});

// ---- attendees, contacts, tasks (shapes as the reader gives them) ----

describe('attendees and organizer', () => {
  it('come from the recipient rows, by type, the organizer row apart; names without an address are dropped', () => {
    const event = toPim(
      appointment({
        isRecurring: false,
        isMeeting: true,
        organizer: { name: 'Unknown', address: 'Unknown' },
        requiredAttendees: 'Ann Lee; Bob',
        attendees: [
          { name: 'Olga Org', address: 'olga@example.com', addressType: 'SMTP', type: 1, organizer: true },
          { name: 'Ann Lee', address: 'ann@example.com', addressType: 'SMTP', type: 1, organizer: false },
          { name: 'Bob', address: '/o=Org/ou=Exchange/cn=Recipients/cn=bob', addressType: 'EX', type: 1, organizer: false },
          { name: 'Cy', address: 'cy@example.com', type: 2, organizer: false },
          { name: 'Room 5', address: 'room5@example.com', type: 3, organizer: false },
        ],
      }),
    ) as EventData;
    expect(event).toMatchObject({
      isMeeting: true,
      organizer: { name: 'Olga Org', address: 'olga@example.com' },
      requiredAttendees: [{ name: 'Ann Lee', address: 'ann@example.com' }],
      optionalAttendees: [{ name: 'Cy', address: 'cy@example.com' }],
      resources: [{ name: 'Room 5', address: 'room5@example.com' }],
    });
  });

  it('fall back to the attendee strings when the item has no recipient rows', () => {
    const event = toPim(appointment({ isRecurring: false, requiredAttendees: 'Ann Lee <ann@example.com>; Bob; cy@example.com', optionalAttendees: '"Dee" <dee@example.com>' })) as EventData;
    expect(event.requiredAttendees).toEqual([{ name: 'Ann Lee', address: 'ann@example.com' }, { address: 'cy@example.com' }]);
    expect(event.optionalAttendees).toEqual([{ name: 'Dee', address: 'dee@example.com' }]);
  });

  it('all-day, private, high importance, tentative, categories and an HTML body', () => {
    const event = toPim(
      appointment({ isRecurring: false, allDay: true, sensitivity: 2, importance: 2, busyStatus: 1, categories: ['Red', 'Travel'], body: 'text', bodyHtml: '<b>html</b>', reminderSet: true, reminderMinutes: 1080 }),
    ) as EventData;
    expect(event).toMatchObject({ isAllDay: true, sensitivity: 'Private', importance: 'High', busyStatus: 'Tentative', categories: ['Red', 'Travel'], body: { type: 'html', content: '<b>html</b>' }, reminderSet: true, reminderMinutes: 1080 });
  });
});

describe('contacts', () => {
  const contact = (over: Partial<PstContact>): PstContact => ({ kind: 'contact', sourceId: '7', folder: 'Contacts/Work', subject: 'Ann Lee', categories: [], displayName: 'Ann Lee', emails: [], phones: {}, addresses: {}, ...over });

  it('maps every field the PST shape has to its EWS name', () => {
    const c = toPim(
      contact({
        givenName: 'Ann',
        middleName: 'Q',
        surname: 'Lee',
        nickname: 'Annie',
        title: 'Dr.',
        generation: 'Jr.',
        initials: 'A.Q.L.',
        companyName: 'Acme',
        departmentName: 'R&D',
        jobTitle: 'Chemist',
        officeLocation: 'B-12',
        manager: 'Max',
        assistant: 'Sam',
        profession: 'Chemistry',
        spouseName: 'Lou',
        fileAs: 'Lee, Ann',
        homePage: 'https://ann.example.com',
        imAddress: 'ann@im.example.com',
        categories: ['VIP'],
        sensitivity: 1,
        bodyHtml: '<p>Met at the fair</p>',
        emails: [
          { address: 'ann@example.com', displayName: 'Ann Lee (ann@example.com)', type: 'SMTP', slot: 1 },
          { address: '/o=Acme/ou=Exchange/cn=Recipients/cn=ann', type: 'EX', slot: 3, originalDisplayName: 'ann.lee@acme.example' },
        ],
        phones: Object.fromEntries(
          ['business', 'business2', 'businessFax', 'home', 'home2', 'homeFax', 'mobile', 'other', 'otherFax', 'pager', 'car', 'assistant', 'companyMain', 'primary', 'callback', 'isdn', 'radio', 'telex', 'ttyTdd'].map((k, i) => [k, `+1 555 01${String(i).padStart(2, '0')}`]),
        ),
        addresses: {
          business: { street: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'USA', poBox: 'PO Box 9' },
          home: { street: '2 Elm St', city: 'Shelbyville' },
          other: { country: 'Canada' },
        },
        photo: { name: 'ContactPicture.jpg', contentType: 'image/jpeg', base64: '/9j/4AAQ' },
        // PidLidBirthdayLocal is the date itself; PidTagBirthday alone is the writer's local midnight in UTC.
        birthday: '1980-05-13T22:00:00.000Z',
        birthdayLocal: '1980-05-14T00:00:00.000Z',
        anniversary: '2005-09-10T04:00:00.000Z',
      }),
    );
    expect(c).toEqual({
      kind: 'contact',
      sourceId: '7',
      folder: 'Contacts/Work',
      subject: 'Ann Lee',
      body: { type: 'html', content: '<p>Met at the fair</p>' },
      categories: ['VIP'],
      sensitivity: 'Personal',
      displayName: 'Ann Lee',
      fileAs: 'Lee, Ann',
      givenName: 'Ann',
      middleName: 'Q',
      surname: 'Lee',
      nickname: 'Annie',
      initials: 'A.Q.L.',
      generation: 'Jr.',
      companyName: 'Acme',
      department: 'R&D',
      jobTitle: 'Chemist',
      officeLocation: 'B-12',
      manager: 'Max',
      assistantName: 'Sam',
      profession: 'Chemistry',
      spouseName: 'Lou',
      emails: [
        { key: 'EmailAddress1', address: 'ann@example.com', name: 'Ann Lee (ann@example.com)' },
        { key: 'EmailAddress3', address: 'ann.lee@acme.example' },
      ],
      phones: {
        BusinessPhone: '+1 555 0100',
        BusinessPhone2: '+1 555 0101',
        BusinessFax: '+1 555 0102',
        HomePhone: '+1 555 0103',
        HomePhone2: '+1 555 0104',
        HomeFax: '+1 555 0105',
        MobilePhone: '+1 555 0106',
        OtherTelephone: '+1 555 0107',
        OtherFax: '+1 555 0108',
        Pager: '+1 555 0109',
        CarPhone: '+1 555 0110',
        AssistantPhone: '+1 555 0111',
        CompanyMainPhone: '+1 555 0112',
        PrimaryPhone: '+1 555 0113',
        Callback: '+1 555 0114',
        Isdn: '+1 555 0115',
        RadioPhone: '+1 555 0116',
        Telex: '+1 555 0117',
        TtyTddPhone: '+1 555 0118',
      },
      addresses: {
        Business: { street: '1 Main St\nPO Box 9', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'USA' },
        Home: { street: '2 Elm St', city: 'Shelbyville' },
        Other: { country: 'Canada' },
      },
      imAddresses: { ImAddress1: 'ann@im.example.com' },
      birthday: '1980-05-14',
      anniversary: '2005-09-10',
      businessHomePage: 'https://ann.example.com',
      photo: { name: 'ContactPicture.jpg', contentType: 'image/jpeg', base64: '/9j/4AAQ' },
    });
  });

  it('a list member that is not a contact of the file keeps its one-off address only', () => {
    const g = toPim({
      kind: 'distList',
      sourceId: '9',
      folder: 'Contacts',
      subject: 'Team',
      categories: [],
      displayName: 'Team',
      members: [{ address: 'x@example.com' }],
      entries: [{ name: 'X', address: 'x@example.com', addressType: 'SMTP' }, { contactRef: '2097252' }, { name: 'Legacy', address: '/o=Org/cn=y', addressType: 'EX' }],
    }) as GroupData;
    expect(g.members).toEqual([{ name: 'X', address: 'x@example.com', routingType: 'SMTP' }, { contactSourceId: '2097252' }, { name: 'Legacy', address: '/o=Org/cn=y', routingType: 'EX' }]);
  });
});

describe('tasks', () => {
  const task = (over: Partial<PstTask>): PstTask => ({
    kind: 'task',
    sourceId: '11',
    folder: 'Tasks',
    subject: 'Report',
    categories: [],
    status: 0,
    percentComplete: 0,
    isRecurring: false,
    reminderSet: false,
    companies: [],
    ...over,
  });

  it('maps status, percent, dates, reminder, work, billing and a weekly recurrence', () => {
    const blob = patternBlob({ frequency: F.weekly, patternType: P.week, period: 2, specific: [0x04], endType: END.count, count: 5, startDate: at('2024-02-06') });
    const t = toPim(
      task({
        status: 1,
        percentComplete: 0.25,
        start: '2024-02-06T00:00:00.000Z',
        due: '2024-02-09T00:00:00.000Z',
        isRecurring: true,
        recurrenceBlob: blob.toString('base64'),
        reminderSet: true,
        reminderTime: '2024-02-09T07:00:00.000Z',
        owner: 'Ann Lee',
        estimatedEffort: 240,
        actualEffort: 60,
        mileage: '12 km',
        billing: 'ACME-42',
        companies: ['Acme', 'Globex'],
        importance: 2,
        body: 'Quarterly numbers',
      }),
    ) as TaskData;
    expect(t).toEqual({
      kind: 'task',
      sourceId: '11',
      folder: 'Tasks',
      subject: 'Report',
      body: { type: 'text', content: 'Quarterly numbers' },
      categories: [],
      importance: 'High',
      startDate: '2024-02-06',
      dueDate: '2024-02-09',
      status: 'InProgress',
      percentComplete: 25,
      recurrence: { pattern: { type: 'weekly', interval: 2, daysOfWeek: ['Tuesday'], firstDayOfWeek: 'Sunday' }, startDate: '2024-02-06', end: { type: 'numbered', count: 5 } },
      reminderSet: true,
      reminderDueBy: '2024-02-09T07:00:00.000Z',
      owner: 'Ann Lee',
      totalWorkMinutes: 240,
      actualWorkMinutes: 60,
      mileage: '12 km',
      billingInformation: 'ACME-42',
      companies: ['Acme', 'Globex'],
    });
  });

  it('regenerating tasks (SlidingFlag), the status names and "no date" (4501-01-01)', () => {
    const regen = (frequency: number, patternType: number, period: number, specific?: number[]) =>
      (toPim(task({ isRecurring: true, recurrenceBlob: patternBlob({ frequency, patternType, period, specific, sliding: true, endType: END.never, startDate: at('2024-02-06') }).toString('base64') })) as TaskData).recurrence?.pattern;
    expect(regen(F.daily, P.day, 3 * 1440)).toEqual({ type: 'regenerating', unit: 'daily', interval: 3 });
    expect(regen(F.weekly, P.week, 2, [0x04])).toEqual({ type: 'regenerating', unit: 'weekly', interval: 2 });
    expect(regen(F.monthly, P.month, 1, [6])).toEqual({ type: 'regenerating', unit: 'monthly', interval: 1 });
    expect(regen(F.yearly, P.month, 24, [6])).toEqual({ type: 'regenerating', unit: 'yearly', interval: 2 });
    expect([0, 1, 2, 3, 4].map((status) => (toPim(task({ status })) as TaskData).status)).toEqual(['NotStarted', 'InProgress', 'Completed', 'WaitingOnOthers', 'Deferred']);
    const done = toPim(task({ status: 2, percentComplete: 1, start: '4501-01-01T00:00:00.000Z', completedAt: '2024-03-01T00:00:00.000Z' })) as TaskData;
    expect(done).toMatchObject({ status: 'Completed', percentComplete: 100, completeDate: '2024-03-01' });
    expect(done.startDate).toBeUndefined();
  });
});

describe('file attachments', () => {
  // pffexport -m all (Debian pff-tools) of java-libpst-dist-list.pst exports the two attachments of
  // "Test appointment" as Attachments/Attachment00001/Appointment00001 and …00002/Appointment00001:
  // appointments (the exceptions of 2016-08-23 16:00 and 2016-08-30 17:00 UTC), no files. pst-extractor
  // agrees: attachMethod 5 (ATTACH_EMBEDDED_MSG) for both, no file names, no MIME type.
  it('"Test appointment": its 2 attachments are exception messages, so no file attachment is carried', async () => {
    const pst = new PSTFile(fixture('java-libpst-dist-list.pst'));
    try {
      const find = (folder: PSTFolder): PSTMessage | undefined => {
        for (const sub of folder.hasSubfolders ? folder.getSubFolders() : []) {
          const hit = find(sub);
          if (hit) return hit;
        }
        for (let m = folder.contentCount ? folder.getNextChild() : null; m; m = folder.getNextChild()) if (m.subject === 'Test appointment') return m as PSTMessage;
        return undefined;
      };
      const appt = find(pst.getRootFolder())!;
      expect(appt.numberOfAttachments).toBe(2);
      const atts = [0, 1].map((i) => appt.getAttachment(i));
      expect(atts.map((a) => [a.attachMethod, a.longFilename, a.filename, a.mimeTag])).toEqual([
        [5, '', '', ''],
        [5, '', '', ''],
      ]);
      expect(fileAttachmentsOf(appt)).toEqual([]);
    } finally {
      pst.close();
    }
    const [item] = (await itemsOf('java-libpst-dist-list.pst')).filter((i): i is PstAppointment => i.kind === 'appointment');
    expect(item.exceptions).toHaveLength(2);
    expect(item.attachments).toBeUndefined();
    expect(toPim(item)).not.toHaveProperty('attachments');
  });

  /** A pst-extractor attachment as fileAttachmentsOf reads it: getters, a block stream, raw properties. */
  function attachment(o: { method?: number; long?: string; short?: string; mime?: string; cid?: string; data?: Buffer; size?: number; photo?: boolean; hidden?: boolean }) {
    const data = o.data ?? Buffer.alloc(0);
    let at = 0;
    const props = new Map<number, boolean>([...(o.photo ? [[0x7fff, true] as const] : []), ...(o.hidden ? [[0x7ffe, true] as const] : [])]);
    return {
      attachMethod: o.method ?? 1,
      longFilename: o.long ?? '',
      filename: o.short ?? '',
      displayName: '',
      mimeTag: o.mime ?? '',
      contentId: o.cid ?? '',
      filesize: o.size ?? data.length + 300,
      pstTableItems: props,
      getBooleanItem: (tag: number) => props.get(tag) ?? false,
      get fileInputStream() {
        if (o.size !== undefined && o.size > data.length) throw new Error('an oversized attachment must not be read');
        at = 0;
        return { read: (block: Buffer) => { const n = data.copy(block, 0, at); at += n; return n; } };
      },
    };
  }
  const message = (atts: ReturnType<typeof attachment>[], bodyHTML = '') => ({ numberOfAttachments: atts.length, getAttachment: (i: number) => atts[i], bodyHTML }) as unknown as PSTMessage;

  it('reads files by value (multi-block content, name, type, inline Content-ID); skips embedded messages, the photo and oversized ones', () => {
    const pdf = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7) % 256));
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const got = fileAttachmentsOf(
      message(
        [
          attachment({ long: 'Agenda.pdf', short: 'AGENDA~1.PDF', mime: 'application/pdf', data: pdf }),
          attachment({ method: 5, long: 'Exception' }),
          attachment({ long: 'ContactPicture.jpg', mime: 'image/jpeg', data: png, photo: true }),
          attachment({ short: 'logo.png', mime: 'image/png', cid: '<logo@x>', data: png }),
          attachment({ long: 'note.txt', cid: 'unused@x', data: Buffer.from('hi') }),
          attachment({ long: 'huge.iso', size: MAX_ATTACHMENT_BYTES + 1_000_000, data: Buffer.from('x') }),
          attachment({ method: 2, long: 'link.url' }),
        ],
        '<img src="cid:logo@x">',
      ),
    );
    expect(got).toEqual([
      { name: 'Agenda.pdf', contentType: 'application/pdf', base64: pdf.toString('base64') },
      { name: 'logo.png', contentType: 'image/png', base64: png.toString('base64'), contentId: 'logo@x', isInline: true },
      { name: 'note.txt', base64: Buffer.from('hi').toString('base64'), contentId: 'unused@x' },
    ]);
    expect(Buffer.from(got[0].base64, 'base64').equals(pdf)).toBe(true);
  });

  it('pass into the pim.ts shape unchanged; none means no field', () => {
    const base = { sourceId: '7', folder: 'Tasks', subject: 'Doc', categories: [], status: 0, percentComplete: 0, isRecurring: false, reminderSet: false, companies: [] };
    const attachments = [{ name: 'a.pdf', contentType: 'application/pdf', base64: 'JVBERg==' }];
    expect((toPim({ kind: 'task', ...base, attachments }) as TaskData).attachments).toEqual(attachments);
    expect(toPim({ kind: 'task', ...base })).not.toHaveProperty('attachments');
    expect(toPim({ kind: 'task', ...base, attachments: [] })).not.toHaveProperty('attachments');
  });
});
