// A recurring master's occurrences, computed as Exchange does on demand ("expansion"): the
// pattern gives local dates in the item's time zone, each keeps the master's wall-clock start and
// duration; exceptions override properties (possibly Start/End), deleted ones stay counted so
// InstanceIndex values never shift.
import type { ExceptionRec, StoredItem } from './model';
import { hasEnd, occurrenceDays, parseRecurrence, type Recurrence } from './recurrence';
import { fixedZone, localToUtc, offsetOfDateTime, parseZone, utcToLocal, type Zone } from './timezone';
import { text } from './xml';

const DAY_MS = 86_400_000;
/** How far an open-ended series is expanded when nothing else bounds it. */
const OPEN_END_HORIZON_DAYS = 366 * 10;

export interface Occurrence {
  index: number;
  originalStart: number;
  start: number;
  end: number;
  exception?: ExceptionRec;
  deleted: boolean;
}

const cache = new WeakMap<StoredItem, { version: number; rec: Recurrence | undefined }>();

export function recurrenceOf(item: StoredItem): Recurrence | undefined {
  if (item.kind !== 'CalendarItem') return undefined;
  const hit = cache.get(item);
  if (hit && hit.version === item.version) return hit.rec;
  const el = item.props.get('Recurrence');
  const rec = el ? parseRecurrence(el) : undefined;
  cache.set(item, { version: item.version, rec });
  return rec;
}

export function isRecurringMaster(item: StoredItem): boolean {
  return recurrenceOf(item) !== undefined;
}

function zoneOf(item: StoredItem): Zone {
  const start = text(item.props.get('Start')) ?? '';
  return parseZone(item.zone) ?? fixedZone(offsetOfDateTime(start) ?? 0);
}

export function masterTimes(item: StoredItem): { start: number; end: number } {
  return { start: Date.parse(text(item.props.get('Start')) ?? ''), end: Date.parse(text(item.props.get('End')) ?? '') };
}

/** Occurrences in order, deleted ones included (flagged), up to `untilUtc` (or the series end). */
export function* occurrences(item: StoredItem, untilUtc?: number): Generator<Occurrence> {
  const rec = recurrenceOf(item);
  if (!rec) return;
  const zone = zoneOf(item);
  const { start, end } = masterTimes(item);
  const localStart = utcToLocal(zone, start);
  const timeOfDay = ((localStart % DAY_MS) + DAY_MS) % DAY_MS;
  const duration = end - start;
  const untilDay = untilUtc !== undefined ? Math.floor(untilUtc / DAY_MS) + 1 : hasEnd(rec) ? Infinity : Math.floor(start / DAY_MS) + OPEN_END_HORIZON_DAYS;
  for (const { index, day } of occurrenceDays(rec, untilDay)) {
    const originalStart = localToUtc(zone, day * DAY_MS + timeOfDay);
    if (untilUtc !== undefined && originalStart >= untilUtc && !item.exceptions.has(index)) {
      // Exceptions may have moved earlier, but nothing after this can start before untilUtc
      // unless moved; good enough for views (Exchange also bounds moves to the series).
      return;
    }
    const exception = item.exceptions.get(index);
    const exStart = exception && text(exception.props.get('Start'));
    const exEnd = exception && text(exception.props.get('End'));
    const s = exStart ? Date.parse(exStart) : originalStart;
    yield { index, originalStart, start: s, end: exEnd ? Date.parse(exEnd) : s + duration, exception, deleted: item.deleted.has(index) };
  }
}

export function occurrenceAt(item: StoredItem, index: number): Occurrence | undefined {
  if (!Number.isInteger(index) || index < 1) return undefined;
  for (const o of occurrences(item)) if (o.index === index) return o;
  return undefined;
}

export function firstAndLast(item: StoredItem): { first?: Occurrence; last?: Occurrence } {
  const rec = recurrenceOf(item);
  if (!rec) return {};
  let first: Occurrence | undefined;
  let last: Occurrence | undefined;
  for (const o of occurrences(item)) {
    if (o.deleted) continue;
    first ??= o;
    last = o;
  }
  return { first, last: hasEnd(rec) ? last : undefined };
}
