import iconv from 'iconv-lite';
import type { DayOfWeek, ModifiedOccurrence, Month, Recurrence, RecurrencePattern, WeekIndex } from '../../ports/pim-items';
import { localToUtc, type TzRule } from './timezone';

/**
 * MS-OXOCAL recurrence blobs: the RecurrencePattern structure (2.2.1.44.1; alone in a task's
 * PidLidTaskRecurrence) and the AppointmentRecurrencePattern around it (2.2.1.44.5, in
 * PidLidAppointmentRecur) with its ExceptionInfo / ExtendedException records. Every date in
 * them is minutes since 1601-01-01 in the appointment's own time zone; the caller says how that
 * zone maps to UTC. Little-endian throughout. Pure: no pst-extractor here.
 */

export class RecurrenceBlobError extends Error {}

const FREQ_DAILY = 0x200a;
const FREQ_WEEKLY = 0x200b;
const FREQ_MONTHLY = 0x200c;
const FREQ_YEARLY = 0x200d;
const PT_DAY = 0x0;
const PT_WEEK = 0x1;
const PT_MONTH = 0x2;
const PT_MONTH_NTH = 0x3;
const PT_MONTH_END = 0x4;
const HIJRI_PATTERNS = new Set([0xa, 0xb, 0xc]);
/** Calendars whose months are not the Gregorian ones (Hijri, Hebrew, the lunar calendars). */
const LUNAR_CALENDARS = new Set([0x6, 0x8, 0xe, 0xf, 0x11, 0x12, 0x13, 0x14, 0x17]);
const END_BY_DATE = 0x2021;
const END_AFTER_N = 0x2022;
const NO_END = new Set([0x2023, 0xffffffff]);
/** EndDate of a series without end (4500-08-31 23:59). */
const NEVER = 0x5ae980df;

const ARO_SUBJECT = 0x0001;
const ARO_MEETINGTYPE = 0x0002;
const ARO_REMINDERDELTA = 0x0004;
const ARO_REMINDER = 0x0008;
const ARO_LOCATION = 0x0010;
const ARO_BUSYSTATUS = 0x0020;
const ARO_ATTACHMENT = 0x0040;
const ARO_SUBTYPE = 0x0080;
const ARO_APPTCOLOR = 0x0100;
const ARO_EXCEPTIONAL_BODY = 0x0200;

/** Minutes from 1601-01-01 to 1970-01-01. */
const EPOCH_1601_MINUTES = 194_074_560;
const DAY = 1440;

const DAYS: DayOfWeek[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEKS: WeekIndex[] = ['First', 'Second', 'Third', 'Fourth', 'Last'];
const MONTHS: Month[] = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Local minutes since 1601 as ms on a UTC-based clock (the local fields, not an instant). */
export const localMs = (minutes: number) => (minutes - EPOCH_1601_MINUTES) * 60_000;
const ymd = (minutes: number) => new Date(localMs(minutes)).toISOString().slice(0, 10);

class Cursor {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number) {
    if (this.pos + n > this.buf.length) throw new RecurrenceBlobError(`the recurrence data ends early (at byte ${this.pos} of ${this.buf.length})`);
  }
  u16() {
    this.need(2);
    return this.buf.readUInt16LE((this.pos += 2) - 2);
  }
  u32() {
    this.need(4);
    return this.buf.readUInt32LE((this.pos += 4) - 4);
  }
  bytes(n: number) {
    this.need(n);
    return this.buf.subarray(this.pos, (this.pos += n));
  }
  get left() {
    return this.buf.length - this.pos;
  }
}

/** The RecurrencePattern fields, as stored. */
export interface RecurrenceFields {
  frequency: number;
  patternType: number;
  calendarType: number;
  period: number;
  sliding: boolean;
  dayMask: number;
  dayOfMonth: number;
  nth: number;
  endType: number;
  occurrenceCount: number;
  firstDow: number;
  deletedDates: number[];
  modifiedDates: number[];
  startDate: number;
  endDate: number;
}

function readPattern(c: Cursor): RecurrenceFields {
  const reader = c.u16();
  const writer = c.u16();
  if (reader !== 0x3004 || writer !== 0x3004) throw new RecurrenceBlobError(`unknown recurrence format version 0x${reader.toString(16)}`);
  const frequency = c.u16();
  const patternType = c.u16();
  const calendarType = c.u16();
  c.u32(); // FirstDateTime: derivable from the start date, not needed to rebuild the pattern
  const period = c.u32();
  const sliding = c.u32() !== 0;
  let dayMask = 0;
  let dayOfMonth = 0;
  let nth = 0;
  if (patternType === PT_WEEK) dayMask = c.u32();
  else if (patternType === PT_MONTH_NTH || patternType === 0xb) [dayMask, nth] = [c.u32(), c.u32()];
  else if (patternType !== PT_DAY) dayOfMonth = c.u32();
  const endType = c.u32();
  const occurrenceCount = c.u32();
  const firstDow = c.u32();
  const deletedDates = Array.from({ length: count(c, c.u32()) }, () => c.u32());
  const modifiedDates = Array.from({ length: count(c, c.u32()) }, () => c.u32());
  const startDate = c.u32();
  const endDate = c.u32();
  return { frequency, patternType, calendarType, period, sliding, dayMask, dayOfMonth, nth, endType, occurrenceCount, firstDow, deletedDates, modifiedDates, startDate, endDate };
}

