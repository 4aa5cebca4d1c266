import type { DayOfWeek, Month, Recurrence } from '../../ports/pim-items';

/**
 * Recurrence between the neutral shape (EWS's names) and Graph's patternedRecurrence: the same
 * pattern types; Graph spells days in lower case and months as numbers. Regenerating task
 * patterns ("two weeks after the last one is done") have no Graph form.
 */
const MONTHS: Month[] = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS: DayOfWeek[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface GraphRecurrence {
  pattern: { type: string; interval: number; daysOfWeek?: string[]; firstDayOfWeek?: string; dayOfMonth?: number; month?: number; index?: string };
  range: { type: string; startDate: string; endDate?: string; numberOfOccurrences?: number; recurrenceTimeZone?: string };
}

const day = (d: DayOfWeek) => d.toLowerCase();
/** Graph has no "day", "weekday" or "weekend day" members: they are their days. */
function days(d: DayOfWeek): string[] {
  if (d === 'Day') return DAYS.map(day);
  if (d === 'Weekday') return DAYS.slice(1, 6).map(day);
  if (d === 'WeekendDay') return ['saturday', 'sunday'];
  return [day(d)];
}
const fromDay = (d: string) => DAYS.find((x) => x.toLowerCase() === d.toLowerCase()) ?? 'Sunday';
const fromDays = (list: string[]): DayOfWeek[] => {
  const set = new Set(list.map((d) => d.toLowerCase()));
  if (set.size === 7) return ['Day'];
  if (set.size === 5 && ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].every((d) => set.has(d))) return ['Weekday'];
  if (set.size === 2 && set.has('saturday') && set.has('sunday')) return ['WeekendDay'];
  return list.map(fromDay);
};
const index = (i: string) => i.toLowerCase();
const fromIndex = (i: string | undefined) => (((i ?? 'first').charAt(0).toUpperCase() + (i ?? 'first').slice(1)) as 'First');

/** Graph's form, or undefined for a pattern Graph cannot hold (regenerating tasks). */
export function toGraphRecurrence(r: Recurrence, zone?: string): GraphRecurrence | undefined {
  const p = r.pattern;
  let pattern: GraphRecurrence['pattern'];
  switch (p.type) {
    case 'daily':
      pattern = { type: 'daily', interval: p.interval };
      break;
    case 'weekly':
      pattern = { type: 'weekly', interval: p.interval, daysOfWeek: p.daysOfWeek.flatMap(days), firstDayOfWeek: day(p.firstDayOfWeek ?? 'Sunday') };
      break;
    case 'absoluteMonthly':
      pattern = { type: 'absoluteMonthly', interval: p.interval, dayOfMonth: p.dayOfMonth };
      break;
    case 'relativeMonthly':
      pattern = { type: 'relativeMonthly', interval: p.interval, daysOfWeek: days(p.dayOfWeek), index: index(p.index) };
      break;
    case 'absoluteYearly':
      pattern = { type: 'absoluteYearly', interval: 1, month: MONTHS.indexOf(p.month) + 1, dayOfMonth: p.dayOfMonth };
      break;
    case 'relativeYearly':
      pattern = { type: 'relativeYearly', interval: 1, month: MONTHS.indexOf(p.month) + 1, daysOfWeek: days(p.dayOfWeek), index: index(p.index) };
      break;
    case 'regenerating':
      return undefined;
  }
  const range: GraphRecurrence['range'] = { type: r.end.type, startDate: r.startDate.slice(0, 10), ...(zone ? { recurrenceTimeZone: zone } : {}) };
  if (r.end.type === 'endDate') range.endDate = r.end.endDate.slice(0, 10);
  if (r.end.type === 'numbered') range.numberOfOccurrences = r.end.count;
  return { pattern, range };
}

export function fromGraphRecurrence(g: GraphRecurrence | null | undefined): Recurrence | undefined {
  if (!g?.pattern || !g.range) return undefined;
  const p = g.pattern;
  const interval = p.interval || 1;
  const month = MONTHS[(p.month ?? 1) - 1];
  let pattern: Recurrence['pattern'];
  switch (p.type) {
    case 'daily':
      pattern = { type: 'daily', interval };
      break;
    case 'weekly':
      pattern = { type: 'weekly', interval, daysOfWeek: fromDays(p.daysOfWeek ?? []), ...(p.firstDayOfWeek ? { firstDayOfWeek: fromDay(p.firstDayOfWeek) } : {}) };
      break;
    case 'absoluteMonthly':
      pattern = { type: 'absoluteMonthly', interval, dayOfMonth: p.dayOfMonth ?? 1 };
      break;
    case 'relativeMonthly':
      pattern = { type: 'relativeMonthly', interval, dayOfWeek: fromDays(p.daysOfWeek ?? [])[0] ?? 'Sunday', index: fromIndex(p.index) };
      break;
    case 'absoluteYearly':
      pattern = { type: 'absoluteYearly', month, dayOfMonth: p.dayOfMonth ?? 1 };
      break;
    case 'relativeYearly':
      pattern = { type: 'relativeYearly', month, dayOfWeek: fromDays(p.daysOfWeek ?? [])[0] ?? 'Sunday', index: fromIndex(p.index) };
      break;
    default:
      return undefined;
  }
  const r = g.range;
  const end: Recurrence['end'] = r.type === 'endDate' && r.endDate ? { type: 'endDate', endDate: r.endDate } : r.type === 'numbered' && r.numberOfOccurrences ? { type: 'numbered', count: r.numberOfOccurrences } : { type: 'noEnd' };
  return { pattern, startDate: r.startDate, end };
}
