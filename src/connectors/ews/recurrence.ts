import { DateTime, DayOfTheWeek, DayOfTheWeekIndex, Month, Recurrence as EwsRecurrence } from 'ews-javascript-api';
import type { DayOfWeek, Recurrence, RecurrencePattern, WeekIndex, Month as MonthName } from '../../ports/pim-items';

/**
 * Recurrence patterns between the neutral shape and the library's pattern classes, both ways.
 * Pattern dates are dates (no time): the library reads only "YYYY-MM-DD" of the server's value
 * and writes the date of a local-midnight DateTime, so a date is built and read that way here.
 */

function localDate(date: string): DateTime {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  return new DateTime(y, m, d);
}

function dateText(dt: DateTime | null | undefined): string | undefined {
  return dt && !Number.isNaN(dt.TotalMilliSeconds) ? dt.Format('YYYY-MM-DD') : undefined;
}

const day = (d: DayOfWeek): DayOfTheWeek => DayOfTheWeek[d];
const dayName = (d: DayOfTheWeek): DayOfWeek => DayOfTheWeek[d] as DayOfWeek;
const index = (i: WeekIndex): DayOfTheWeekIndex => DayOfTheWeekIndex[i];
const indexName = (i: DayOfTheWeekIndex): WeekIndex => DayOfTheWeekIndex[i] as WeekIndex;
const month = (m: MonthName): Month => Month[m];
const monthName = (m: Month): MonthName => Month[m] as MonthName;

function pattern(p: RecurrencePattern): EwsRecurrence {
  switch (p.type) {
    case 'daily': {
      const r = new EwsRecurrence.DailyPattern();
      r.Interval = p.interval;
      return r;
    }
    case 'weekly': {
      const r = new EwsRecurrence.WeeklyPattern();
      r.Interval = p.interval;
      r.DaysOfTheWeek.AddRange(p.daysOfWeek.map(day));
      // FirstDayOfWeek is System.DayOfWeek (Sunday = 0 … Saturday = 6): only a real day fits.
      if (p.firstDayOfWeek && DayOfTheWeek[p.firstDayOfWeek] <= 6) r.FirstDayOfWeek = DayOfTheWeek[p.firstDayOfWeek] as number;
      return r;
    }
    case 'absoluteMonthly': {
      const r = new EwsRecurrence.MonthlyPattern();
      r.Interval = p.interval;
      r.DayOfMonth = p.dayOfMonth;
      return r;
    }
    case 'relativeMonthly': {
      const r = new EwsRecurrence.RelativeMonthlyPattern();
      r.Interval = p.interval;
      r.DayOfTheWeek = day(p.dayOfWeek);
      r.DayOfTheWeekIndex = index(p.index);
      return r;
    }
    case 'absoluteYearly': {
      const r = new EwsRecurrence.YearlyPattern();
      r.Month = month(p.month);
      r.DayOfMonth = p.dayOfMonth;
      return r;
    }
    case 'relativeYearly': {
      const r = new EwsRecurrence.RelativeYearlyPattern();
      r.Month = month(p.month);
      r.DayOfTheWeek = day(p.dayOfWeek);
      r.DayOfTheWeekIndex = index(p.index);
      return r;
    }
    case 'regenerating': {
      const r =
        p.unit === 'daily'
          ? new EwsRecurrence.DailyRegenerationPattern()
          : p.unit === 'weekly'
            ? new EwsRecurrence.WeeklyRegenerationPattern()
            : p.unit === 'monthly'
              ? new EwsRecurrence.MonthlyRegenerationPattern()
              : new EwsRecurrence.YearlyRegenerationPattern();
      r.Interval = p.interval;
      return r;
    }
  }
}

export function toEwsRecurrence(rec: Recurrence): EwsRecurrence {
  const r = pattern(rec.pattern);
  r.StartDate = localDate(rec.startDate);
  if (rec.end.type === 'numbered') r.NumberOfOccurrences = rec.end.count;
  else if (rec.end.type === 'endDate') r.EndDate = localDate(rec.end.endDate);
  else r.NeverEnds();
  return r;
}

function patternOf(r: EwsRecurrence): RecurrencePattern | undefined {
  const R = EwsRecurrence;
  // The library leaves parsed numbers as the strings of the XML.
  const n = (v: unknown) => Number(v);
  if (r instanceof R.DailyRegenerationPattern) return { type: 'regenerating', unit: 'daily', interval: n(r.Interval) };
  if (r instanceof R.WeeklyRegenerationPattern) return { type: 'regenerating', unit: 'weekly', interval: n(r.Interval) };
  if (r instanceof R.MonthlyRegenerationPattern) return { type: 'regenerating', unit: 'monthly', interval: n(r.Interval) };
  if (r instanceof R.YearlyRegenerationPattern) return { type: 'regenerating', unit: 'yearly', interval: n(r.Interval) };
  if (r instanceof R.DailyPattern) return { type: 'daily', interval: n(r.Interval) };
  if (r instanceof R.WeeklyPattern) {
    const p: RecurrencePattern = { type: 'weekly', interval: n(r.Interval), daysOfWeek: r.DaysOfTheWeek.GetEnumerator().map(dayName) };
    // The library's getter throws when the server sent no FirstDayOfWeek (it is optional).
    let first: unknown;
    try {
      first = r.FirstDayOfWeek;
    } catch {
      first = undefined;
    }
    if (typeof first === 'number' && DayOfTheWeek[first]) p.firstDayOfWeek = dayName(first);
    return p;
  }
  if (r instanceof R.RelativeMonthlyPattern) return { type: 'relativeMonthly', interval: n(r.Interval), dayOfWeek: dayName(r.DayOfTheWeek), index: indexName(r.DayOfTheWeekIndex) };
  if (r instanceof R.MonthlyPattern) return { type: 'absoluteMonthly', interval: n(r.Interval), dayOfMonth: n(r.DayOfMonth) };
  if (r instanceof R.RelativeYearlyPattern) return { type: 'relativeYearly', month: monthName(r.Month), dayOfWeek: dayName(r.DayOfTheWeek), index: indexName(r.DayOfTheWeekIndex) };
  if (r instanceof R.YearlyPattern) return { type: 'absoluteYearly', month: monthName(r.Month), dayOfMonth: n(r.DayOfMonth) };
  return undefined;
}

export function fromEwsRecurrence(r: EwsRecurrence | null | undefined): Recurrence | undefined {
  if (!r) return undefined;
  const p = patternOf(r);
  const startDate = dateText(r.StartDate);
  if (!p || !startDate) return undefined;
  const count = Number(r.NumberOfOccurrences);
  const endDate = dateText(r.EndDate);
  const end: Recurrence['end'] = Number.isInteger(count) && count > 0 ? { type: 'numbered', count } : endDate ? { type: 'endDate', endDate } : { type: 'noEnd' };
  return { pattern: p, startDate, end };
}
