import ICAL from 'ical.js';
import type { Attendee, EventData, PimBase, TaskData } from '../../ports/pim-items';
import { toRule } from './recurrence';
import { STAMP_PROPERTY } from './stamp';
import { ianaOfWindows, vtimezoneOf, wallIn } from './zones';

type Component = InstanceType<typeof ICAL.Component>;

/** An item whose content iCalendar cannot hold: that item fails alone, with this reason. */
export class UnwritableItem extends Error {}

function calendar(): Component {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', '-//Tern//Tern migration//EN');
  return cal;
}

function add(c: Component, name: string, value: unknown, params: Record<string, string | string[]> = {}): void {
  if (value === undefined || value === null || value === '') return;
  const p = new ICAL.Property(name, c);
  p.setValue(value as string);
  for (const [k, v] of Object.entries(params)) p.setParameter(k, v);
  c.addProperty(p);
}

function dateValue(day: string) {
  const [year, month, d] = day.slice(0, 10).split('-').map(Number);
  return ICAL.Time.fromData({ year, month, day: d, isDate: true });
}

/** A time at `iso` in the zone (TZID=IANA, with its VTIMEZONE in the calendar), else in UTC. */
function timeProp(c: Component, name: string, iso: string, isDate: boolean, iana: string | undefined): void {
  if (isDate) return add(c, name, dateValue(iso), {});
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new UnwritableItem(`its ${name.toUpperCase()} (${iso}) is not a time`);
  if (!iana) return add(c, name, ICAL.Time.fromJSDate(new Date(ms), true));
  add(c, name, wallIn(ms, iana), { tzid: iana });
}

function base(c: Component, item: PimBase, uid: string, stamp: string): void {
  add(c, 'uid', uid);
  add(c, 'dtstamp', ICAL.Time.fromJSDate(new Date(), true));
  add(c, STAMP_PROPERTY.toLowerCase(), stamp);
  add(c, 'summary', item.subject);
  if (item.body?.type === 'html') {
    add(c, 'description', item.body.content.replace(/<[^>]+>/g, '').trim());
    add(c, 'x-alt-desc', item.body.content, { fmttype: 'text/html' });
  } else if (item.body?.content) add(c, 'description', item.body.content);
  if (item.categories.length) {
    const p = new ICAL.Property('categories', c);
    p.setValues(item.categories);
    c.addProperty(p);
  }
  if (item.importance === 'High') add(c, 'priority', 1);
  if (item.importance === 'Low') add(c, 'priority', 9);
  if (item.sensitivity === 'Private' || item.sensitivity === 'Personal') add(c, 'class', 'PRIVATE');
  if (item.sensitivity === 'Confidential') add(c, 'class', 'CONFIDENTIAL');
  for (const a of item.attachments ?? []) {
    add(c, 'attach', a.base64, { encoding: 'BASE64', value: 'BINARY', ...(a.contentType ? { fmttype: a.contentType } : {}), 'x-filename': a.name });
  }
}

function person(c: Component, name: 'attendee' | 'organizer', a: Attendee, params: Record<string, string> = {}): void {
  add(c, name, `mailto:${a.address}`, { ...(a.name ? { cn: a.name } : {}), ...params });
}

function rrule(c: Component, item: EventData | TaskData, iana: string | undefined, allDay: boolean): void {
  if (!item.recurrence) return;
  const rule = toRule(item.recurrence);
  if (!rule) return;
  const end = item.recurrence.end;
  // UNTIL is the end date's last moment where the item lives, in UTC (RFC 5545 for zoned starts).
  const until = end.type === 'endDate' ? (allDay ? `;UNTIL=${end.endDate.replace(/-/g, '')}` : `;UNTIL=${untilUtc(end.endDate, iana)}`) : '';
  c.addPropertyWithValue('rrule', ICAL.Recur.fromString(rule + until));
}

