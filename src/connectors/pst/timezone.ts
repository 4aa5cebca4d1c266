import { zoneIdFromDescription, zoneIdFromRule } from './tz-names';
import type { Transition, TzRule } from './tz-rule';

/**
 * Windows time zone rules as Outlook stores them with an appointment (MS-OXOCAL 2.2.1.39
 * PidLidTimeZoneStruct, 2.2.1.41 TZDEFINITION in PidLidAppointmentTimeZoneDefinitionRecur /
 * StartDisplay / EndDisplay), and the conversion of the local wall-clock times that recurrence
 * blobs hold into UTC instants. Pure: no pst-extractor here.
 */

export type { Transition, TzRule } from './tz-rule';

export interface TzDefinition {
  /** The Windows registry key name of the zone, e.g. "Pacific Standard Time". */
  keyName?: string;
  /** Ascending by fromYear. */
  rules: TzRule[];
}

function transitionAt(buf: Buffer, at: number): Transition {
  return {
    year: buf.readUInt16LE(at),
    month: buf.readUInt16LE(at + 2),
    dayOfWeek: buf.readUInt16LE(at + 4),
    day: buf.readUInt16LE(at + 6),
    hour: buf.readUInt16LE(at + 8),
    minute: buf.readUInt16LE(at + 10),
  };
}

/** PidLidTimeZoneStruct: lBias, lStandardBias, lDaylightBias, wStandardYear, stStandardDate, wDaylightYear, stDaylightDate (48 bytes). */
export function parseTimeZoneStruct(buf: Buffer): TzRule | undefined {
  if (buf.length < 48) return undefined;
  return {
    fromYear: 0,
    bias: buf.readInt32LE(0),
    standardBias: buf.readInt32LE(4),
    daylightBias: buf.readInt32LE(8),
    standard: transitionAt(buf, 14),
    daylight: transitionAt(buf, 32),
  };
}

/**
 * TZDEFINITION: version (2 bytes), cbHeader, reserved, cchKeyName, KeyName (UTF-16), cRules,
 * then cRules TZRULEs of 66 bytes (version, reserved, flags, wYear, 14 reserved bytes, biases,
 * stStandardDate, stDaylightDate).
 */
export function parseTzDefinition(buf: Buffer): TzDefinition | undefined {
  if (buf.length < 8 || buf[0] !== 0x02) return undefined;
  const cbHeader = buf.readUInt16LE(2);
  const cch = buf.readUInt16LE(6);
  const keyEnd = 8 + cch * 2;
  if (keyEnd + 2 > buf.length) return undefined;
  const keyName = buf.subarray(8, keyEnd).toString('utf16le').replace(/\0+$/, '') || undefined;
  const count = buf.readUInt16LE(keyEnd);
  let at = 4 + cbHeader;
  const rules: TzRule[] = [];
  for (let i = 0; i < count && at + 66 <= buf.length; i++, at += 66) {
    rules.push({
      fromYear: buf.readUInt16LE(at + 6),
      bias: buf.readInt32LE(at + 22),
      standardBias: buf.readInt32LE(at + 26),
      daylightBias: buf.readInt32LE(at + 30),
      standard: transitionAt(buf, at + 34),
      daylight: transitionAt(buf, at + 50),
    });
  }
  rules.sort((a, b) => a.fromYear - b.fromYear);
  return rules.length || keyName ? { keyName, rules } : undefined;
}

export const hasDaylight = (r: TzRule) => r.standard.month > 0 && r.daylight.month > 0;

/** The transition's local wall-clock instant in `year`, as ms on a UTC-based clock. */
function transitionMs(t: Transition, year: number): number {
  if (t.year !== 0) return Date.UTC(year, t.month - 1, t.day, t.hour, t.minute);
  const first = new Date(Date.UTC(year, t.month - 1, 1)).getUTCDay();
  let day = 1 + ((t.dayOfWeek - first + 7) % 7) + (Math.min(t.day, 5) - 1) * 7;
  const monthDays = new Date(Date.UTC(year, t.month, 0)).getUTCDate();
  while (day > monthDays) day -= 7; // week 5 means the last one
  return Date.UTC(year, t.month - 1, day, t.hour, t.minute);
}

function ruleFor(rules: TzRule[], year: number): TzRule {
  let rule = rules[0];
  for (const r of rules) if (r.fromYear <= year) rule = r;
  return rule;
}

/**
 * Local wall-clock time (ms on a UTC-based clock, i.e. Date.UTC of the local fields) to the UTC
 * instant, with the rule of that year. A time in the skipped spring hour counts as daylight time,
 * one in the repeated autumn hour as daylight time too (the first of the two).
 */
export function localToUtc(rules: TzRule[], localMs: number): number {
  const rule = ruleFor(rules, new Date(localMs).getUTCFullYear());
  let offset = rule.bias + rule.standardBias;
  if (hasDaylight(rule)) {
    const year = new Date(localMs).getUTCFullYear();
    const start = transitionMs(rule.daylight, year);
    const end = transitionMs(rule.standard, year);
    // Southern hemisphere: daylight time spans the new year.
    const inDaylight = start < end ? localMs >= start && localMs < end : localMs >= start || localMs < end;
    if (inDaylight) offset = rule.bias + rule.daylightBias;
  }
  return localMs + offset * 60_000;
}

/**
 * The Windows time zone ID Exchange knows the zone by: the key name Outlook wrote with the
 * appointment when there is one (Outlook 2007 and later); otherwise its display name
 * (PidLidTimeZoneDescription) looked up in a table of common zones; otherwise the rule when it is
 * one of a few unambiguous US / EU / UTC rule sets. Undefined when none of these is reliable.
 */
export function windowsZoneId(opts: { keyName?: string; description?: string; rule?: TzRule }): string | undefined {
  if (opts.keyName && /^[\w .()&+-]{3,64}$/.test(opts.keyName)) return opts.keyName;
  return (opts.description && zoneIdFromDescription(opts.description)) || (opts.rule && zoneIdFromRule(opts.rule)) || undefined;
}