/** A count read from the blob, checked against what is left so a corrupt one cannot allocate gigabytes. */
function count(c: Cursor, n: number): number {
  if (n * 4 > c.left) throw new RecurrenceBlobError(`the recurrence data lists ${n} dates but holds fewer`);
  return n;
}

/** Only the RecurrencePattern (a task's PidLidTaskRecurrence, or the head of an appointment's blob). */
export function parseRecurrencePattern(buf: Buffer): RecurrenceFields {
  return readPattern(new Cursor(buf));
}

/** The pim.ts Recurrence a RecurrencePattern describes; throws for what Exchange cannot express. */
export function toRecurrence(p: RecurrenceFields): Recurrence {
  return { pattern: patternOf(p), startDate: ymd(p.startDate), end: endOf(p) };
}

function patternOf(p: RecurrenceFields): RecurrencePattern {
  if (HIJRI_PATTERNS.has(p.patternType) || LUNAR_CALENDARS.has(p.calendarType)) {
    throw new RecurrenceBlobError('it recurs by a lunar calendar (Hijri, Hebrew or Chinese), which Exchange recurrence patterns cannot express');
  }
  const period = Math.max(1, p.period);
  if (p.sliding) {
    // Tasks: "regenerate N units after each one is completed".
    const unit = ({ [FREQ_DAILY]: 'daily', [FREQ_WEEKLY]: 'weekly', [FREQ_MONTHLY]: 'monthly', [FREQ_YEARLY]: 'yearly' } as const)[p.frequency];
    if (!unit) throw new RecurrenceBlobError(`unknown recurrence frequency 0x${p.frequency.toString(16)}`);
    const interval = unit === 'daily' ? Math.round(period / DAY) : unit === 'yearly' ? Math.round(period / 12) : period;
    return { type: 'regenerating', unit, interval: Math.max(1, interval) };
  }
  switch (p.patternType) {
    case PT_DAY:
      return { type: 'daily', interval: Math.max(1, Math.round(period / DAY)) };
    case PT_WEEK: {
      // "Every weekday" is stored as daily frequency with a weekly pattern of Monday to Friday.
      const daysOfWeek = daysOf(p.dayMask);
      if (!daysOfWeek.length) throw new RecurrenceBlobError('its weekly pattern names no day');
      const interval = p.frequency === FREQ_DAILY ? 1 : period;
      return { type: 'weekly', interval, daysOfWeek, firstDayOfWeek: DAYS[p.firstDow] ?? 'Sunday' };
    }
    case PT_MONTH:
    case PT_MONTH_END:
    case PT_MONTH_NTH: {
      // Yearly series are monthly patterns with a period of 12 months; EWS yearly patterns have no
      // interval, so "every 2 years" is kept as "every 24 months", which recurs on the same days.
      const yearly = p.frequency === FREQ_YEARLY && period === 12;
      const month = MONTHS[new Date(localMs(p.startDate)).getUTCMonth()];
      if (p.patternType === PT_MONTH) {
        const dayOfMonth = Math.min(31, Math.max(1, p.dayOfMonth));
        return yearly ? { type: 'absoluteYearly', month, dayOfMonth } : { type: 'absoluteMonthly', interval: period, dayOfMonth };
      }
      // MonthEnd is "the last day of the month": the relative pattern (any day, last) says exactly that.
      const dayOfWeek = p.patternType === PT_MONTH_END ? 'Day' : relativeDay(p.dayMask);
      const index = p.patternType === PT_MONTH_END ? 'Last' : WEEKS[Math.min(5, Math.max(1, p.nth)) - 1];
      return yearly ? { type: 'relativeYearly', month, dayOfWeek, index } : { type: 'relativeMonthly', interval: period, dayOfWeek, index };
    }
    default:
      throw new RecurrenceBlobError(`unknown recurrence pattern type 0x${p.patternType.toString(16)}`);
  }
}

/** Day bits: 0x01 Sunday … 0x40 Saturday. */
function daysOf(mask: number): DayOfWeek[] {
  return DAYS.filter((_, i) => mask & (1 << i));
}

function relativeDay(mask: number): DayOfWeek {
  if ((mask & 0x7f) === 0x7f) return 'Day';
  if ((mask & 0x7f) === 0x3e) return 'Weekday';
  if ((mask & 0x7f) === 0x41) return 'WeekendDay';
  const days = daysOf(mask);
  if (days.length !== 1) throw new RecurrenceBlobError(`its "nth day" pattern names days Exchange cannot combine (mask 0x${mask.toString(16)})`);
  return days[0];
}