function untilUtc(day: string, iana: string | undefined): string {
  const lastMoment = Date.parse(`${day}T23:59:59Z`);
  const local = wallIn(lastMoment, iana);
  const shift = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - lastMoment;
  return new Date(lastMoment - shift).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function withZones(cal: Component, zones: Array<string | undefined>): void {
  for (const iana of new Set(zones.filter((z): z is string => !!z))) {
    const vtz = vtimezoneOf(iana);
    if (vtz) cal.addSubcomponent(vtz);
  }
}

export function eventIcs(item: EventData, uid: string, stamp: string): string {
  const cal = calendar();
  const startZone = item.isAllDay ? undefined : ianaOfWindows(item.startTimeZone);
  const endZone = item.isAllDay ? undefined : ianaOfWindows(item.endTimeZone ?? item.startTimeZone);
  const zoned = (z: string | undefined) => (z && vtimezoneOf(z) ? z : undefined);
  const [sz, ez] = [zoned(startZone), zoned(endZone)];
  withZones(cal, [sz, ez]);
  const ev = new ICAL.Component('vevent');
  base(ev, item, uid, stamp);
  timeProp(ev, 'dtstart', item.start, item.isAllDay, sz);
  timeProp(ev, 'dtend', item.end, item.isAllDay, ez);
  add(ev, 'location', item.location);
  if (item.busyStatus) {
    add(ev, 'transp', item.busyStatus === 'Free' ? 'TRANSPARENT' : 'OPAQUE');
    add(ev, 'x-microsoft-cdo-busystatus', item.busyStatus.toUpperCase());
  }
  if (item.organizer) person(ev, 'organizer', item.organizer);
  for (const a of item.requiredAttendees) person(ev, 'attendee', a, { role: 'REQ-PARTICIPANT' });
  for (const a of item.optionalAttendees) person(ev, 'attendee', a, { role: 'OPT-PARTICIPANT' });
  for (const a of item.resources) person(ev, 'attendee', a, { cutype: 'RESOURCE' });
  rrule(ev, item, sz, item.isAllDay);
  if (item.recurrence) {
    for (const gone of item.deletedOccurrences) timeProp(ev, 'exdate', item.isAllDay ? gone.slice(0, 10) : gone, item.isAllDay, sz);
  }
  if (item.reminderSet) {
    const alarm = new ICAL.Component('valarm');
    add(alarm, 'action', 'DISPLAY');
    add(alarm, 'description', item.subject ?? 'Reminder');
    add(alarm, 'trigger', ICAL.Duration.fromSeconds(-60 * (item.reminderMinutes ?? 15)));
    ev.addSubcomponent(alarm);
  }
  cal.addSubcomponent(ev);
  if (item.recurrence) {
    for (const mo of item.modifiedOccurrences) {
      const o = new ICAL.Component('vevent');
      add(o, 'uid', uid);
      add(o, 'dtstamp', ICAL.Time.fromJSDate(new Date(), true));
      timeProp(o, 'recurrence-id', item.isAllDay ? mo.originalStart.slice(0, 10) : mo.originalStart, item.isAllDay, sz);
      timeProp(o, 'dtstart', mo.start, item.isAllDay, sz);
      timeProp(o, 'dtend', mo.end, item.isAllDay, ez);
      add(o, 'summary', mo.subject ?? item.subject);
      add(o, 'location', mo.location ?? item.location);
      const body = mo.body ?? item.body;
      if (body?.content) add(o, 'description', body.type === 'html' ? body.content.replace(/<[^>]+>/g, '').trim() : body.content);
      cal.addSubcomponent(o);
    }
  }
  return cal.toString() + '\r\n';
}

const TODO_STATUS: Record<TaskData['status'], string> = { NotStarted: 'NEEDS-ACTION', InProgress: 'IN-PROCESS', Completed: 'COMPLETED', WaitingOnOthers: 'NEEDS-ACTION', Deferred: 'CANCELLED' };

export function taskIcs(item: TaskData, uid: string, stamp: string): string {
  const cal = calendar();
  const todo = new ICAL.Component('vtodo');
  base(todo, item, uid, stamp);
  if (item.startDate) add(todo, 'dtstart', dateValue(item.startDate));
  if (item.dueDate) add(todo, 'due', dateValue(item.dueDate));
  if (item.completeDate) add(todo, 'completed', ICAL.Time.fromJSDate(new Date(`${item.completeDate.slice(0, 10)}T00:00:00Z`), true));
  add(todo, 'status', TODO_STATUS[item.status]);
  add(todo, 'percent-complete', item.percentComplete);
  if (item.startDate || item.dueDate) rrule(todo, item, undefined, true);
  if (item.reminderSet && item.reminderDueBy) {
    const alarm = new ICAL.Component('valarm');
    add(alarm, 'action', 'DISPLAY');
    add(alarm, 'description', item.subject ?? 'Reminder');
    const trigger = new ICAL.Property('trigger', alarm);
    trigger.setValue(ICAL.Time.fromJSDate(new Date(item.reminderDueBy), true));
    trigger.setParameter('value', 'DATE-TIME');
    alarm.addProperty(trigger);
    todo.addSubcomponent(alarm);
  }
  cal.addSubcomponent(todo);
  return cal.toString() + '\r\n';
}
