import type { PSTMessage } from 'pst-extractor';
import type { PSTAppointment } from 'pst-extractor/dist/PSTAppointment.class';
import type { PSTContact } from 'pst-extractor/dist/PSTContact.class';
import type { PSTTask } from 'pst-extractor/dist/PSTTask.class';
import { itemKindOf } from './folders';

/**
 * Neutral shapes of the PST's non-mail items, for destinations that take them (Exchange). Plain
 * data (structured-clone safe: they cross the reader thread's boundary); dates as ISO strings.
 * Documented for connector authors in /work/notes/pst-contract.md.
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
  emails: Array<{ address: string; displayName?: string; type?: string }>;
  phones: Record<string, string>;
  addresses: Partial<Record<'business' | 'home' | 'other', { street?: string; city?: string; state?: string; postalCode?: string; country?: string; poBox?: string }>>;
  birthday?: string;
  anniversary?: string;
  homePage?: string;
  imAddress?: string;
  fileAs?: string;
}

export interface PstDistList extends Base {
  kind: 'distList';
  displayName: string;
  /** Members as far as the PST names them (one-off entries: name and address). */
  members: Array<{ name?: string; address: string; addressType?: string }>;
}

export interface PstAppointment extends Base {
  kind: 'appointment';
  start?: string;
  end?: string;
  allDay: boolean;
  location?: string;
  busyStatus: number;
  organizer?: { name?: string; address?: string };
  requiredAttendees: string;
  optionalAttendees: string;
  isRecurring: boolean;
  /** Human-readable recurrence description ("every Monday …") as Outlook stored it. */
  recurrencePattern?: string;
  /** MS-OXOCAL AppointmentRecurrencePattern blob, base64, for an exact rebuild. */
  recurrenceBlob?: string;
  /** Outlook's time zone description (PidLidTimeZoneDescription), e.g. "(GMT+01:00) Paris". */
  timeZone?: string;
  /** PidLidTimeZoneStruct (bias and DST rules), base64, when present. */
  timeZoneStruct?: string;
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
  percentComplete: number;
  isRecurring: boolean;
  owner?: string;
}

export type PstItem = PstContact | PstDistList | PstAppointment | PstTask;

export function readItem(msg: PSTMessage, folder: string): PstItem | undefined {
  const kind = itemKindOf(msg.messageClass);
  if (!kind) return undefined;
  const base: Base = {
    sourceId: msg.descriptorNodeId.toString(),
    folder,
    subject: msg.subject,
    body: msg.body || undefined,
    bodyHtml: msg.bodyHTML || undefined,
    categories: msg.colorCategories ?? [],
    createdAt: iso(msg.creationTime),
    modifiedAt: iso(msg.modificationTime),
  };
  if (kind === 'contact') return contactOf(msg as PSTContact, base);
  if (kind === 'distList') return { ...base, kind, displayName: msg.displayName || msg.subject, members: oneOffMembers(msg) };
  if (kind === 'appointment') return appointmentOf(msg as PSTAppointment, base);
  return taskOf(msg as PSTTask, base);
}

function contactOf(c: PSTContact, base: Base): PstContact {
  const emails = [
    [c.email1EmailAddress, c.email1DisplayName, c.email1AddressType],
    [c.email2EmailAddress, c.email2DisplayName, c.email2AddressType],
    [c.email3EmailAddress, c.email3DisplayName, c.email3AddressType],
  ]
    .filter(([address]) => address)
    .map(([address, displayName, type]) => ({ address, displayName: displayName || undefined, type: type || undefined }));
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
    emails,
    phones,
    addresses,
    birthday: iso(c.birthday),
    anniversary: iso(c.anniversary),
    homePage: c.businessHomePage || c.personalHomePage || undefined,
    imAddress: c.instantMessagingAddress || undefined,
    fileAs: c.fileUnder || undefined,
  };
}

function appointmentOf(a: PSTAppointment, base: Base): PstAppointment {
  const start = a.startTime;
  const end = a.endTime;
  const blob = safe(() => a.recurrenceStructure);
  return {
    ...base,
    kind: 'appointment',
    start: iso(start),
    end: iso(end),
    allDay: Boolean(a.subType),
    location: a.location || undefined,
    busyStatus: a.busyStatus,
    organizer: a.senderEmailAddress || a.senderName ? { name: a.senderName || undefined, address: a.senderEmailAddress || undefined } : undefined,
    requiredAttendees: a.toAttendees || '',
    optionalAttendees: a.ccAttendees || '',
    isRecurring: a.isRecurring,
    recurrencePattern: a.recurrencePattern || undefined,
    recurrenceBlob: blob && blob.length ? Buffer.from(blob).toString('base64') : undefined,
    timeZone: safe(() => namedString(a, PID_LID_TIME_ZONE_DESCRIPTION, PSETID_APPOINTMENT)) || undefined,
    timeZoneStruct: safe(() => a.timezone?.toString('base64')) || undefined,
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
    owner: t.taskOwner || undefined,
  };
}

