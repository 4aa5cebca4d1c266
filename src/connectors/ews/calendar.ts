import { randomUUID } from 'node:crypto';
import {
  Appointment,
  AppointmentSchema,
  AppointmentType,
  Attendee as EwsAttendee,
  BasePropertySet,
  BodyType,
  CalendarView,
  ConflictResolutionMode,
  DateTime,
  DeleteMode,
  FolderId,
  ItemSchema,
  LegacyFreeBusyStatus,
  MessageBody,
  PropertySet,
  SendCancellationsMode,
  SendInvitationsMode,
  SendInvitationsOrCancellationsMode,
} from 'ews-javascript-api';
import type { AttendeeCollection, DeletedOccurrenceInfoCollection, EmailAddress, Item, OccurrenceInfoCollection, PropertyDefinitionBase, TimeZoneInfo } from 'ews-javascript-api';
import { TernError } from '../../errors';
import type { Attendee, EventData, ModifiedOccurrence } from '../../ports/pim-items';
import type { EwsContext } from './session';
import type { EwsFolder } from './types';
import { iso, prop } from './messages';
import { BASE_PROPERTIES, bindAll, readBase, writeBase } from './item-base';
import { fromEwsRecurrence, toEwsRecurrence } from './recurrence';
import { dateIn, ianaOf, midnightIn, windowsZone } from './timezones';
import { removeHalfCreated, saveNew } from './save';
import { readAttachments, writeAttachments } from './attachments';
import { child, findNodes, parseXml } from './soap';

/**
 * Calendar events. Attendees are copied as data only: the copy is saved with
 * SendMeetingInvitations=SendToNone and a UID of its own, so nobody is invited again and the
 * organizer's updates to the original meeting never land on the copy. A recurring event is
 * created from its pattern, then its modified occurrences are updated and its deleted ones
 * deleted, each found at its original start.
 */

export function eventProperties(): PropertyDefinitionBase[] {
  return [
    ...BASE_PROPERTIES,
    AppointmentSchema.Start,
    AppointmentSchema.End,
    AppointmentSchema.IsAllDayEvent,
    AppointmentSchema.Location,
    AppointmentSchema.StartTimeZone,
    AppointmentSchema.EndTimeZone,
    ItemSchema.IsReminderSet,
    ItemSchema.ReminderMinutesBeforeStart,
    AppointmentSchema.LegacyFreeBusyStatus,
    AppointmentSchema.Organizer,
    AppointmentSchema.RequiredAttendees,
    AppointmentSchema.OptionalAttendees,
    AppointmentSchema.Resources,
    AppointmentSchema.IsMeeting,
    AppointmentSchema.AppointmentType,
    AppointmentSchema.Recurrence,
    AppointmentSchema.ModifiedOccurrences,
    AppointmentSchema.DeletedOccurrences,
    ItemSchema.Attachments,
  ];
}

function attendee(a: EmailAddress | undefined): Attendee | undefined {
  if (!a?.Address) return undefined;
  return a.Name ? { name: a.Name, address: a.Address } : { address: a.Address };
}

function attendees(list: AttendeeCollection | undefined): Attendee[] {
  const items = (list as unknown as { Items?: EmailAddress[] } | undefined)?.Items ?? [];
  return items.flatMap((a) => attendee(a) ?? []);
}

function listOf<T>(collection: unknown): T[] {
  return (collection as { Items?: T[] } | undefined)?.Items ?? [];
}

/** An event time as the neutral shape has it: an instant, or for all-day events the local date. */
function timeOut(dt: DateTime | undefined, allDay: boolean, zoneId: string | undefined): string | undefined {
  if (!dt || Number.isNaN(dt.TotalMilliSeconds)) return undefined;
  return allDay ? dateIn(dt.TotalMilliSeconds, ianaOf(zoneId)) : new Date(dt.TotalMilliSeconds).toISOString();
}

