import type { Attendee, ContactData, EventData, GroupData, GroupMember, PhoneKey, PimBase, PimItem, PostalAddress, TaskData } from '../../ports/pim-items';
import type { PstAppointment, PstContact, PstDistList, PstItem, PstTask } from './items';
import { parseAppointmentRecurrence, parseRecurrencePattern, toRecurrence, type AppointmentRecurrence } from './recurrence-blob';
import { parseTimeZoneStruct, parseTzDefinition, windowsZoneId, type TzRule } from './timezone';

/**
 * A PST item (items.ts, as the reader thread gives it) in the neutral shape every destination
 * writes from (pim.ts). Pure and total: it never throws. What the PST cannot say is left out; a
 * recurrence that cannot be read or expressed (a damaged blob, a lunar calendar) leaves the event
 * or task as its single stored occurrence rather than failing its whole batch.
 */
export function toPim(item: PstItem): PimItem {
  switch (item.kind) {
    case 'contact':
      return contactOf(item);
    case 'distList':
      return groupOf(item);
    case 'appointment':
      return eventOf(item);
    case 'task':
      return taskOf(item);
  }
}

const IMPORTANCE = ['Low', 'Normal', 'High'] as const;
const SENSITIVITY = ['Normal', 'Personal', 'Private', 'Confidential'] as const;
const BUSY = ['Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere'] as const;
const TASK_STATUS = ['NotStarted', 'InProgress', 'Completed', 'WaitingOnOthers', 'Deferred'] as const;

/** items.ts phone names → EWS PhoneKey. */
const PHONES: Record<string, PhoneKey> = {
  business: 'BusinessPhone',
  business2: 'BusinessPhone2',
  businessFax: 'BusinessFax',
  home: 'HomePhone',
  home2: 'HomePhone2',
  homeFax: 'HomeFax',
  mobile: 'MobilePhone',
  other: 'OtherTelephone',
  otherFax: 'OtherFax',
  pager: 'Pager',
  car: 'CarPhone',
  assistant: 'AssistantPhone',
  companyMain: 'CompanyMainPhone',
  primary: 'PrimaryPhone',
  callback: 'Callback',
  isdn: 'Isdn',
  radio: 'RadioPhone',
  telex: 'Telex',
  ttyTdd: 'TtyTddPhone',
};

function baseOf(i: PstItem): PimBase {
  return defined({
    sourceId: i.sourceId,
    folder: i.folder,
    subject: i.subject || undefined,
    body: bodyOf(i.bodyHtml, i.body),
    categories: i.categories ?? [],
    importance: i.importance === undefined ? undefined : IMPORTANCE[i.importance],
    sensitivity: i.sensitivity === undefined ? undefined : SENSITIVITY[i.sensitivity],
    // Already pim.ts's shape (items.ts reads file attachments only, never the contact photo).
    attachments: i.attachments?.length ? i.attachments.map((a) => defined({ ...a })) : undefined,
  });
}

/** HTML when the item has it (Outlook keeps it in sync with the text), else the text; blank bodies dropped. */
function bodyOf(html?: string, text?: string): PimBase['body'] {
  if (html?.trim()) return { type: 'html', content: html };
  if (text?.trim()) return { type: 'text', content: text };
  return undefined;
}

function contactOf(c: PstContact): ContactData {
  const phones: ContactData['phones'] = {};
  for (const [name, number] of Object.entries(c.phones)) if (PHONES[name] && number) phones[PHONES[name]] = number;
  const addresses: ContactData['addresses'] = {};
  for (const [from, to] of [['business', 'Business'], ['home', 'Home'], ['other', 'Other']] as const) {
    const a = c.addresses[from];
    if (a) addresses[to] = addressOf(a);
  }
  return defined({
    ...baseOf(c),
    kind: 'contact' as const,
    displayName: c.displayName || undefined,
    fileAs: c.fileAs,
    givenName: c.givenName,
    middleName: c.middleName,
    surname: c.surname,
    nickname: c.nickname,
    initials: c.initials,
    generation: c.generation,
    companyName: c.companyName,
    department: c.departmentName,
    jobTitle: c.jobTitle,
    officeLocation: c.officeLocation,
    manager: c.manager,
    assistantName: c.assistant,
    profession: c.profession,
    spouseName: c.spouseName,
    emails: c.emails.map((e) =>
      defined({
        key: `EmailAddress${e.slot ?? 1}` as const,
        // An Exchange (EX) entry keeps its SMTP address in the original display name.
        address: e.type === 'EX' && e.originalDisplayName?.includes('@') ? e.originalDisplayName : e.address,
        name: e.displayName,
      }),
    ),
    phones,
    addresses,
    imAddresses: c.imAddress ? { ImAddress1: c.imAddress } : {},
    birthday: dateOnly(c.birthdayLocal, c.birthday),
    anniversary: dateOnly(c.anniversaryLocal, c.anniversary),
    businessHomePage: c.homePage,
    photo: c.photo,
  });
}