function endOf(p: RecurrenceFields): Recurrence['end'] {
  if (p.endType === END_AFTER_N) return { type: 'numbered', count: Math.max(1, p.occurrenceCount) };
  if (p.endType === END_BY_DATE && p.endDate !== NEVER) return { type: 'endDate', endDate: ymd(p.endDate) };
  if (p.endType === END_BY_DATE || NO_END.has(p.endType)) return { type: 'noEnd' };
  throw new RecurrenceBlobError(`unknown recurrence end type 0x${p.endType.toString(16)}`);
}

/** How the blob's local times become UTC: the zone's rules, else the offset the master start shows. */
export interface BlobZone {
  rules?: TzRule[];
  /** The series' first start (ISO, UTC), for a file without time zone rules. */
  masterStart?: string;
}

export interface AppointmentRecurrence {
  recurrence: Recurrence;
  deletedOccurrences: string[];
  /** `hasBody`: the occurrence has its own body, kept in its exception attachment (not in the blob). */
  modifiedOccurrences: Array<ModifiedOccurrence & { hasBody: boolean }>;
}

interface ExceptionInfo {
  start: number;
  end: number;
  originalStart: number;
  flags: number;
  subject?: string;
  location?: string;
}

/** PidLidAppointmentRecur, whole: pattern, deleted occurrences and modified ones, in UTC. */
export function parseAppointmentRecurrence(buf: Buffer, zone: BlobZone): AppointmentRecurrence {
  const c = new Cursor(buf);
  const p = readPattern(c);
  const recurrence = toRecurrence(p);
  c.u32(); // ReaderVersion2 (0x3006)
  const writer2 = c.u32();
  const startOffset = c.u32();
  c.u32(); // EndTimeOffset: the master's duration already says it
  const exceptions = Array.from({ length: c.u16() }, () => readExceptionInfo(c));
  readExtendedExceptions(c, exceptions, writer2);

  const toUtc = utcOf(zone, p.startDate + startOffset);
  const iso = (minutes: number) => new Date(toUtc(minutes)).toISOString();
  // DeletedInstanceDates lists the original dates of deleted *and* modified occurrences.
  const modifiedDays = new Set(exceptions.map((e) => Math.floor(e.originalStart / DAY) * DAY));
  const deletedOccurrences = p.deletedDates.filter((d) => !modifiedDays.has(d)).map((d) => iso(d + startOffset));
  const modifiedOccurrences = exceptions.map((e) => ({
    originalStart: iso(e.originalStart),
    start: iso(e.start),
    end: iso(e.end),
    ...(e.subject !== undefined ? { subject: e.subject } : {}),
    ...(e.location !== undefined ? { location: e.location } : {}),
    hasBody: (e.flags & ARO_EXCEPTIONAL_BODY) !== 0,
  }));
  return { recurrence, deletedOccurrences, modifiedOccurrences };
}

function utcOf(zone: BlobZone, firstStartLocal: number): (minutes: number) => number {
  if (zone.rules?.length) return (m) => localToUtc(zone.rules!, localMs(m));
  const master = zone.masterStart ? Date.parse(zone.masterStart) : NaN;
  const offset = Number.isNaN(master) ? 0 : master - localMs(firstStartLocal);
  return (m) => localMs(m) + offset;
}

function readExceptionInfo(c: Cursor): ExceptionInfo {
  const e: ExceptionInfo = { start: c.u32(), end: c.u32(), originalStart: c.u32(), flags: c.u16() };
  const ansi = () => {
    c.u16(); // SubjectLength / LocationLength: the next length plus one
    return iconv.decode(c.bytes(c.u16()), 'win1252');
  };
  if (e.flags & ARO_SUBJECT) e.subject = ansi();
  if (e.flags & ARO_MEETINGTYPE) c.u32();
  if (e.flags & ARO_REMINDERDELTA) c.u32();
  if (e.flags & ARO_REMINDER) c.u32();
  if (e.flags & ARO_LOCATION) e.location = ansi();
  if (e.flags & ARO_BUSYSTATUS) c.u32();
  if (e.flags & ARO_ATTACHMENT) c.u32();
  if (e.flags & ARO_SUBTYPE) c.u32();
  if (e.flags & ARO_APPTCOLOR) c.u32();
  return e;
}

/** The Unicode subject and location of each exception (the ExceptionInfo ones are 8-bit, code page unknown). */
function readExtendedExceptions(c: Cursor, exceptions: ExceptionInfo[], writer2: number): void {
  if (c.left < 4) return; // some writers stop after the ExceptionInfo array
  c.bytes(c.u32()); // ReservedBlock1
  for (const e of exceptions) {
    if (c.left < 4) return;
    if (writer2 >= 0x3009) c.bytes(c.u32()); // ChangeHighlight
    c.bytes(c.u32()); // ReservedBlockEE1
    if (!(e.flags & (ARO_SUBJECT | ARO_LOCATION))) continue;
    c.bytes(12); // start, end and original start again
    const wide = () => c.bytes(c.u16() * 2).toString('utf16le');
    if (e.flags & ARO_SUBJECT) e.subject = wide();
    if (e.flags & ARO_LOCATION) e.location = wide();
    c.bytes(c.u32()); // ReservedBlockEE2
  }
}