function timeIn(value: string, zoneId: string | undefined): DateTime {
  const ms = value.length <= 10 ? midnightIn(value, ianaOf(zoneId)) : Date.parse(value);
  if (Number.isNaN(ms)) throw new TernError('ITEM_REFUSED', `An event has an invalid time (${value}); it cannot be copied.`);
  return new DateTime(ms);
}

export interface EventZones {
  start?: string;
  end?: string;
}

/**
 * The Windows time zone IDs of each calendar item in GetItem answers, by ItemId, read from the
 * XML: the library only keeps a time zone it can rebuild from a full definition (periods and
 * transitions), and drops the ID otherwise.
 */
export function zonesOf(responses: string[]): Map<string, EventZones> {
  const out = new Map<string, EventZones>();
  for (const xml of responses) {
    for (const item of findNodes(parseXml(xml), 'CalendarItem')) {
      const id = child(item, 'ItemId')?.attrs.Id;
      if (!id) continue;
      const zones: EventZones = {};
      const start = child(item, 'StartTimeZone')?.attrs.Id;
      const end = child(item, 'EndTimeZone')?.attrs.Id;
      if (start) zones.start = start;
      if (end) zones.end = end;
      out.set(id, zones);
    }
  }
  return out;
}

export async function readEvent(ctx: EwsContext, item: Item, folder: EwsFolder, zones: EventZones = {}, options: { attachments?: boolean } = {}): Promise<EventData> {
  const isAllDay = prop<boolean>(item, AppointmentSchema.IsAllDayEvent) ?? false;
  const startZone = zones.start ?? prop<TimeZoneInfo>(item, AppointmentSchema.StartTimeZone)?.Id;
  const endZone = zones.end ?? prop<TimeZoneInfo>(item, AppointmentSchema.EndTimeZone)?.Id ?? startZone;
  const data: EventData = {
    kind: 'event',
    ...readBase(item, folder),
    start: timeOut(prop<DateTime>(item, AppointmentSchema.Start), isAllDay, startZone) ?? '',
    end: timeOut(prop<DateTime>(item, AppointmentSchema.End), isAllDay, endZone) ?? '',
    isAllDay,
    reminderSet: prop<boolean>(item, ItemSchema.IsReminderSet) ?? false,
    requiredAttendees: attendees(prop<AttendeeCollection>(item, AppointmentSchema.RequiredAttendees)),
    optionalAttendees: attendees(prop<AttendeeCollection>(item, AppointmentSchema.OptionalAttendees)),
    resources: attendees(prop<AttendeeCollection>(item, AppointmentSchema.Resources)),
    isMeeting: prop<boolean>(item, AppointmentSchema.IsMeeting) ?? false,
    modifiedOccurrences: [],
    deletedOccurrences: [],
  };
  const location = prop<string>(item, AppointmentSchema.Location);
  if (location) data.location = location;
  if (startZone) data.startTimeZone = startZone;
  if (endZone) data.endTimeZone = endZone;
  // Exchange keeps a minutes value (15) on events without a reminder too: it means nothing there.
  const minutes = prop<number>(item, ItemSchema.ReminderMinutesBeforeStart);
  if (data.reminderSet && typeof minutes === 'number') data.reminderMinutes = Number(minutes);
  const busy = prop<LegacyFreeBusyStatus>(item, AppointmentSchema.LegacyFreeBusyStatus);
  if (busy !== undefined && LegacyFreeBusyStatus[busy]) data.busyStatus = LegacyFreeBusyStatus[busy] as EventData['busyStatus'];
  const organizer = attendee(prop<EmailAddress>(item, AppointmentSchema.Organizer));
  if (organizer) data.organizer = organizer;
  // The master's (or single event's) file attachments; a changed occurrence's own are not carried.
  const attachments = options.attachments === false ? undefined : await readAttachments(ctx, item);
  if (attachments) data.attachments = attachments;

  if (prop<AppointmentType>(item, AppointmentSchema.AppointmentType) === AppointmentType.RecurringMaster) {
    const recurrence = fromEwsRecurrence(prop(item, AppointmentSchema.Recurrence));
    if (recurrence) data.recurrence = recurrence;
    data.deletedOccurrences = listOf<{ OriginalStart: DateTime }>(prop<DeletedOccurrenceInfoCollection>(item, AppointmentSchema.DeletedOccurrences)).flatMap((d) => iso(d.OriginalStart) ?? []);
    data.modifiedOccurrences = await readModified(ctx, data, prop<OccurrenceInfoCollection>(item, AppointmentSchema.ModifiedOccurrences));
  }
  return data;
}

