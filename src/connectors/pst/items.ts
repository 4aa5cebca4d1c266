import type { PSTMessage } from 'pst-extractor';
import type { PSTAppointment } from 'pst-extractor/dist/PSTAppointment.class';
import type { PSTContact } from 'pst-extractor/dist/PSTContact.class';
import type { PSTTask } from 'pst-extractor/dist/PSTTask.class';
import { attendeesOf, bodiesOf, exceptionsOf, timeZoneFieldsOf, type PstAttendee, type PstException } from './appointment';
import { attachmentBytes } from './compose';
import { attachmentCount } from './tables';
import { distListEntries, oneOffMembers, type PstDistListEntry } from './dist-list';
import { itemKindOf } from './folders';
import { iso, namedBinary, namedBool, namedDate, namedMultiString, namedString, PSETID_ADDRESS, PSETID_COMMON, PSETID_TASK, safe, tagBool } from './props';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_BYTES_PER_ITEM } from '../attachment-limits';

export type { PstAttendee, PstDistListEntry, PstException };

/**
 * Neutral shapes of the PST's non-mail items, for destinations that take them (Exchange). Plain
 * data (structured-clone safe: they cross the reader thread's boundary); dates as ISO strings.
 * to-pim.ts turns them into the pim.ts shapes that every destination writes from.
 */
export type PstItemKind = 'contact' | 'distList' | 'appointment' | 'task';

interface Base {
  /** Stable within the file (the item's node ID): a re-import finds the same IDs. */
  sourceId: string;
  /** PST folder path the item sits in, e.g. "Contacts". */
  folder: string;
  subject: string;
  body?: string;
  bodyHtml?: string;
  categories: string[];
  createdAt?: string;
  modifiedAt?: string;
  /** PidTagImportance: 0 low, 1 normal, 2 high. */
  importance?: number;
  /** PidTagSensitivity: 0 normal, 1 personal, 2 private, 3 confidential. */
  sensitivity?: number;
  /** File attachments (contacts, appointments, tasks), as pim.ts carries them; see fileAttachmentsOf. */
  attachments?: PstFileAttachment[];
}

export interface PstFileAttachment {
  name: string;
  contentType?: string;
  base64: string;
  contentId?: string;
  isInline?: boolean;
}

export interface PstContact extends Base {
  kind: 'contact';
  displayName: string;
  givenName?: string;
  middleName?: string;
  surname?: string;
  nickname?: string;
  title?: string;
  companyName?: string;
  departmentName?: string;
  jobTitle?: string;
  initials?: string;
  /** Name suffix (Jr., III). */
  generation?: string;
  officeLocation?: string;
  manager?: string;
  assistant?: string;
  profession?: string;
  spouseName?: string;
  /** `slot`: Outlook's E-mail 1/2/3; `originalDisplayName`: holds the SMTP address of an EX entry. */
  emails: Array<{ address: string; displayName?: string; type?: string; slot: 1 | 2 | 3; originalDisplayName?: string }>;
  phones: Record<string, string>;
  addresses: Partial<Record<'business' | 'home' | 'other', { street?: string; city?: string; state?: string; postalCode?: string; country?: string; poBox?: string }>>;
  /** PidTagBirthday / PidTagWeddingAnniversary (ISO instants: local midnight or noon, as written). */
  birthday?: string;
  anniversary?: string;
  /** PidLidBirthdayLocal / PidLidWeddingAnniversaryLocal (Outlook 2010+): the date at 00:00 UTC. */
  birthdayLocal?: string;
  anniversaryLocal?: string;
  homePage?: string;
  imAddress?: string;
  fileAs?: string;
  /** The contact picture (PidTagAttachmentContactPhoto attachment), base64. */
  photo?: { name: string; contentType: string; base64: string };
}

export interface PstDistList extends Base {
  kind: 'distList';
  displayName: string;
  /** Members as far as the PST names them (one-off entries: name and address). */
  members: Array<{ name?: string; address: string; addressType?: string }>;
  /** Every member in list order, with `contactRef` (a contact's sourceId) when it is a contact of this PST. */
  entries: PstDistListEntry[];
}

