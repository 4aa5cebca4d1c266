import ICAL from 'ical.js';
import { findIana, findWindows } from 'windows-iana';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { offsetMs } from '../zone-offset';

type Time = InstanceType<typeof ICAL.Time>;
type Component = InstanceType<typeof ICAL.Component>;

/**
 * Time zones between iCalendar (TZID with a VTIMEZONE, mostly IANA names) and the neutral shapes
 * (Windows IDs, as Exchange names them). windows-iana holds the CLDR mapping; Node's Intl gives
 * IANA offsets when a calendar names a zone without defining it.
 */

const validIana = (name: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

/** The IANA name inside a TZID ("Europe/Berlin", "/mozilla.org/20050126_1/Europe/Berlin"), or of a Windows ID. */
export function ianaOfTzid(tzid: string): string | undefined {
  const windows = findIana(tzid as never);
  if (windows?.length) return windows[0];
  if (validIana(tzid)) return tzid;
  const tail = /([A-Za-z_]+\/[A-Za-z_+-]+(?:\/[A-Za-z_+-]+)?)$/.exec(tzid)?.[1];
  return tail && validIana(tail) ? tail : undefined;
}

/** The Windows ID of a TZID, when there is one. */
export function windowsOfTzid(tzid: string | undefined): string | undefined {
  if (!tzid) return undefined;
  if (findIana(tzid as never)?.length) return tzid;
  const iana = ianaOfTzid(tzid);
  const found = iana ? findWindows(iana as never) : undefined;
  return Array.isArray(found) ? found[0] : found;
}

/** The IANA zone to write for a Windows ID (or an IANA name given as one). */
export function ianaOfWindows(windowsId: string | undefined): string | undefined {
  return windowsId ? ianaOfTzid(windowsId) : undefined;
}

/** The VTIMEZONE of an IANA zone, from the tz database the library ships. */
export function vtimezoneOf(iana: string): Component | undefined {
  const text = getVtimezoneComponent(iana);
  if (!text) return undefined;
  return new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\n${text.trim()}\r\nEND:VCALENDAR`)).getFirstSubcomponent('vtimezone') ?? undefined;
}


/** Time zones a calendar object defines, by TZID. */
export type Zones = Map<string, InstanceType<typeof ICAL.Timezone>>;

export function zonesOf(vcalendar: Component): Zones {
  const zones: Zones = new Map();
  for (const vtz of vcalendar.getAllSubcomponents('vtimezone')) {
    const tzid = String(vtz.getFirstPropertyValue('tzid') ?? '');
    if (tzid) zones.set(tzid, new ICAL.Timezone(vtz));
  }
  return zones;
}

/**
 * The instant (ms) of a DATE-TIME: UTC as it is, a TZID by its VTIMEZONE (else by its IANA name),
 * floating time as UTC. `unknown` hears of a TZID that could not be resolved.
 */
export function instantOf(t: Time, tzid: string | undefined, zones: Zones, unknown?: (tzid: string) => void): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  if (t.zone === ICAL.Timezone.utcTimezone || !tzid) return wall;
  const defined = zones.get(tzid);
  if (defined) return wall - defined.utcOffset(t) * 1000;
  const iana = ianaOfTzid(tzid);
  if (!iana) {
    unknown?.(tzid);
    return wall;
  }
  const guess = wall - offsetMs(wall, iana);
  return wall - offsetMs(guess, iana);
}

/** The wall-clock time of an instant in an IANA zone, as an iCalendar DATE-TIME value. */
export function wallIn(ms: number, iana: string | undefined): Time {
  const shifted = new Date(ms + (iana ? offsetMs(ms, iana) : 0));
  return ICAL.Time.fromData({
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    isDate: false,
  });
}

/** "YYYY-MM-DD" of an instant in a zone (UTC when none). */
export function localDate(ms: number, iana: string | undefined): string {
  return new Date(ms + (iana ? offsetMs(ms, iana) : 0)).toISOString().slice(0, 10);
}