/** The changed occurrences of a master: their times, and whatever of subject, location and body differs. */
async function readModified(ctx: EwsContext, master: EventData, infos: OccurrenceInfoCollection | undefined): Promise<ModifiedOccurrence[]> {
  const list = listOf<{ ItemId: { UniqueId: string }; OriginalStart: DateTime }>(infos);
  if (!list.length) return [];
  const originals = new Map(list.map((o) => [o.ItemId.UniqueId, iso(o.OriginalStart)]));
  const props = [ItemSchema.Subject, ItemSchema.Body, AppointmentSchema.Location, AppointmentSchema.Start, AppointmentSchema.End];
  const occurrences = await bindAll(ctx, [...originals.keys()], props, 'reading changed occurrences');
  return occurrences.flatMap((occ): ModifiedOccurrence[] => {
    const originalStart = originals.get(occ.Id.UniqueId);
    const start = timeOut(prop<DateTime>(occ, AppointmentSchema.Start), master.isAllDay, master.startTimeZone);
    const end = timeOut(prop<DateTime>(occ, AppointmentSchema.End), master.isAllDay, master.endTimeZone);
    if (!originalStart || !start || !end) return [];
    const mo: ModifiedOccurrence = { originalStart, start, end };
    const subject = prop<string>(occ, ItemSchema.Subject);
    if (subject !== undefined && subject !== master.subject) mo.subject = subject;
    const location = prop<string>(occ, AppointmentSchema.Location);
    if (location !== undefined && location !== master.location) mo.location = location;
    const body = prop<MessageBody>(occ, ItemSchema.Body);
    if (body?.Text && body.Text !== master.body?.content) mo.body = { type: body.BodyType === BodyType.Text ? 'text' : 'html', content: body.Text };
    return [mo];
  });
}

function addAttendees(list: AttendeeCollection, people: Attendee[]): void {
  for (const p of people) list.Add(p.name ? new EwsAttendee(p.name, p.address) : new EwsAttendee(p.address));
}

export async function createEvent(ctx: EwsContext, folderId: string, data: EventData, stamp: string): Promise<string> {
  const appt = new Appointment(ctx.service);
  writeBase(appt, data, stamp);
  const startZone = windowsZone(data.startTimeZone);
  const endZone = windowsZone(data.endTimeZone ?? data.startTimeZone);
  if (startZone) appt.StartTimeZone = startZone;
  if (endZone) appt.EndTimeZone = endZone;
  appt.Start = timeIn(data.start, data.startTimeZone);
  appt.End = timeIn(data.end, data.endTimeZone ?? data.startTimeZone);
  appt.IsAllDayEvent = data.isAllDay;
  if (data.location) appt.Location = data.location;
  appt.IsReminderSet = data.reminderSet;
  if (data.reminderMinutes !== undefined) appt.ReminderMinutesBeforeStart = data.reminderMinutes;
  if (data.busyStatus) appt.LegacyFreeBusyStatus = LegacyFreeBusyStatus[data.busyStatus];
  addAttendees(appt.RequiredAttendees, data.requiredAttendees);
  addAttendees(appt.OptionalAttendees, data.optionalAttendees);
  addAttendees(appt.Resources, data.resources);
  if (data.recurrence) appt.Recurrence = toEwsRecurrence(data.recurrence);
  // Never the source's UID: the copy is a new meeting nobody else knows.
  appt.ICalUid = randomUUID().toUpperCase();
  writeAttachments(appt, data.attachments);
  const id = await saveNew(ctx, appt, 'saving a calendar event', () => appt.Save(new FolderId(folderId), SendInvitationsMode.SendToNone));
  if (data.recurrence && (data.modifiedOccurrences.length || data.deletedOccurrences.length)) {
    try {
      await applyExceptions(ctx, folderId, appt.ICalUid, data);
    } catch (err) {
      // A series without its exceptions would be wrong in silence: leave nothing, report the failure.
      await removeHalfCreated(ctx, appt);
      throw err;
    }
  }
  return id;
}

