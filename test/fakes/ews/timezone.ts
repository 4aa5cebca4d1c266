// Evaluates an EWS t:TimeZoneDefinitionType (StartTimeZone, as ews-javascript-api sends it for
// Exchange 2010+: Periods with a Bias, TransitionsGroups of yearly rules, Transitions choosing a
// group by date) so recurring events keep their wall-clock time across DST, as on Exchange.
// Times are handled as "local ms": the wall-clock reading taken as if it were UTC.
import { child, childText, elements, text } from './xml';

export interface Zone {
  /** Minutes east of UTC in effect at a wall-clock time. */
  offsetAtLocal(localMs: number): number;
}

interface Rule {
  to: string;
  /** Local ms of this transition in `year`. */
  at(year: number): number | undefined;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MIN = 60_000;

export const UTC_ZONE: Zone = { offsetAtLocal: () => 0 };

export function fixedZone(minutesEast: number): Zone {
  return { offsetAtLocal: () => minutesEast };
}

/** xs:duration such as "-PT60M", "PT2H", "PT1H30M" in minutes. */
export function durationMinutes(d: string | undefined): number {
  if (!d) return 0;
  const m = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(d.trim());
  if (!m) return 0;
  const v = Number(m[2] ?? 0) * 1440 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0) + Number(m[5] ?? 0) / 60;
  return m[1] ? -v : v;
}

/**
 * Windows zone ids (what EWS clients send) → IANA, for the definitions that come as a bare
 * Id/Name: ews-javascript-api sends StartTimeZone that way, and Exchange resolves the id from its
 * own registry. The most used zones; anything else falls back to the offset written in Start.
 */
const WINDOWS_ZONES: Record<string, string> = {
  UTC: 'UTC', 'GMT Standard Time': 'Europe/London', 'Greenwich Standard Time': 'Atlantic/Reykjavik', 'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest', 'Romance Standard Time': 'Europe/Paris', 'Central European Standard Time': 'Europe/Warsaw',
  'E. Europe Standard Time': 'Europe/Chisinau', 'FLE Standard Time': 'Europe/Kiev', 'GTB Standard Time': 'Europe/Bucharest', 'Russian Standard Time': 'Europe/Moscow',
  'Turkey Standard Time': 'Europe/Istanbul', 'Israel Standard Time': 'Asia/Jerusalem', 'Egypt Standard Time': 'Africa/Cairo', 'South Africa Standard Time': 'Africa/Johannesburg',
  'Arabian Standard Time': 'Asia/Dubai', 'Pakistan Standard Time': 'Asia/Karachi', 'India Standard Time': 'Asia/Kolkata', 'SE Asia Standard Time': 'Asia/Bangkok',
  'China Standard Time': 'Asia/Shanghai', 'Taipei Standard Time': 'Asia/Taipei', 'Singapore Standard Time': 'Asia/Singapore', 'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul', 'W. Australia Standard Time': 'Australia/Perth', 'Cen. Australia Standard Time': 'Australia/Adelaide',
  'E. Australia Standard Time': 'Australia/Brisbane', 'AUS Eastern Standard Time': 'Australia/Sydney', 'New Zealand Standard Time': 'Pacific/Auckland',
  'Hawaiian Standard Time': 'Pacific/Honolulu', 'Alaskan Standard Time': 'America/Anchorage', 'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix', 'Mountain Standard Time': 'America/Denver', 'Central Standard Time': 'America/Chicago',
  'Central Standard Time (Mexico)': 'America/Mexico_City', 'Eastern Standard Time': 'America/New_York', 'Atlantic Standard Time': 'America/Halifax',
  'Newfoundland Standard Time': 'America/St_Johns', 'SA Pacific Standard Time': 'America/Bogota', 'E. South America Standard Time': 'America/Sao_Paulo',
  'Argentina Standard Time': 'America/Argentina/Buenos_Aires', 'Dateline Standard Time': 'Etc/GMT+12',
};

function ianaZone(iana: string): Zone {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: iana, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const offsetAtUtc = (utc: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(utc)).map((x) => [x.type, Number(x.value)]));
    return Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(utc / 1000) * 1000) / MIN);
  };
  return {
    offsetAtLocal(localMs) {
      let off = offsetAtUtc(localMs);
      off = offsetAtUtc(localMs - off * MIN);
      return off;
    },
  };
}