export interface PstAppointment extends Base {
  kind: 'appointment';
  start?: string;
  end?: string;
  allDay: boolean;
  location?: string;
  busyStatus: number;
  organizer?: { name?: string; address?: string; addressType?: string };
  /** PidLidToAttendeesString / PidLidCcAttendeesString: "; "-joined names, as Outlook shows them. */
  requiredAttendees: string;
  optionalAttendees: string;
  /** The recipient rows (with addresses), when the item has them. */
  attendees: PstAttendee[];
  isRecurring: boolean;
  /** Human-readable recurrence description ("every Monday …") as Outlook stored it. */
  recurrencePattern?: string;
  /** MS-OXOCAL AppointmentRecurrencePattern blob, base64, for an exact rebuild. */
  recurrenceBlob?: string;
  /** Outlook's time zone description (PidLidTimeZoneDescription), e.g. "(GMT+01:00) Paris". */
  timeZone?: string;
  /** PidLidTimeZoneStruct (bias and DST rules), base64, when present. */
  timeZoneStruct?: string;
  /** TZDEFINITIONs (Outlook 2007+), base64: of the start, of the end, and of the recurrence. */
  timeZoneStartDisplay?: string;
  timeZoneEndDisplay?: string;
  timeZoneRecur?: string;
  /** Modified occurrences as their exception attachments hold them (their own bodies live there only). */
  exceptions: PstException[];
  reminderSet: boolean;
  reminderMinutes?: number;
  /** Meeting items are imported as appointments; invitations are never sent. */
  isMeeting: boolean;
}

export interface PstTask extends Base {
  kind: 'task';
  start?: string;
  due?: string;
  completedAt?: string;
  /** 0 not started, 1 in progress, 2 complete, 3 waiting, 4 deferred (MS-OXOTASK). */
  status: number;
  /** PidLidPercentComplete: 0.0 to 1.0. */
  percentComplete: number;
  isRecurring: boolean;
  /** PidLidTaskRecurrence (a RecurrencePattern structure), base64. */
  recurrenceBlob?: string;
  owner?: string;
  reminderSet: boolean;
  /** PidLidReminderTime (ISO). */
  reminderTime?: string;
  /** PidLidTaskEstimatedEffort / PidLidTaskActualEffort, minutes. */
  estimatedEffort?: number;
  actualEffort?: number;
  mileage?: string;
  billing?: string;
  companies: string[];
}

export type PstItem = PstContact | PstDistList | PstAppointment | PstTask;

export function readItem(msg: PSTMessage, folder: string): PstItem | undefined {
  const kind = itemKindOf(msg.messageClass);
  if (!kind) return undefined;
  const base: Base = {
    sourceId: msg.descriptorNodeId.toString(),
    folder,
    subject: msg.subject,
    ...bodiesOf(msg),
    categories: msg.colorCategories ?? [],
    createdAt: iso(msg.creationTime),
    modifiedAt: iso(msg.modificationTime),
    importance: safe(() => msg.importance),
    sensitivity: safe(() => msg.sensitivity),
  };
  if (kind === 'distList') {
    return { ...base, kind, displayName: msg.displayName || msg.subject, members: safe(() => oneOffMembers(msg)) ?? [], entries: safe(() => distListEntries(msg)) ?? [] };
  }
  // Contacts, appointments and tasks carry their file attachments (a list's would be Outlook's own).
  const attachments = safe(() => attachmentCount(msg)) ? safe(() => fileAttachmentsOf(msg, base.bodyHtml)) : undefined;
  if (attachments?.length) base.attachments = attachments;
  if (kind === 'contact') return contactOf(msg as PSTContact, base);
  if (kind === 'appointment') return appointmentOf(msg as PSTAppointment, base);
  return taskOf(msg as PSTTask, base);
}

const ATTACH_BY_VALUE = 1;
const PR_ATTACHMENT_HIDDEN = 0x7ffe;
/** Bounds, as every connector keeps them (attachment-limits.ts); skipped attachments are left out in silence. */
export { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_BYTES_PER_ITEM } from '../attachment-limits';
/** PidTagAttachSize counts the attachment object's properties too: a little slack before reading. */
const SIZE_SLACK = 64 * 1024;

/**
 * The item's file attachments (attachMethod ATTACH_BY_VALUE), content as base64 (structured-clone
 * safe for the thread boundary). Left out: embedded messages (a recurring appointment's
 * exceptions are such attachments; other embedded items are not carried either), reference and
 * OLE attachments, the contact photo (PidTagAttachmentContactPhoto: PstContact.photo has it), and
 * what passes the bounds above. An attachment with a Content-ID is inline when hidden
 * (PidTagAttachmentHidden) or when the item's HTML (its HTML body, or the HTML its RTF body
 * encapsulates) refers to it.
 */
