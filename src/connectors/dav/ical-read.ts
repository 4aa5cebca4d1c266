import ICAL from 'ical.js';
import type { Attendee, EventData, ModifiedOccurrence, TaskData } from '../../ports/pim-items';
import { fromRule } from './recurrence';
import { STAMP_PROPERTY } from './stamp';
import { ianaOfTzid, instantOf, localDate, windowsOfTzid, zonesOf, type Zones } from './zones';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;
type Time = InstanceType<typeof ICAL.Time>;

/** Properties the neutral shapes carry (or that every object has); the others are reported as not carried. */
const EVENT_PROPS = new Set([
  'uid', 'dtstamp', 'created', 'last-modified', 'sequence', STAMP_PROPERTY.toLowerCase(), 'summary', 'description', 'x-alt-desc', 'location',
  'dtstart', 'dtend', 'duration', 'rrule', 'exdate', 'recurrence-id', 'organizer', 'attendee', 'transp', 'x-microsoft-cdo-busystatus',
  'status', 'categories', 'priority', 'class',
]);
const TODO_PROPS = new Set([
  'uid', 'dtstamp', 'created', 'last-modified', 'sequence', STAMP_PROPERTY.toLowerCase(), 'summary', 'description', 'dtstart', 'due',
  'completed', 'status', 'percent-complete', 'rrule', 'categories', 'priority', 'class',
]);

interface Base {
  sourceId: string;
  folder: string;
}

/** The calendar object's main component: the VEVENT without RECURRENCE-ID (the series), or its VTODO. */
export function mainOf(vcalendar: Component): { kind: 'event' | 'task'; main: Component; overrides: Component[] } | undefined {
  const events = vcalendar.getAllSubcomponents('vevent');
  if (events.length) {
    const main = events.find((e: Component) => !e.hasProperty('recurrence-id')) ?? events[0];
    return { kind: 'event', main, overrides: events.filter((e: Component) => e !== main && e.hasProperty('recurrence-id')) };
  }
  const todo = vcalendar.getFirstSubcomponent('vtodo');
  return todo ? { kind: 'task', main: todo, overrides: [] } : undefined;
}

const text = (c: Component, name: string) => {
  const v = c.getFirstPropertyValue(name);
  return v === null || v === undefined || String(v) === '' ? undefined : String(v);
};

function common(c: Component, lost: Set<string>) {
  const out: Partial<EventData> = {};
  const html = c.getAllProperties('x-alt-desc').find((p: Property) => String(p.getParameter('fmttype') ?? '').toLowerCase() === 'text/html');
  const description = text(c, 'description');
  if (html) out.body = { type: 'html', content: String(html.getFirstValue()) };
  else if (description) out.body = { type: 'text', content: description };
  out.categories = c.getAllProperties('categories').flatMap((p: Property) => p.getValues().map(String)).map((s: string) => s.trim()).filter(Boolean);
  const priority = Number(c.getFirstPropertyValue('priority') ?? 0);
  if (priority >= 1 && priority <= 4) out.importance = 'High';
  else if (priority >= 6) out.importance = 'Low';
  const cls = text(c, 'class')?.toUpperCase();
  if (cls === 'PRIVATE') out.sensitivity = 'Private';
  else if (cls === 'CONFIDENTIAL') out.sensitivity = 'Confidential';
  const subject = text(c, 'summary');
  if (subject) out.subject = subject;
  const props = c.name === 'vevent' ? EVENT_PROPS : TODO_PROPS;
  for (const p of c.getAllProperties()) if (!props.has(p.name)) lost.add(p.name.toUpperCase());
  return out;
}

function person(p: Property): Attendee | undefined {
  const address = String(p.getFirstValue() ?? '').replace(/^mailto:/i, '');
  if (!address) return undefined;
  const name = p.getParameter('cn');
  return name ? { name: String(name), address } : { address };
}