/**
 * A zone from a TimeZoneDefinition element: its Periods/Transitions when it has them, else its
 * Windows Id; undefined when neither is usable.
 */
export function parseZone(def: Element | undefined): Zone | undefined {
  const periodsEl = child(def, 'Periods');
  if (!def) return undefined;
  if (!periodsEl) {
    const iana = WINDOWS_ZONES[def.getAttribute('Id') ?? ''];
    return iana ? ianaZone(iana) : undefined;
  }
  const bias = new Map<string, number>();
  for (const p of elements(periodsEl, 'Period')) bias.set(p.getAttribute('Id') ?? '', durationMinutes(p.getAttribute('Bias') ?? undefined));
  const groups = new Map<string, Rule[]>();
  for (const g of elements(child(def, 'TransitionsGroups'), 'TransitionsGroup')) groups.set(g.getAttribute('Id') ?? '', elements(g).map(parseRule));
  const choices = elements(child(def, 'Transitions')).map((t) => ({
    group: childText(t, 'To') ?? '',
    from: t.localName === 'AbsoluteDateTransition' ? Date.parse(`${(childText(t, 'DateTime') ?? '').slice(0, 19)}Z`) : -Infinity,
  }));
  const offsetOf = (period: string) => -(bias.get(period) ?? 0);
  const firstPeriod = bias.keys().next().value ?? '';
  return {
    offsetAtLocal(localMs) {
      const chosen = choices.filter((c) => c.from <= localMs).pop() ?? choices[0];
      const rules = groups.get(chosen?.group ?? '') ?? [];
      const year = new Date(localMs).getUTCFullYear();
      let best: { at: number; to: string } | undefined;
      for (const y of [year - 1, year]) {
        for (const r of rules) {
          const at = r.at(y);
          if (at !== undefined && at <= localMs && (!best || at > best.at)) best = { at, to: r.to };
        }
      }
      return offsetOf(best?.to ?? rules[0]?.to ?? firstPeriod);
    },
  };
}

function parseRule(t: Element): Rule {
  const to = childText(t, 'To') ?? '';
  const offset = durationMinutes(childText(t, 'TimeOffset')) * MIN;
  const month = Number(childText(t, 'Month') ?? 1) - 1;
  switch (t.localName) {
    case 'RecurringDayTransition': {
      const dow = DAYS.indexOf(childText(t, 'DayOfWeek') ?? 'Sunday');
      const occ = Number(childText(t, 'Occurrence') ?? 1);
      return { to, at: (y) => nthWeekday(y, month, dow, occ) + offset };
    }
    case 'RecurringDateTransition': {
      const day = Number(childText(t, 'Day') ?? 1);
      return { to, at: (y) => Date.UTC(y, month, day) + offset };
    }
    case 'AbsoluteDateTransition': {
      const at = Date.parse(`${(text(child(t, 'DateTime')) ?? '').slice(0, 19)}Z`);
      return { to, at: (y) => (new Date(at).getUTCFullYear() === y ? at : undefined) };
    }
    default: // a plain t:Transition: the period applies from the start of time
      return { to, at: () => -Infinity };
  }
}

/** Local ms of the occ-th (-1 = last) weekday `dow` of month `month` (0-based) in `year`. */
function nthWeekday(year: number, month: number, dow: number, occ: number): number {
  if (occ < 0) {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - ((last.getUTCDay() - dow + 7) % 7));
  }
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return Date.UTC(year, month, 1 + ((dow - first + 7) % 7) + (occ - 1) * 7);
}

export function localToUtc(zone: Zone, localMs: number): number {
  return localMs - zone.offsetAtLocal(localMs) * MIN;
}

export function utcToLocal(zone: Zone, utcMs: number): number {
  // The offset is defined on wall-clock time; two rounds settle it except inside a DST gap.
  let local = utcMs + zone.offsetAtLocal(utcMs) * MIN;
  local = utcMs + zone.offsetAtLocal(local) * MIN;
  return local;
}

/** Offset written in an xs:dateTime ("…+01:00", "…Z"); undefined when it has none. */
export function offsetOfDateTime(s: string): number | undefined {
  const m = /(Z|([+-])(\d\d):(\d\d))$/.exec(s.trim());
  if (!m) return undefined;
  if (m[1] === 'Z') return 0;
  return (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
}