export function fileAttachmentsOf(msg: PSTMessage, html = safe(() => msg.bodyHTML) || ''): PstFileAttachment[] {
  const out: PstFileAttachment[] = [];
  let budget = MAX_ATTACHMENT_BYTES_PER_ITEM;
  const count = attachmentCount(msg);
  for (let i = 0; i < count; i++) {
    const att = safe(() => msg.getAttachment(i));
    if (!att || att.attachMethod !== ATTACH_BY_VALUE || tagBool(att, PR_ATTACHMENT_CONTACT_PHOTO)) continue;
    if (att.filesize > Math.min(MAX_ATTACHMENT_BYTES, budget) + SIZE_SLACK) continue;
    const bytes = safe(() => attachmentBytes(att));
    if (!bytes || bytes.length > MAX_ATTACHMENT_BYTES || bytes.length > budget) continue;
    budget -= bytes.length;
    const a: PstFileAttachment = { name: att.longFilename || att.filename || att.displayName || `attachment-${i + 1}`, base64: bytes.toString('base64') };
    if (att.mimeTag) a.contentType = att.mimeTag;
    const cid = (att.contentId || '').replace(/[<>]/g, '').trim();
    if (cid) {
      a.contentId = cid;
      if (tagBool(att, PR_ATTACHMENT_HIDDEN) || html.includes(`cid:${cid}`)) a.isInline = true;
    }
    out.push(a);
  }
  return out;
}

function contactOf(c: PSTContact, base: Base): PstContact {
  const emails = (
    [
      [c.email1EmailAddress, c.email1DisplayName, c.email1AddressType, c.email1OriginalDisplayName, 1],
      [c.email2EmailAddress, c.email2DisplayName, c.email2AddressType, c.email2OriginalDisplayName, 2],
      [c.email3EmailAddress, c.email3DisplayName, c.email3AddressType, c.email3OriginalDisplayName, 3],
    ] as const
  )
    .filter(([address]) => address)
    .map(([address, displayName, type, original, slot]) => ({
      address,
      displayName: displayName || undefined,
      type: type || undefined,
      slot,
      originalDisplayName: original && original !== displayName ? original : undefined,
    }));
  const phones = compact({
    business: c.businessTelephoneNumber,
    business2: c.business2TelephoneNumber,
    home: c.homeTelephoneNumber,
    home2: c.home2TelephoneNumber,
    mobile: c.mobileTelephoneNumber,
    car: c.carTelephoneNumber,
    radio: c.radioTelephoneNumber,
    pager: c.pagerTelephoneNumber,
    other: c.otherTelephoneNumber,
    primary: c.primaryTelephoneNumber,
    companyMain: c.companyMainPhoneNumber,
    assistant: c.assistantTelephoneNumber,
    callback: c.callbackTelephoneNumber,
    isdn: c.isdnNumber,
    telex: c.telexNumber,
    ttyTdd: c.ttytddPhoneNumber,
    businessFax: c.businessFaxNumber,
    homeFax: c.homeFaxNumber,
    otherFax: c.primaryFaxNumber,
  });
  const address = (street: string, city: string, state: string, postalCode: string, country: string, poBox: string) => {
    const a = compact({ street, city, state, postalCode, country, poBox });
    return Object.keys(a).length ? a : undefined;
  };
  const addresses = compact({
    business: address(c.workAddressStreet || c.businessAddressStreet, c.workAddressCity || c.businessAddressCity, c.workAddressState || c.businessAddressStateOrProvince, c.workAddressPostalCode || c.businessPostalCode, c.workAddressCountry || c.businessAddressCountry, c.workAddressPostOfficeBox || c.businessPoBox),
    home: address(c.homeAddressStreet, c.homeAddressCity, c.homeAddressStateOrProvince, c.homeAddressPostalCode, c.homeAddressCountry, c.homeAddressPostOfficeBox),
    other: address(c.otherAddressStreet, c.otherAddressCity, c.otherAddressStateOrProvince, c.otherAddressPostalCode, c.otherAddressCountry, c.otherAddressPostOfficeBox),
  });
  return {
    ...base,
    kind: 'contact',
    displayName: c.displayName || c.subject,
    givenName: c.givenName || undefined,
    middleName: c.middleName || undefined,
    surname: c.surname || undefined,
    nickname: c.nickname || undefined,
    title: c.displayNamePrefix || undefined,
    companyName: c.companyName || undefined,
    departmentName: c.departmentName || undefined,
    jobTitle: c.title || undefined,
    initials: c.initials || undefined,
    generation: c.generation || undefined,
    officeLocation: c.officeLocation || undefined,
    manager: c.managerName || undefined,
    assistant: c.assistant || undefined,
    profession: c.profession || undefined,
    spouseName: c.spouseName || undefined,
    emails,
    phones,
    addresses,
    birthday: iso(c.birthday),
    anniversary: iso(c.anniversary),
    birthdayLocal: iso(safe(() => namedDate(c, PID_LID_BIRTHDAY_LOCAL, PSETID_ADDRESS))),
    anniversaryLocal: iso(safe(() => namedDate(c, PID_LID_WEDDING_ANNIVERSARY_LOCAL, PSETID_ADDRESS))),
    homePage: c.businessHomePage || c.personalHomePage || undefined,
    imAddress: c.instantMessagingAddress || undefined,
    fileAs: c.fileUnder || undefined,
    photo: safe(() => photoOf(c)),
  };
}