/** The time of a DTSTART-like property: ISO UTC, or "YYYY-MM-DD" for a date; with its TZID. */
function timeOf(c: Component, name: string, zones: Zones, lost: Set<string>): { value: string; ms: number; tzid?: string; isDate: boolean } | undefined {
  const p = c.getFirstProperty(name);
  if (!p) return undefined;
  const t = p.getFirstValue() as Time;
  const tzid = p.getParameter('tzid') as string | undefined;
  if (t.isDate) {
    const value = `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
    return { value, ms: Date.parse(`${value}T00:00:00Z`), isDate: true };
  }
  const ms = instantOf(t, tzid, zones, (z) => lost.add(`TZID (${z}: an unknown time zone, read as UTC)`));
  return { value: new Date(ms).toISOString(), ms, tzid, isDate: false };
}

/** Minutes before the start of the first alarm that is relative to the start. */
function alarmMinutes(c: Component, lost: Set<string>): number | undefined {
  const alarms = c.getAllSubcomponents('valarm');
  if (alarms.length > 1) lost.add('VALARM (more than one alarm)');
  const trigger = alarms[0]?.getFirstProperty('trigger');
  if (!trigger) return undefined;
  const value = trigger.getFirstValue();
  if (value instanceof ICAL.Duration && String(trigger.getParameter('related') ?? 'START').toUpperCase() === 'START') return Math.max(0, Math.round(-value.toSeconds() / 60));
  lost.add('VALARM (an alarm at a fixed time or relative to the end)');
  return undefined;
}

function recurrenceOf(c: Component, start: { ms: number; tzid?: string; value: string; isDate: boolean }, zones: Zones, lost: Set<string>) {
  const rules = c.getAllProperties('rrule');
  if (!rules.length) return undefined;
  if (rules.length > 1) lost.add('RRULE (more than one rule)');
  if (c.hasProperty('rdate')) lost.add('RDATE');
  const recur = rules[0].getFirstValue() as InstanceType<typeof ICAL.Recur>;
  const iana = start.tzid ? ianaOfTzid(start.tzid) : undefined;
  const startDate = start.isDate ? start.value : localDate(start.ms, iana);
  const until = recur.until ? (recur.until.isDate ? recur.until.toString().slice(0, 10) : localDate(instantOf(recur.until, recur.until.zone === ICAL.Timezone.utcTimezone ? undefined : start.tzid, zones), iana)) : undefined;
  const rule = recur.toString().replace(/;?UNTIL=[^;]*/i, '');
  const { recurrence, why } = fromRule(rule, startDate, until);
  if (why) lost.add(why);
  return recurrence;
}

export function readEvent(vcalendar: Component, found: { main: Component; overrides: Component[] }, base: Base): EventData {
  const lost = new Set<string>();
  const zones = zonesOf(vcalendar);
  const c = found.main;
  const start = timeOf(c, 'dtstart', zones, lost);
  if (!start) throw new Error('VEVENT without DTSTART');
  let end = timeOf(c, 'dtend', zones, lost);
  if (!end) {
    const duration = c.getFirstPropertyValue('duration') as InstanceType<typeof ICAL.Duration> | null;
    const ms = start.ms + (duration ? duration.toSeconds() * 1000 : start.isDate ? 86_400_000 : 0);
    end = { ms, isDate: start.isDate, tzid: start.tzid, value: start.isDate ? new Date(ms).toISOString().slice(0, 10) : new Date(ms).toISOString() };
  }
  const minutes = alarmMinutes(c, lost);
  const attendees = c.getAllProperties('attendee');
  const role = (p: Property) => String(p.getParameter('role') ?? 'REQ-PARTICIPANT').toUpperCase();
  const cutype = (p: Property) => String(p.getParameter('cutype') ?? '').toUpperCase();
  const pick = (test: (p: Property) => boolean) => attendees.filter(test).flatMap((p: Property) => person(p) ?? []);
  const busy = text(c, 'x-microsoft-cdo-busystatus')?.toUpperCase();
  const event: EventData = {
    kind: 'event',
    ...base,
    categories: [],
    ...common(c, lost),
    start: start.value,
    end: end.value,
    isAllDay: start.isDate,
    reminderSet: minutes !== undefined,
    requiredAttendees: pick((p) => cutype(p) !== 'RESOURCE' && cutype(p) !== 'ROOM' && role(p) !== 'OPT-PARTICIPANT' && role(p) !== 'NON-PARTICIPANT'),
    optionalAttendees: pick((p) => cutype(p) !== 'RESOURCE' && cutype(p) !== 'ROOM' && (role(p) === 'OPT-PARTICIPANT' || role(p) === 'NON-PARTICIPANT')),
    resources: pick((p) => cutype(p) === 'RESOURCE' || cutype(p) === 'ROOM'),
    isMeeting: attendees.length > 0,
    modifiedOccurrences: [],
    deletedOccurrences: [],
    busyStatus: busy === 'FREE' || busy === 'TENTATIVE' || busy === 'OOF' || busy === 'BUSY' ? ({ FREE: 'Free', TENTATIVE: 'Tentative', OOF: 'OOF', BUSY: 'Busy' } as const)[busy] : text(c, 'transp')?.toUpperCase() === 'TRANSPARENT' ? 'Free' : text(c, 'status')?.toUpperCase() === 'TENTATIVE' ? 'Tentative' : 'Busy',
  };
  if (minutes !== undefined) event.reminderMinutes = minutes;
  const location = text(c, 'location');
  if (location) event.location = location;
  const startZone = windowsOfTzid(start.tzid);
  const endZone = windowsOfTzid(end.tzid);
  if (startZone) event.startTimeZone = startZone;
  if (endZone) event.endTimeZone = endZone;
  const organizer = c.getFirstProperty('organizer');
  const org = organizer && person(organizer);
  if (org) event.organizer = org;
  const recurrence = recurrenceOf(c, start, zones, lost);
  if (recurrence) {
    event.recurrence = recurrence;
    event.deletedOccurrences = c.getAllProperties('exdate').flatMap((p: Property) =>
      p.getValues().map((t: Time) => new Date(t.isDate ? Date.parse(`${t.toString().slice(0, 10)}T00:00:00Z`) : instantOf(t, (p.getParameter('tzid') as string | undefined) ?? start.tzid, zones)).toISOString()),
    );
    event.modifiedOccurrences = found.overrides.flatMap((o) => modified(o, event, zones, lost));
  } else if (found.overrides.length) {
    lost.add('RECURRENCE-ID (changed occurrences of a series this item is not)');
  }
  const unmapped = [...lost].sort();
  if (unmapped.length) event.unmapped = unmapped;
  const uid = text(c, 'uid');
  if (uid) event.uid = uid;
  return event;
}

function modified(o: Component, master: EventData, zones: Zones, lost: Set<string>): ModifiedOccurrence[] {
  const original = timeOf(o, 'recurrence-id', zones, lost);
  const start = timeOf(o, 'dtstart', zones, lost);
  if (!original || !start) return [];
  const end = timeOf(o, 'dtend', zones, lost) ?? { value: new Date(start.ms + Date.parse(master.end) - Date.parse(master.start)).toISOString() };
  const mo: ModifiedOccurrence = { originalStart: new Date(original.ms).toISOString(), start: start.value, end: end.value };
  const subject = text(o, 'summary');
  if (subject !== undefined && subject !== master.subject) mo.subject = subject;
  const location = text(o, 'location');
  if (location !== undefined && location !== master.location) mo.location = location;
  const description = text(o, 'description');
  if (description !== undefined && description !== master.body?.content) mo.body = { type: 'text', content: description };
  return [mo];
}

const TODO_STATUS: Record<string, TaskData['status']> = { 'NEEDS-ACTION': 'NotStarted', 'IN-PROCESS': 'InProgress', COMPLETED: 'Completed', CANCELLED: 'Deferred' };

export function readTask(vcalendar: Component, todo: Component, base: Base): TaskData {
  const lost = new Set<string>();
  const zones = zonesOf(vcalendar);
  const day = (name: string) => {
    const t = timeOf(todo, name, zones, lost);
    if (!t) return undefined;
    return t.isDate ? t.value : localDate(t.ms, t.tzid ? ianaOfTzid(t.tzid) : undefined);
  };
  const status = TODO_STATUS[text(todo, 'status')?.toUpperCase() ?? ''] ?? 'NotStarted';
  const task: TaskData = {
    kind: 'task',
    ...base,
    categories: [],
    ...(common(todo, lost) as Partial<TaskData>),
    status,
    percentComplete: Math.min(100, Math.max(0, Number(todo.getFirstPropertyValue('percent-complete') ?? (status === 'Completed' ? 100 : 0)))),
    reminderSet: false,
    companies: [],
  };
  const dates = { startDate: day('dtstart'), dueDate: day('due'), completeDate: day('completed') };
  for (const [k, v] of Object.entries(dates)) if (v) (task as unknown as Record<string, string>)[k] = v;
  const alarm = todo.getFirstSubcomponent('valarm');
  const trigger = alarm?.getFirstProperty('trigger');
  if (trigger) {
    const v = trigger.getFirstValue();
    const due = timeOf(todo, 'due', zones, lost) ?? timeOf(todo, 'dtstart', zones, lost);
    const at = v instanceof ICAL.Time ? instantOf(v, undefined, zones) : due && v instanceof ICAL.Duration ? due.ms + v.toSeconds() * 1000 : undefined;
    if (at !== undefined) Object.assign(task, { reminderSet: true, reminderDueBy: new Date(at).toISOString() });
    else lost.add('VALARM (an alarm relative to a missing date)');
  }
  const start = timeOf(todo, 'dtstart', zones, lost) ?? timeOf(todo, 'due', zones, lost);
  if (start) {
    const recurrence = recurrenceOf(todo, start, zones, lost);
    if (recurrence) task.recurrence = recurrence;
  } else if (todo.hasProperty('rrule')) lost.add('RRULE (a task without dates)');
  const unmapped = [...lost].sort();
  if (unmapped.length) task.unmapped = unmapped;
  const uid = text(todo, 'uid');
  if (uid) task.uid = uid;
  return task;
}
