// Recurrence patterns of t:RecurrenceType (calendar items) as Exchange expands them: the dates of
// occurrences in the item's own time zone, in order, each with its 1-based InstanceIndex.
// Dates are day numbers (days since 1970-01-01) so stepping is plain arithmetic.
import { EwsError } from './soap';
import { childText, elements } from './xml';

export interface Pattern {
  kind: 'Daily' | 'Weekly' | 'AbsoluteMonthly' | 'RelativeMonthly' | 'AbsoluteYearly' | 'RelativeYearly';
  interval: number;
  /** Weekdays (0 = Sunday) the pattern lands on (Weekly, Relative*). */
  days: number[];
  /** Relative patterns: 1..4, or 5 for Last. */
  weekIndex: number;
  dayOfMonth: number;
  /** 1..12 */
  month: number;
  firstDayOfWeek: number;
}

export interface Range {
  start: number;
  end?: number;
  count?: number;
}

export interface Recurrence {
  pattern: Pattern;
  range: Range;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEK_INDEX: Record<string, number> = { First: 1, Second: 2, Third: 3, Fourth: 4, Last: 5 };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY_MS = 86_400_000;

export const dayNumber = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY_MS;
const ymd = (day: number) => {
  const d = new Date(day * DAY_MS);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), dow: d.getUTCDay() };
};
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** "2024-01-08", "2024-01-08Z", "2024-01-08+01:00" → day number. */
export function parseDate(s: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(s.trim());
  if (!m) throw new EwsError('ErrorCalendarInvalidRecurrence', `Invalid date "${s}" in recurrence range.`);
  return dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
}

function dayList(s: string | undefined): { days: number[] } {
  const out = new Set<number>();
  for (const w of (s ?? '').split(/\s+/).filter(Boolean)) {
    if (w === 'Day') [0, 1, 2, 3, 4, 5, 6].forEach((d) => out.add(d));
    else if (w === 'Weekday') [1, 2, 3, 4, 5].forEach((d) => out.add(d));
    else if (w === 'WeekendDay') [0, 6].forEach((d) => out.add(d));
    else if (DAY_NAMES.includes(w)) out.add(DAY_NAMES.indexOf(w));
  }
  return { days: [...out].sort() };
}

const PATTERNS = ['DailyRecurrence', 'WeeklyRecurrence', 'AbsoluteMonthlyRecurrence', 'RelativeMonthlyRecurrence', 'AbsoluteYearlyRecurrence', 'RelativeYearlyRecurrence'];

/** Parses t:Recurrence; undefined for task-only (regenerating) patterns, which are stored but not expanded. */
export function parseRecurrence(el: Element): Recurrence | undefined {
  const kids = elements(el);
  const p = kids.find((k) => PATTERNS.includes(k.localName!));
  if (!p) return undefined;
  const pattern: Pattern = {
    kind: p.localName!.replace(/Recurrence$/, '') as Pattern['kind'],
    interval: Math.max(1, Number(childText(p, 'Interval') ?? 1)),
    days: dayList(childText(p, 'DaysOfWeek')).days,
    weekIndex: WEEK_INDEX[childText(p, 'DayOfWeekIndex') ?? 'First'] ?? 1,
    dayOfMonth: Number(childText(p, 'DayOfMonth') ?? 1),
    month: MONTHS.indexOf(childText(p, 'Month') ?? 'January') + 1,
    firstDayOfWeek: Math.max(0, DAY_NAMES.indexOf(childText(p, 'FirstDayOfWeek') ?? 'Sunday')),
  };
  if (pattern.kind === 'Weekly' && !pattern.days.length) throw new EwsError('ErrorCalendarInvalidRecurrence', 'A weekly recurrence needs DaysOfWeek.');
  const r = kids.find((k) => /Recurrence$/.test(k.localName!) && k !== p);
  if (!r) throw new EwsError('ErrorCalendarInvalidRecurrence', 'The recurrence has no range.');
  const range: Range = { start: parseDate(childText(r, 'StartDate') ?? '') };
  if (r.localName === 'EndDateRecurrence') range.end = parseDate(childText(r, 'EndDate') ?? '');
  if (r.localName === 'NumberedRecurrence') range.count = Number(childText(r, 'NumberOfOccurrences') ?? 0);
  if (range.end !== undefined && range.end < range.start) throw new EwsError('ErrorCalendarInvalidRecurrence', 'The recurrence range ends before it starts.');
  return { pattern, range };
}

export function hasEnd(r: Recurrence): boolean {
  return r.range.end !== undefined || r.range.count !== undefined;
}

/** The n-th (5 = last) day of `days` in a month. */
function relativeDay(y: number, m: number, days: number[], index: number): number {
  const matches: number[] = [];
  for (let d = 1; d <= daysInMonth(y, m); d++) if (days.includes(ymd(dayNumber(y, m, d)).dow)) matches.push(dayNumber(y, m, d));
  return index === 5 ? matches[matches.length - 1] : matches[Math.min(index, matches.length) - 1];
}

/** Candidate days of the pattern from the range start, in order (unbounded). */
function* candidates(p: Pattern, start: number): Generator<number> {
  const s = ymd(start);
  switch (p.kind) {
    case 'Daily':
      for (let d = start; ; d += p.interval) yield d;
    case 'Weekly': {
      const weekStart = start - ((s.dow - p.firstDayOfWeek + 7) % 7);
      for (let w = weekStart; ; w += 7 * p.interval) for (let k = 0; k < 7; k++) if (p.days.includes((p.firstDayOfWeek + k) % 7)) yield w + k;
    }
    case 'AbsoluteMonthly':
    case 'RelativeMonthly':
      for (let i = 0; ; i += p.interval) {
        const y = s.y + Math.floor((s.m - 1 + i) / 12);
        const m = ((s.m - 1 + i) % 12) + 1;
        yield p.kind === 'AbsoluteMonthly' ? dayNumber(y, m, Math.min(p.dayOfMonth, daysInMonth(y, m))) : relativeDay(y, m, p.days, p.weekIndex);
      }
    case 'AbsoluteYearly':
    case 'RelativeYearly':
      for (let y = s.y; ; y += p.interval) {
        yield p.kind === 'AbsoluteYearly' ? dayNumber(y, p.month, Math.min(p.dayOfMonth, daysInMonth(y, p.month))) : relativeDay(y, p.month, p.days, p.weekIndex);
      }
  }
}

/** Occurrence days in order, index 1-based; stops at the range end, the count, or `untilDay`. */
export function* occurrenceDays(r: Recurrence, untilDay: number): Generator<{ index: number; day: number }> {
  let index = 0;
  for (const day of candidates(r.pattern, r.range.start)) {
    if (day < r.range.start) continue;
    if (day > untilDay || (r.range.end !== undefined && day > r.range.end)) return;
    if (r.range.count !== undefined && index >= r.range.count) return;
    yield { index: ++index, day };
  }
}
