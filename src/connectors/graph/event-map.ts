import type { Attendee, EventData } from '../../ports/pim-items';
import { STAMP_PROPERTY, valueOf, type ExtendedProperty } from './extended';
import { fromGraphRecurrence, toGraphRecurrence, type GraphRecurrence } from './recurrence';
import { fromGraphTime, toGraphTime, type GraphDateTime } from './times';

/**
 * Calendar events between the neutral shape and Graph's event. Graph sends meeting requests to
 * every attendee of an event it creates, and has no switch to stop it; Tern never invites anyone
 * again, so a copied meeting's organizer and attendees are kept as data (a named property Tern
 * reads back, and Outlook's own "To"/"Cc" attendee lines), not as Graph attendees.
 */
const MEETING_PROPERTY = 'String {00020329-0000-0000-C000-000000000046} Name TernMeeting';
/** PidLidToAttendeesString, PidLidCcAttendeesString: the attendee lines Outlook shows. */
const TO_ATTENDEES = 'String {00062002-0000-0000-C000-000000000046} Id 0x823B';
const CC_ATTENDEES = 'String {00062002-0000-0000-C000-000000000046} Id 0x823C';

export const EVENT_PROPERTIES = [STAMP_PROPERTY, MEETING_PROPERTY];

const SHOW_AS: Record<NonNullable<EventData['busyStatus']>, string> = { Free: 'free', Tentative: 'tentative', Busy: 'busy', OOF: 'oof', WorkingElsewhere: 'workingElsewhere', NoData: 'unknown' };

interface GraphRecipient {
  emailAddress?: { name?: string | null; address?: string | null };
}

export interface GraphEvent {
  id?: string;
  subject?: string | null;
  body?: { contentType?: string; content?: string | null } | null;
  categories?: string[];
  importance?: string;
  sensitivity?: string;
  isAllDay?: boolean;
  start?: GraphDateTime;
  end?: GraphDateTime;
  originalStartTimeZone?: string | null;
  originalEndTimeZone?: string | null;
  location?: { displayName?: string | null } | null;
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  showAs?: string;
  organizer?: GraphRecipient | null;
  attendees?: Array<GraphRecipient & { type?: string }>;
  recurrence?: GraphRecurrence | null;
  type?: string;
  seriesMasterId?: string | null;
  originalStart?: string | null;
  cancelledOccurrences?: string[];
  exceptionOccurrences?: GraphEvent[];
  singleValueExtendedProperties?: ExtendedProperty[];
}

interface Meeting {
  organizer?: Attendee;
  requiredAttendees: Attendee[];
  optionalAttendees: Attendee[];
  resources: Attendee[];
}

const cap = (s: string | undefined) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : undefined);
const line = (list: Attendee[]) => list.map((a) => a.name ?? a.address).join('; ');

export function toGraphEvent(e: EventData, stamp: string): GraphEvent {
  const out: GraphEvent = {
    subject: e.subject ?? '',
    categories: e.categories,
    isAllDay: e.isAllDay,
    start: toGraphTime(e.start, e.startTimeZone),
    end: toGraphTime(e.end, e.endTimeZone ?? e.startTimeZone),
    isReminderOn: e.reminderSet,
    showAs: SHOW_AS[e.busyStatus ?? 'Busy'],
  };
  if (e.body) out.body = { contentType: e.body.type, content: e.body.content };
  if (e.importance) out.importance = e.importance.toLowerCase();
  if (e.sensitivity) out.sensitivity = e.sensitivity.toLowerCase();
  if (e.location) out.location = { displayName: e.location };
  if (e.reminderSet && e.reminderMinutes !== undefined) out.reminderMinutesBeforeStart = e.reminderMinutes;
  if (e.recurrence) out.recurrence = toGraphRecurrence(e.recurrence, e.startTimeZone) ?? null;
  const props: ExtendedProperty[] = [{ id: STAMP_PROPERTY, value: stamp }];
  if (e.isMeeting || e.requiredAttendees.length + e.optionalAttendees.length + e.resources.length > 0) {
    const meeting: Meeting = { organizer: e.organizer, requiredAttendees: e.requiredAttendees, optionalAttendees: e.optionalAttendees, resources: e.resources };
    props.push({ id: MEETING_PROPERTY, value: JSON.stringify(meeting) });
    if (e.requiredAttendees.length) props.push({ id: TO_ATTENDEES, value: line(e.requiredAttendees) });
    if (e.optionalAttendees.length) props.push({ id: CC_ATTENDEES, value: line(e.optionalAttendees) });
  }
  out.singleValueExtendedProperties = props;
  return out;
}