async function applyExceptions(ctx: EwsContext, folderId: string, uid: string, data: EventData): Promise<void> {
  const duration = Math.max(Date.parse(data.end) - Date.parse(data.start), 0) || 0;
  for (const mo of data.modifiedOccurrences) {
    const occ = await findOccurrence(ctx, folderId, uid, mo.originalStart, duration);
    if (!occ) throw missingOccurrence(ctx, data, mo.originalStart);
    occ.Start = timeIn(mo.start, data.startTimeZone);
    occ.End = timeIn(mo.end, data.endTimeZone ?? data.startTimeZone);
    if (mo.subject !== undefined) occ.Subject = mo.subject;
    if (mo.location !== undefined) occ.Location = mo.location;
    if (mo.body) occ.Body = new MessageBody(mo.body.type === 'text' ? BodyType.Text : BodyType.HTML, mo.body.content);
    await ctx.call('changing an occurrence', () => occ.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToNone));
  }
  for (const originalStart of data.deletedOccurrences) {
    const occ = await findOccurrence(ctx, folderId, uid, originalStart, duration);
    // Already not there (the pattern at the destination skips it): nothing to delete.
    if (!occ) continue;
    await ctx.call('deleting an occurrence', () => occ.Delete(DeleteMode.HardDelete, SendCancellationsMode.SendToNone));
  }
}

function missingOccurrence(ctx: EwsContext, data: EventData, originalStart: string): TernError {
  return new TernError(
    'PROTOCOL_ERROR',
    `Exchange server ${ctx.account.host} has no occurrence of "${data.subject ?? 'an event'}" at ${originalStart} to change; the series was not copied.`,
  );
}

/**
 * The still-unchanged occurrence of the new series that starts at `originalStart`, through a
 * calendar view around it. A few hours of slack cover a time zone the library maps slightly
 * differently (daylight saving); the nearest one wins.
 */
async function findOccurrence(ctx: EwsContext, folderId: string, uid: string, originalStart: string, durationMs: number): Promise<Appointment | undefined> {
  const at = Date.parse(originalStart);
  const slack = 3 * 3600_000;
  const view = new CalendarView(new DateTime(at - slack), new DateTime(at + durationMs + slack));
  view.PropertySet = new PropertySet(BasePropertySet.IdOnly, [AppointmentSchema.Start, AppointmentSchema.AppointmentType, AppointmentSchema.ICalUid]);
  const found = await ctx.call('finding an occurrence', () => ctx.service.FindAppointments(new FolderId(folderId), view));
  const candidates = found.Items.filter((a) => {
    const uidOf = prop<string>(a, AppointmentSchema.ICalUid);
    return prop<AppointmentType>(a, AppointmentSchema.AppointmentType) === AppointmentType.Occurrence && (!uidOf || uidOf === uid);
  });
  const distance = (a: Appointment) => Math.abs((prop<DateTime>(a, AppointmentSchema.Start)?.TotalMilliSeconds ?? Infinity) - at);
  const best = candidates.sort((a, b) => distance(a) - distance(b))[0];
  if (!best || distance(best) > slack) return undefined;
  return ctx.call('opening an occurrence', () => Appointment.Bind(ctx.service, best.Id, PropertySet.IdOnly));
}
