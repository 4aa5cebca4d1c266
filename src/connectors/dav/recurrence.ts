import type { DayOfWeek, Month, Recurrence, RecurrencePattern, WeekIndex } from '../../ports/pim-items';

/**
 * RRULE (RFC 5545) ↔ the neutral recurrence patterns (Exchange's). What a pattern cannot say
 * (hourly rules, several month days, yearly every other year…) is reported, not guessed at.
 */

const CODES: Record<string, DayOfWeek> = { SU: 'Sunday', MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday' };
const CODE_OF = Object.fromEntries(Object.entries(CODES).map(([c, d]) => [d, c])) as Record<string, string>;
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR'];
const GROUPS: Partial<Record<DayOfWeek, string[]>> = { Day: ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'], Weekday: WEEKDAYS, WeekendDay: ['SA', 'SU'] };
const MONTHS: Month[] = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const INDEXES: Record<string, WeekIndex> = { '1': 'First', '2': 'Second', '3': 'Third', '4': 'Fourth', '-1': 'Last' };
const INDEX_OF = Object.fromEntries(Object.entries(INDEXES).map(([n, w]) => [w, n])) as Record<WeekIndex, string>;

export type RuleParts = Record<string, string>;

export function parseRule(rrule: string): RuleParts {
  return Object.fromEntries(rrule.split(';').filter(Boolean).map((kv) => {
    const [k, v = ''] = kv.split('=');
    return [k.toUpperCase(), v.toUpperCase()];
  }));
}

/** BYDAY=MO,WE,FR as one day (or day group) of the pattern, when it is one. */
function dayOrGroup(codes: string[]): DayOfWeek | undefined {
  if (codes.length === 1) return CODES[codes[0]];
  const sorted = [...codes].sort().join(',');
  return (Object.entries(GROUPS) as Array<[DayOfWeek, string[]]>).find(([, g]) => [...g].sort().join(',') === sorted)?.[0];
}

/** The relative form (2nd Tuesday, last weekday) of BYDAY and BYSETPOS, when it is one. */
function relative(parts: RuleParts): { dayOfWeek: DayOfWeek; index: WeekIndex } | undefined {
  const days = (parts.BYDAY ?? '').split(',').filter(Boolean);
  if (!days.length) return undefined;
  const nth = /^([+-]?\d+)([A-Z]{2})$/.exec(days[0]);
  if (days.length === 1 && nth && INDEXES[String(Number(nth[1]))]) return { dayOfWeek: CODES[nth[2]], index: INDEXES[String(Number(nth[1]))] };
  const pos = parts.BYSETPOS && INDEXES[String(Number(parts.BYSETPOS))];
  const day = dayOrGroup(days);
  return pos && day ? { dayOfWeek: day, index: pos } : undefined;
}

/**
 * The neutral recurrence of an RRULE starting on `startDate` ("YYYY-MM-DD", the first
 * occurrence's local date); `untilDate` is UNTIL as a local date. Undefined when it has no
 * neutral form (then `why` says what was left).
 */
export function fromRule(rrule: string, startDate: string, untilDate: string | undefined): { recurrence?: Recurrence; why?: string } {
  const parts = parseRule(rrule);
  const interval = Number(parts.INTERVAL ?? '1');
  const start = new Date(`${startDate}T00:00:00Z`);
  const known = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS', 'WKST']);
  const extra = Object.keys(parts).filter((k) => !known.has(k));
  if (extra.length) return { why: `RRULE (${extra.join(', ')})` };
  let pattern: RecurrencePattern | undefined;
  switch (parts.FREQ) {
    case 'DAILY':
      if (!parts.BYDAY && !parts.BYMONTHDAY && !parts.BYMONTH) pattern = { type: 'daily', interval };
      else if (interval === 1 && dayOrGroup((parts.BYDAY ?? '').split(',')) === 'Weekday') pattern = { type: 'weekly', interval: 1, daysOfWeek: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] };
      break;
    case 'WEEKLY': {
      const codes = parts.BYDAY ? parts.BYDAY.split(',') : [Object.keys(CODES)[start.getUTCDay()]];
      if (codes.every((c) => CODES[c]) && !parts.BYMONTHDAY && !parts.BYMONTH) {
        pattern = { type: 'weekly', interval, daysOfWeek: codes.map((c) => CODES[c]), ...(parts.WKST && CODES[parts.WKST] ? { firstDayOfWeek: CODES[parts.WKST] } : {}) };
      }
      break;
    }
    case 'MONTHLY': {
      const rel = relative(parts);
      if (rel && !parts.BYMONTHDAY) pattern = { type: 'relativeMonthly', interval, ...rel };
      else if (!parts.BYDAY && /^\d+$/.test(parts.BYMONTHDAY ?? String(start.getUTCDate()))) pattern = { type: 'absoluteMonthly', interval, dayOfMonth: Number(parts.BYMONTHDAY ?? start.getUTCDate()) };
      break;
    }
    case 'YEARLY': {
      if (interval !== 1) break;
      const month = MONTHS[Number(parts.BYMONTH ?? start.getUTCMonth() + 1) - 1];
      const rel = relative(parts);
      if (month && /^\d*$/.test(parts.BYMONTH ?? '')) {
        if (rel && !parts.BYMONTHDAY) pattern = { type: 'relativeYearly', month, ...rel };
        else if (!parts.BYDAY && /^\d+$/.test(parts.BYMONTHDAY ?? String(start.getUTCDate()))) pattern = { type: 'absoluteYearly', month, dayOfMonth: Number(parts.BYMONTHDAY ?? start.getUTCDate()) };
      }
      break;
    }
  }
  if (!pattern) return { why: `RRULE (${rrule})` };
  const end: Recurrence['end'] = parts.COUNT ? { type: 'numbered', count: Number(parts.COUNT) } : untilDate ? { type: 'endDate', endDate: untilDate } : { type: 'noEnd' };
  return { recurrence: { pattern, startDate, end } };
}

function byDay(day: DayOfWeek, index?: WeekIndex): string {
  const group = GROUPS[day];
  if (group) return `BYDAY=${group.join(',')}${index ? `;BYSETPOS=${INDEX_OF[index]}` : ''}`;
  return `BYDAY=${index ? INDEX_OF[index] : ''}${CODE_OF[day]}`;
}

/** The RRULE of a neutral recurrence, without its end (UNTIL needs the event's time zone: see `untilOf`). */
export function toRule(r: Recurrence): string | undefined {
  const p = r.pattern;
  const count = r.end.type === 'numbered' ? `;COUNT=${r.end.count}` : '';
  switch (p.type) {
    case 'daily':
      return `FREQ=DAILY;INTERVAL=${p.interval}${count}`;
    case 'weekly':
      return `FREQ=WEEKLY;INTERVAL=${p.interval};BYDAY=${p.daysOfWeek.flatMap((d) => GROUPS[d] ?? [CODE_OF[d]]).join(',')}${p.firstDayOfWeek && CODE_OF[p.firstDayOfWeek] ? `;WKST=${CODE_OF[p.firstDayOfWeek]}` : ''}${count}`;
    case 'absoluteMonthly':
      return `FREQ=MONTHLY;INTERVAL=${p.interval};BYMONTHDAY=${p.dayOfMonth}${count}`;
    case 'relativeMonthly':
      return `FREQ=MONTHLY;INTERVAL=${p.interval};${byDay(p.dayOfWeek, p.index)}${count}`;
    case 'absoluteYearly':
      return `FREQ=YEARLY;BYMONTH=${MONTHS.indexOf(p.month) + 1};BYMONTHDAY=${p.dayOfMonth}${count}`;
    case 'relativeYearly':
      return `FREQ=YEARLY;BYMONTH=${MONTHS.indexOf(p.month) + 1};${byDay(p.dayOfWeek, p.index)}${count}`;
    case 'regenerating':
      // "N days after the last one was completed" has no RRULE: the task keeps its dates only.
      return undefined;
  }
}