function person(r: GraphRecipient | null | undefined): Attendee | undefined {
  const address = r?.emailAddress?.address;
  if (!address) return undefined;
  return r.emailAddress?.name ? { name: r.emailAddress.name, address } : { address };
}

export function fromGraphEvent(g: GraphEvent, folder: string): EventData & { stamp?: string } {
  const props = g.singleValueExtendedProperties;
  const isAllDay = g.isAllDay === true;
  const startZone = g.originalStartTimeZone ?? g.start?.timeZone ?? undefined;
  const endZone = g.originalEndTimeZone ?? g.end?.timeZone ?? undefined;
  const kept = valueOf(props, MEETING_PROPERTY);
  const attendees = (type: string) => (g.attendees ?? []).filter((a) => (a.type ?? 'required') === type).flatMap((a) => person(a) ?? []);
  const meeting: Meeting = kept ? (JSON.parse(kept) as Meeting) : { organizer: person(g.organizer), requiredAttendees: attendees('required'), optionalAttendees: attendees('optional'), resources: attendees('resource') };
  const e: EventData & { stamp?: string } = {
    kind: 'event',
    sourceId: String(g.id),
    folder,
    subject: g.subject ?? undefined,
    categories: g.categories ?? [],
    start: fromGraphTime(g.start, isAllDay) ?? '',
    end: fromGraphTime(g.end, isAllDay) ?? '',
    isAllDay,
    reminderSet: g.isReminderOn === true,
    requiredAttendees: meeting.requiredAttendees,
    optionalAttendees: meeting.optionalAttendees,
    resources: meeting.resources,
    isMeeting: Boolean(kept) || (g.attendees ?? []).length > 0,
    modifiedOccurrences: [],
    deletedOccurrences: [],
  };
  if (meeting.organizer && e.isMeeting) e.organizer = meeting.organizer;
  if (startZone && startZone !== 'tzone://Microsoft/Custom') e.startTimeZone = startZone;
  if (endZone && endZone !== 'tzone://Microsoft/Custom') e.endTimeZone = endZone;
  if (g.body?.content) e.body = { type: g.body.contentType === 'html' ? 'html' : 'text', content: g.body.content };
  if (g.importance) e.importance = cap(g.importance) as EventData['importance'];
  if (g.sensitivity) e.sensitivity = cap(g.sensitivity) as EventData['sensitivity'];
  if (g.location?.displayName) e.location = g.location.displayName;
  if (e.reminderSet && typeof g.reminderMinutesBeforeStart === 'number') e.reminderMinutes = g.reminderMinutesBeforeStart;
  const busy = Object.entries(SHOW_AS).find(([, v]) => v === g.showAs)?.[0];
  if (busy) e.busyStatus = busy as EventData['busyStatus'];
  const recurrence = fromGraphRecurrence(g.recurrence);
  if (recurrence) e.recurrence = recurrence;
  for (const x of g.exceptionOccurrences ?? []) {
    if (!x.originalStart) continue;
    e.modifiedOccurrences.push({
      originalStart: new Date(x.originalStart).toISOString(),
      start: fromGraphTime(x.start, isAllDay) ?? '',
      end: fromGraphTime(x.end, isAllDay) ?? '',
      ...(x.subject && x.subject !== g.subject ? { subject: x.subject } : {}),
      ...(x.location?.displayName && x.location.displayName !== g.location?.displayName ? { location: x.location.displayName } : {}),
    });
  }
  // "OID.{master id}.{date}": the day of each deleted occurrence, at the series' time of day.
  const timeOfDay = e.start.length > 10 ? e.start.slice(10) : 'T00:00:00.000Z';
  for (const c of g.cancelledOccurrences ?? []) {
    const date = /(\d{4}-\d{2}-\d{2})$/.exec(c)?.[1];
    if (date) e.deletedOccurrences.push(isAllDay ? date : new Date(`${date}${timeOfDay}`).toISOString());
  }
  const stamp = valueOf(props, STAMP_PROPERTY);
  if (stamp) e.stamp = stamp;
  return e;
}
