import type { ContactData, EventData, GroupData, PimItem, TaskData } from '../../ports/pim-items';
import { ianaOfWindows, vtimezoneOf } from './zones';

/**
 * What of a neutral item (read from Exchange, Graph or a PST) the vCard and iCalendar Tern writes
 * have no place for, by the source's field names: the step names them in the folder's report, as it
 * does for the DAV properties Exchange cannot hold. Kept next to vcard-write.ts and ical-write.ts:
 * a field those learn to write comes off this list.
 */
export function notCarriedToDav(item: PimItem): string[] {
  if (item.native) return []; // written as the source has it
  return [...common(item), ...byKind(item)];
}

function common(item: PimItem): string[] {
  const lost: string[] = [];
  // Only calendar objects carry ATTACH; a contact's or group's files have nowhere to go.
  if ((item.kind === 'contact' || item.kind === 'group') && item.attachments?.length) lost.push(`Attachments (${item.attachments.length})`);
  if ((item.kind === 'contact' || item.kind === 'group') && item.importance && item.importance !== 'Normal') lost.push('Importance');
  if ((item.kind === 'contact' || item.kind === 'group') && item.sensitivity && item.sensitivity !== 'Normal') lost.push('Sensitivity');
  return lost;
}

function byKind(item: PimItem): string[] {
  switch (item.kind) {
    case 'contact':
      return contact(item);
    case 'group':
      return group(item);
    case 'event':
      return event(item);
    case 'task':
      return task(item);
  }
}

function contact(c: ContactData): string[] {
  const lost: string[] = [];
  // FN takes the display name; a FileAs Exchange derived from the names (its default) is no loss.
  if (c.fileAs && c.displayName && !derivedFileAs(c).includes(c.fileAs)) lost.push('FileAs');
  if (c.initials) lost.push('Initials');
  if (c.officeLocation) lost.push('OfficeLocation');
  return lost;
}

function derivedFileAs(c: ContactData): string[] {
  const [given, sur] = [c.givenName ?? '', c.surname ?? ''];
  return [c.displayName, c.companyName, `${sur}, ${given}`, `${given} ${sur}`, sur, given].filter((v): v is string => !!v).map((v) => v.trim());
}

function group(g: GroupData): string[] {
  // A member with neither a migrated contact nor an address cannot be pointed at.
  const unreachable = g.members.filter((m) => !m.contactSourceId && !m.address).length;
  return unreachable ? [`Members without an address (${unreachable})`] : [];
}

function event(e: EventData): string[] {
  const lost: string[] = [];
  for (const [name, zone] of [['StartTimeZone', e.startTimeZone], ['EndTimeZone', e.endTimeZone]] as const) {
    const iana = !e.isAllDay && zone ? ianaOfWindows(zone) : undefined;
    // The times stay right (written in UTC); the zone the user sees them in does not.
    if (!e.isAllDay && zone && !(iana && vtimezoneOf(iana))) lost.push(`${name} (${zone})`);
  }
  if (!e.recurrence && (e.modifiedOccurrences.length || e.deletedOccurrences.length)) lost.push('Occurrence changes without a recurrence');
  return lost;
}

function task(t: TaskData): string[] {
  const lost: string[] = [];
  if (t.recurrence?.pattern.type === 'regenerating') lost.push('Recurrence (regenerating: "after completion" has no RRULE)');
  else if (t.recurrence && !t.startDate && !t.dueDate) lost.push('Recurrence (the task has no start or due date)');
  if (t.status === 'WaitingOnOthers' || t.status === 'Deferred') lost.push(`Status (${t.status})`);
  if (t.reminderSet && !t.reminderDueBy) lost.push('Reminder without a time');
  // Owner is left out: Exchange sets it to the mailbox's own user, whose calendar the task lands in.
  if (t.totalWorkMinutes) lost.push('TotalWork');
  if (t.actualWorkMinutes) lost.push('ActualWork');
  if (t.mileage) lost.push('Mileage');
  if (t.billingInformation) lost.push('BillingInformation');
  if (t.companies.length) lost.push('Companies');
  return lost;
}