// Named properties (MS-OXPROPS): LID and property set index in pst-extractor's name-to-id map.
const PSETID_ADDRESS = 2;
const PSETID_APPOINTMENT = 4;
const PID_LID_DISTRIBUTION_LIST_ONE_OFF_MEMBERS = 0x8054;
const PID_LID_TIME_ZONE_DESCRIPTION = 0x8234;
/** MAPI one-off entry ID provider UID (MS-OXCDATA 2.2.5.1). */
const ONE_OFF_UID = Buffer.from('812b1fa4bea310199d6e00dd010f5402', 'hex');

interface RawAccess {
  pstFile: { getNameToIdMapItem(key: number, set: number): number };
  pstTableItems: Map<number, { data: Buffer; isExternalValueReference: boolean }> | null;
  getStringItem(id: number): string;
}

/** A multi-valued binary's raw bytes (pst-extractor's getBinaryItem reads single values only). */
function namedMultiBinary(msg: PSTMessage, lid: number, set: number): Buffer | null {
  const raw = msg as unknown as RawAccess;
  const id = raw.pstFile.getNameToIdMapItem(lid, set);
  const item = id === -1 ? undefined : raw.pstTableItems?.get(id);
  return item && !item.isExternalValueReference && item.data?.length ? item.data : null;
}

function namedString(msg: PSTMessage, lid: number, set: number): string {
  const raw = msg as unknown as RawAccess;
  const id = raw.pstFile.getNameToIdMapItem(lid, set);
  return id === -1 ? '' : raw.getStringItem(id);
}

/**
 * Members of a distribution list from PidLidDistributionListOneOffMembers: a multi-valued binary
 * (count, offsets, values) of one-off entry IDs, each holding display name, address type and
 * address (UTF-16 when flagged). Outlook keeps this list in step with the member references, so
 * it names every member, contacts of the PST included.
 */
export function oneOffMembers(msg: PSTMessage): Array<{ name?: string; address: string; addressType?: string }> {
  const blob = safe(() => namedMultiBinary(msg, PID_LID_DISTRIBUTION_LIST_ONE_OFF_MEMBERS, PSETID_ADDRESS));
  if (!blob || blob.length < 4) return [];
  const count = blob.readUInt32LE(0);
  if (count > 100_000 || 4 + count * 4 > blob.length) return [];
  const offsets = Array.from({ length: count }, (_, i) => blob.readUInt32LE(4 + i * 4));
  const members: Array<{ name?: string; address: string; addressType?: string }> = [];
  offsets.forEach((start, i) => {
    const entry = blob.subarray(start, i + 1 < count ? offsets[i + 1] : blob.length);
    const member = parseOneOff(entry);
    if (member) members.push(member);
  });
  return members;
}

function parseOneOff(entry: Buffer): { name?: string; address: string; addressType?: string } | undefined {
  if (entry.length < 24 || !entry.subarray(4, 20).equals(ONE_OFF_UID)) return undefined;
  const unicode = (entry.readUInt16LE(22) & 0x8000) !== 0;
  const fields: string[] = [];
  let pos = 24;
  for (let f = 0; f < 3 && pos < entry.length; f++) {
    if (unicode) {
      let end = pos;
      while (end + 1 < entry.length && (entry[end] !== 0 || entry[end + 1] !== 0)) end += 2;
      fields.push(entry.subarray(pos, end).toString('utf16le'));
      pos = end + 2;
    } else {
      const end = entry.indexOf(0, pos);
      const stop = end === -1 ? entry.length : end;
      fields.push(entry.subarray(pos, stop).toString('latin1'));
      pos = stop + 1;
    }
  }
  const [name, addressType, address] = fields;
  return address ? { name: name || undefined, address, addressType: addressType || undefined } : undefined;
}

function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], '' | undefined | null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v != null)) as never;
}

function iso(d: Date | null | undefined): string | undefined {
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