/** EWS addresses have no PO box: it goes on a line of its own after the street, as Outlook prints it. */
function addressOf(a: NonNullable<PstContact['addresses']['home']>): PostalAddress {
  const street = a.poBox && !a.street?.includes(a.poBox) ? [a.street, a.poBox].filter(Boolean).join('\n') : a.street;
  return defined({ street, city: a.city, state: a.state, postalCode: a.postalCode, country: a.country });
}

/**
 * "YYYY-MM-DD". PidLidBirthdayLocal (Outlook 2010+) is the date at 00:00 UTC: exact. Older files
 * have only PidTagBirthday, the local midnight of the writer's zone as UTC: the nearest UTC
 * midnight gives the date for zones from UTC-11 to UTC+11.
 */
function dateOnly(local?: string, instant?: string): string | undefined {
  if (local) return local.slice(0, 10);
  const ms = instant ? Date.parse(instant) : NaN;
  return Number.isNaN(ms) ? undefined : new Date(Math.round(ms / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
}

function groupOf(g: PstDistList): GroupData {
  const entries = g.entries?.length ? g.entries : g.members;
  const members: GroupMember[] = entries.map((m) =>
    defined({
      name: m.name,
      address: m.address || undefined,
      routingType: m.addressType ?? (m.address ? 'SMTP' : undefined),
      contactSourceId: 'contactRef' in m ? m.contactRef : undefined,
    }),
  );
  return { ...baseOf(g), kind: 'group', displayName: g.displayName || g.subject, members };
}

function eventOf(a: PstAppointment): EventData {
  const recurDef = tzDefinition(a.timeZoneRecur);
  const startDef = tzDefinition(a.timeZoneStartDisplay);
  const endDef = tzDefinition(a.timeZoneEndDisplay);
  const struct = a.timeZoneStruct ? parseTimeZoneStruct(Buffer.from(a.timeZoneStruct, 'base64')) : undefined;
  // The blob's local times are in the series' zone: the dated rules of the recurrence definition
  // when Outlook wrote one (they know past rule changes), else the single current rule.
  const rules: TzRule[] | undefined = recurDef?.rules.length ? recurDef.rules : struct ? [struct] : undefined;
  const rec = a.isRecurring && a.recurrenceBlob ? recurrenceOf(a, rules) : undefined;
  const seriesZone = windowsZoneId({ keyName: recurDef?.keyName ?? startDef?.keyName, description: a.timeZone, rule: struct ?? rules?.at(-1) });
  const startZone = rec ? seriesZone : (windowsZoneId({ keyName: startDef?.keyName }) ?? seriesZone);
  const endZone = rec ? seriesZone : (windowsZoneId({ keyName: endDef?.keyName }) ?? startZone);
  const { organizer, required, optional, resources } = peopleOf(a);
  return defined({
    ...baseOf(a),
    kind: 'event' as const,
    start: a.start ?? a.end ?? '',
    end: a.end ?? a.start ?? '',
    isAllDay: a.allDay,
    location: a.location,
    startTimeZone: startZone,
    endTimeZone: endZone,
    reminderSet: a.reminderSet ?? a.reminderMinutes !== undefined,
    reminderMinutes: a.reminderMinutes,
    busyStatus: BUSY[a.busyStatus],
    organizer,
    requiredAttendees: required,
    optionalAttendees: optional,
    resources,
    isMeeting: a.isMeeting,
    recurrence: rec?.recurrence,
    modifiedOccurrences: (rec?.modifiedOccurrences ?? []).map(({ hasBody, ...m }) => {
      // The blob says whether the occurrence has its own body; the body itself is in its exception message.
      const ex = a.exceptions?.find((e) => e.originalStart === m.originalStart) ?? a.exceptions?.find((e) => e.start === m.start);
      return defined({ ...m, body: hasBody && ex ? bodyOf(ex.bodyHtml, ex.body) : undefined });
    }),
    deletedOccurrences: rec?.deletedOccurrences ?? [],
  });
}

function recurrenceOf(a: PstAppointment, rules: TzRule[] | undefined): AppointmentRecurrence | undefined {
  try {
    return parseAppointmentRecurrence(Buffer.from(a.recurrenceBlob!, 'base64'), { rules, masterStart: a.start });
  } catch {
    return undefined; // damaged or inexpressible: the event keeps its first occurrence (see toPim)
  }
}

function tzDefinition(b64?: string) {
  return b64 ? parseTzDefinition(Buffer.from(b64, 'base64')) : undefined;
}

const hasAddress = (address?: string): address is string => Boolean(address && /^[^\s@]+@[^\s@]+$/.test(address.trim()));

/**
 * Attendees from the recipient rows (they carry addresses); failing those, from the attendee
 * strings, which mostly hold display names only, so only entries with an address survive. The
 * organizer is the sender when that is an SMTP address (a PST may say "Unknown"), else the
 * organizer's recipient row.
 */
function peopleOf(a: PstAppointment) {
  const person = (name: string | undefined, address: string): Attendee => defined({ name: name && name !== address ? name : undefined, address: address.trim() });
  const rows = a.attendees ?? [];
  const listed = rows.filter((r) => !r.organizer && hasAddress(r.address));
  const ofType = (type: number) => listed.filter((r) => r.type === type).map((r) => person(r.name, r.address!));
  const organizerRow = rows.find((r) => r.organizer && hasAddress(r.address));
  const organizer = hasAddress(a.organizer?.address)
    ? person(a.organizer!.name, a.organizer!.address!)
    : organizerRow
      ? person(organizerRow.name, organizerRow.address!)
      : undefined;
  if (rows.length) return { organizer, required: ofType(1), optional: ofType(2), resources: ofType(3) };
  return { organizer, required: fromString(a.requiredAttendees), optional: fromString(a.optionalAttendees), resources: [] };
}

function fromString(list: string): Attendee[] {
  return (list || '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => {
      const named = /^"?(.*?)"?\s*<([^<>\s]+@[^<>\s]+)>$/.exec(p);
      if (named) return [defined({ name: named[1] || undefined, address: named[2] })];
      return hasAddress(p) ? [{ address: p }] : [];
    });
}

function taskOf(t: PstTask): TaskData {
  let recurrence: TaskData['recurrence'];
  if (t.isRecurring && t.recurrenceBlob) {
    try {
      recurrence = toRecurrence(parseRecurrencePattern(Buffer.from(t.recurrenceBlob, 'base64')));
    } catch {
      recurrence = undefined; // as for events: the task stays, without its recurrence
    }
  }
  const percent = t.percentComplete > 1 ? t.percentComplete : t.percentComplete * 100;
  return defined({
    ...baseOf(t),
    kind: 'task' as const,
    startDate: taskDate(t.start),
    dueDate: taskDate(t.due),
    completeDate: taskDate(t.completedAt),
    status: TASK_STATUS[t.status] ?? 'NotStarted',
    percentComplete: Math.min(100, Math.max(0, Math.round(percent || 0))),
    recurrence,
    reminderSet: Boolean(t.reminderSet),
    reminderDueBy: t.reminderSet ? t.reminderTime : undefined,
    owner: t.owner,
    totalWorkMinutes: t.estimatedEffort,
    actualWorkMinutes: t.actualEffort,
    mileage: t.mileage,
    billingInformation: t.billing,
    companies: t.companies ?? [],
  });
}

/**
 * Task dates are dates: Outlook stores the local date at 00:00, with no zone conversion
 * (MS-OXOTASK), so the stored value's date is the date. 4501-01-01 means "none".
 */
function taskDate(value?: string): string | undefined {
  return value && value < '4500' ? value.slice(0, 10) : undefined;
}

/** The object without its undefined fields: plain data, the same after a copy across threads or a JSON round trip. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
