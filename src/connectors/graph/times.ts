import { findIana } from 'windows-iana';
import { offsetMs } from '../zone-offset';

/**
 * Graph's dateTimeTimeZone ({ dateTime: wall-clock time, timeZone: a Windows or IANA name }) to and
 * from the neutral shapes' UTC instants and "YYYY-MM-DD" days. Node's Intl (full ICU) gives the
 * offsets; windows-iana names the IANA zone of a Windows one.
 */
export interface GraphDateTime {
  dateTime: string;
  timeZone: string;
}

/** The IANA zone of a Windows ID or IANA name; UTC when unknown. */
export function ianaOf(zone: string | undefined): string {
  if (!zone || /^(utc|gmt|etc\/utc)$/i.test(zone)) return 'UTC';
  const candidates = [...(findIana(zone as never) ?? []), zone];
  for (const iana of candidates) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: iana });
      return iana;
    } catch {
      // Not a zone Node knows: try the next name.
    }
  }
  return 'UTC';
}


/** "YYYY-MM-DDTHH:mm:ss" of an instant in a zone. */
export function wallOf(ms: number, iana: string): string {
  return new Date(ms + offsetMs(ms, iana)).toISOString().slice(0, 19);
}

/** The instant a wall-clock time ("YYYY-MM-DDTHH:mm:ss[.fffffff]") names in a zone. */
export function instantOf(wall: string, iana: string): number {
  const asUtc = Date.parse(`${wall.slice(0, 19)}Z`);
  const first = asUtc - offsetMs(asUtc, iana);
  return asUtc - offsetMs(first, iana);
}

/** A neutral time (ISO instant, or "YYYY-MM-DD" for all-day) as Graph writes it, in the item's zone. */
export function toGraphTime(value: string, zone: string | undefined): GraphDateTime {
  const timeZone = zone || 'UTC';
  if (value.length <= 10) return { dateTime: `${value}T00:00:00`, timeZone };
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`"${value}" is not a time`);
  return { dateTime: wallOf(ms, ianaOf(timeZone)), timeZone };
}

/** Graph's time as the neutral shapes keep it: a day for all-day values, else an ISO instant (UTC). */
export function fromGraphTime(t: GraphDateTime | null | undefined, allDay = false): string | undefined {
  if (!t?.dateTime) return undefined;
  if (allDay) return t.dateTime.slice(0, 10);
  return new Date(instantOf(t.dateTime, ianaOf(t.timeZone))).toISOString();
}
