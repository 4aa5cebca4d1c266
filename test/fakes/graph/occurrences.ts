// Recurring events as Exchange keeps them: a series master with a pattern, whose occurrences are
// computed (not stored), exceptions kept as their own events (seriesMasterId, originalStart) and
// cancelled occurrences as dates. The dates are worked out here independently of the connector:
// day by day, in the wall clock of the series' time zone (Intl and windows-iana give the offsets).
import { findIana } from 'windows-iana';
import type { FakeGraphEntity, FakeGraphMailbox } from './store';

interface Pattern {
  type: string;
  interval?: number;
  daysOfWeek?: string[];
  dayOfMonth?: number;
  month?: number;
  index?: string;
}
interface Range {
  type: string;
  startDate: string;
  endDate?: string;
  numberOfOccurrences?: number;
}
type Wall = { dateTime: string; timeZone: string };

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const INDEX = ['first', 'second', 'third', 'fourth'];
const DAY = 86_400_000;

function zoneOf(name: string): string {
  if (/^utc$/i.test(name)) return 'UTC';
  return findIana(name as never)?.[0] ?? name;
}

/** The UTC instant of a wall-clock time in a zone. */
export function utcOf(wall: string, zone: string): string {
  const iana = zoneOf(zone);
  const asUtc = Date.parse(`${wall.slice(0, 19)}Z`);
  const offset = (ms: number) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: iana, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms;
  };
  return new Date(asUtc - offset(asUtc - offset(asUtc))).toISOString().replace(/\.\d+Z$/, 'Z');
}

function matches(p: Pattern, start: Date, d: Date): boolean {
  const interval = p.interval || 1;
  const days = Math.round((d.getTime() - start.getTime()) / DAY);
  const months = (d.getUTCFullYear() - start.getUTCFullYear()) * 12 + d.getUTCMonth() - start.getUTCMonth();
  const weekday = DAYS[d.getUTCDay()];
  const nth = () => {
    const i = p.index ?? 'first';
    if (i === 'last') return d.getUTCDate() + 7 > new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    return Math.ceil(d.getUTCDate() / 7) === INDEX.indexOf(i) + 1;
  };
  switch (p.type) {
    case 'daily':
      return days % interval === 0;
    case 'weekly':
      return (p.daysOfWeek ?? []).includes(weekday) && Math.floor((days + start.getUTCDay()) / 7) % interval === 0;
    case 'absoluteMonthly':
      return d.getUTCDate() === p.dayOfMonth && months % interval === 0;
    case 'relativeMonthly':
      return (p.daysOfWeek ?? []).includes(weekday) && nth() && months % interval === 0;
    case 'absoluteYearly':
      return d.getUTCMonth() + 1 === p.month && d.getUTCDate() === p.dayOfMonth;
    case 'relativeYearly':
      return d.getUTCMonth() + 1 === p.month && (p.daysOfWeek ?? []).includes(weekday) && nth();
    default:
      return false;
  }
}

/** The dates ("YYYY-MM-DD") of a series' occurrences, in its own calendar, up to `until`. */
export function occurrenceDates(master: FakeGraphEntity, until: string): string[] {
  const rec = master.json.recurrence as { pattern: Pattern; range: Range } | undefined;
  if (!rec) return [];
  const start = new Date(`${rec.range.startDate}T00:00:00Z`);
  const last = rec.range.type === 'endDate' && rec.range.endDate ? rec.range.endDate : until.slice(0, 10);
  const out: string[] = [];
  for (let d = start; d.toISOString().slice(0, 10) <= last && out.length < 2000; d = new Date(d.getTime() + DAY)) {
    if (rec.range.type === 'numbered' && out.length >= (rec.range.numberOfOccurrences ?? 0)) break;
    if (matches(rec.pattern, start, d)) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

export const occurrenceId = (masterId: string, date: string) => `${masterId}_OCC${date.replace(/-/g, '')}`;

export function parseOccurrenceId(id: string): { masterId: string; date: string } | undefined {
  const m = /^(.*)_OCC(\d{4})(\d{2})(\d{2})$/.exec(id);
  return m ? { masterId: m[1], date: `${m[2]}-${m[3]}-${m[4]}` } : undefined;
}

/** An occurrence as Graph answers it: the master's fields on that day. */
export function occurrenceOf(box: FakeGraphMailbox, master: FakeGraphEntity, date: string): Record<string, unknown> {
  const exception = box.entities.get(occurrenceId(master.id, date));
  const start = master.json.start as Wall;
  const end = master.json.end as Wall;
  const shift = (w: Wall) => ({ dateTime: `${date}${w.dateTime.slice(10)}`, timeZone: w.timeZone });
  const lengthDays = Math.round((Date.parse(`${end.dateTime.slice(0, 10)}T00:00:00Z`) - Date.parse(`${start.dateTime.slice(0, 10)}T00:00:00Z`)) / DAY);
  const endDate = new Date(Date.parse(`${date}T00:00:00Z`) + lengthDays * DAY).toISOString().slice(0, 10);
  const { recurrence: _r, singleValueExtendedProperties: _s, ...fields } = master.json;
  return {
    ...fields,
    id: occurrenceId(master.id, date),
    start: shift(start),
    end: { dateTime: `${endDate}${end.dateTime.slice(10)}`, timeZone: end.timeZone },
    ...(exception?.json ?? {}),
    type: exception ? 'exception' : 'occurrence',
    seriesMasterId: master.id,
    originalStart: utcOf(`${date}${start.dateTime.slice(10)}`, start.timeZone),
  };
}