const PID_LID_HAS_PICTURE = 0x8015;
const PID_LID_BIRTHDAY_LOCAL = 0x80de;
const PID_LID_WEDDING_ANNIVERSARY_LOCAL = 0x80df;
const PR_ATTACHMENT_CONTACT_PHOTO = 0x7fff;
/** Exchange refuses much larger contact pictures; a bigger one is left out, not truncated. */
const MAX_PHOTO_BYTES = 4 * 1024 * 1024;

function photoOf(c: PSTContact): PstContact['photo'] {
  if (!namedBool(c, PID_LID_HAS_PICTURE, PSETID_ADDRESS)) return undefined;
  const count = attachmentCount(c);
  for (let i = 0; i < count; i++) {
    const att = c.getAttachment(i);
    if (!tagBool(att, PR_ATTACHMENT_CONTACT_PHOTO) || att.filesize > MAX_PHOTO_BYTES) continue;
    const bytes = attachmentBytes(att);
    if (!bytes?.length) continue;
    const name = att.longFilename || att.filename || 'ContactPicture.jpg';
    const contentType = att.mimeTag || (/\.png$/i.test(name) ? 'image/png' : /\.gif$/i.test(name) ? 'image/gif' : 'image/jpeg');
    return { name, contentType, base64: bytes.toString('base64') };
  }
  return undefined;
}

function appointmentOf(a: PSTAppointment, base: Base): PstAppointment {
  const start = a.startTime;
  const end = a.endTime;
  const blob = safe(() => a.recurrenceStructure);
  const isRecurring = a.isRecurring;
  return {
    ...base,
    kind: 'appointment',
    start: iso(start),
    end: iso(end),
    allDay: Boolean(a.subType),
    location: a.location || undefined,
    busyStatus: a.busyStatus,
    organizer:
      a.senderEmailAddress || a.senderName ? { name: a.senderName || undefined, address: a.senderEmailAddress || undefined, addressType: a.senderAddrtype || undefined } : undefined,
    requiredAttendees: a.toAttendees || '',
    optionalAttendees: a.ccAttendees || '',
    attendees: safe(() => attendeesOf(a)) ?? [],
    isRecurring,
    recurrencePattern: a.recurrencePattern || undefined,
    recurrenceBlob: blob && blob.length ? Buffer.from(blob).toString('base64') : undefined,
    ...timeZoneFieldsOf(a),
    exceptions: isRecurring && safe(() => attachmentCount(a)) ? (safe(() => exceptionsOf(a)) ?? []) : [],
    reminderSet: a.reminderSet,
    reminderMinutes: a.reminderSet ? a.reminderDelta : undefined,
    isMeeting: a.meetingStatus !== 0,
  };
}

function taskOf(t: PSTTask, base: Base): PstTask {
  return {
    ...base,
    kind: 'task',
    start: iso(t.taskStartDate),
    due: iso(t.taskDueDate),
    completedAt: iso(t.taskDateCompleted),
    status: t.taskStatus,
    percentComplete: t.percentComplete,
    isRecurring: t.isTaskRecurring,
    recurrenceBlob: safe(() => namedBinary(t, PID_LID_TASK_RECURRENCE, PSETID_TASK)?.toString('base64')) || undefined,
    owner: t.taskOwner || undefined,
    reminderSet: t.reminderSet,
    reminderTime: iso(safe(() => namedDate(t, PID_LID_REMINDER_TIME, PSETID_COMMON))),
    estimatedEffort: safe(() => t.taskEstimatedEffort) || undefined,
    actualEffort: safe(() => t.taskActualEffort) || undefined,
    mileage: safe(() => namedString(t, PID_LID_MILEAGE, PSETID_COMMON)) || undefined,
    billing: safe(() => namedString(t, PID_LID_BILLING, PSETID_COMMON)) || undefined,
    companies: safe(() => namedMultiString(t, PID_LID_COMPANIES, PSETID_COMMON)) ?? [],
  };
}

const PID_LID_TASK_RECURRENCE = 0x8116;
const PID_LID_REMINDER_TIME = 0x8502;
const PID_LID_MILEAGE = 0x8534;
const PID_LID_BILLING = 0x8535;
const PID_LID_COMPANIES = 0x8539;

function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], '' | undefined | null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v != null)) as never;
}


