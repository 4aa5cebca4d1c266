import { TimeZoneInfo } from 'ews-javascript-api';

/**
 * Windows time zones (the IDs Exchange uses) and the local dates of all-day events. The library
 * maps Windows IDs to IANA zones; Node's Intl (full ICU) gives their offsets.
 */

/** The library's TimeZoneInfo for a Windows ID, or undefined when it does not know the zone. */
export function windowsZone(id: string | undefined): TimeZoneInfo | undefined {
  if (!id) return undefined;
  try {
    return TimeZoneInfo.FindSystemTimeZoneById(id);
  } catch {
    return undefined;
  }
}

/** The IANA zone of a Windows ID ("UTC" when unknown). */
export function ianaOf(windowsId: string | undefined): string {
  const zone = windowsZone(windowsId);
  const iana = zone?.IanaId;
  if (!iana) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: iana });
    return iana;
  } catch {
    return 'UTC';
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(iana: string): Intl.DateTimeFormat {
  let f = formats.get(iana);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: iana, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(iana, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
function wall(ms: number, iana: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const parts = Object.fromEntries(format(iana).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), min: Number(parts.minute), s: Number(parts.second) };
}

function offsetMs(ms: number, iana: string): number {
  const w = wall(ms, iana);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - Math.floor(ms / 1000) * 1000;
}

/** The instant of local midnight of a date ("YYYY-MM-DD") in a zone. */
export function midnightIn(date: string, iana: string): number {
  const asUtc = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  const first = asUtc - offsetMs(asUtc, iana);
  return asUtc - offsetMs(first, iana);
}

/** The local date ("YYYY-MM-DD") of an instant in a zone. */
export function dateIn(ms: number, iana: string): string {
  const w = wall(ms, iana);
  return `${String(w.y).padStart(4, '0')}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}
