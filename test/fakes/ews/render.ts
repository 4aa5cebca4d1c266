// Serving items and folders: the stored property elements plus what the server computes (ids,
// ItemClass, dates, sizes, flags, occurrence lists …), filtered by the request's shape and written
// in schema order (types.xsd decides, see schema-order.ts).
import { createHash } from 'node:crypto';
import { attachmentsXml, hasAttachments, hasPicture } from './attachments';
import { firstAndLast, isRecurringMaster, masterTimes, occurrenceAt, type Occurrence } from './calendar';
import { MSGFLAG, TAG, extKey, renderExtended } from './extended';
import type { ExtProp, StoredFolder, StoredItem } from './model';
import { elementType, inSchemaOrder } from './schema-order';
import { EwsError } from './soap';
import type { MailboxStore } from './store';
import { attr, attrsOf, child, childText, elements, esc, fragment, serialize, tEl, text } from './xml';

export interface Shape {
  base: 'IdOnly' | 'Default' | 'AllProperties';
  /** Element names asked for by FieldURI (item:Subject → Subject). */
  fields: Set<string>;
  /** Dictionary element → requested keys (IndexedFieldURI contacts:EmailAddress/EmailAddress1). */
  indexed: Map<string, Set<string>>;
  /** ExtendedFieldURI elements, served back as asked. */
  extended: Element[];
  bodyType: 'Best' | 'HTML' | 'Text';
}

export interface View {
  element: string;
  props: Map<string, string>;
  ext: Map<string, ExtProp>;
}

const INDEXED_DICTIONARY: Record<string, string> = {
  'contacts:EmailAddress': 'EmailAddresses',
  'contacts:PhoneNumber': 'PhoneNumbers',
  'contacts:ImAddress': 'ImAddresses',
  'item:InternetMessageHeader': 'InternetMessageHeaders',
};

/** Served only when asked for by name, never by a base shape (as on Exchange). */
const EXPLICIT_ONLY = new Set(['MimeContent', 'InternetMessageHeaders']);
/** FindItem never returns these (GetItem does); asking for the first group is an error. */
const FIND_FORBIDDEN = new Set(['MimeContent', 'Body', 'UniqueBody', 'NormalizedBody', 'TextBody']);
const FIND_OMITTED = new Set(['Attachments', 'ToRecipients', 'CcRecipients', 'BccRecipients', 'ReplyTo', 'InternetMessageHeaders', 'Members', 'ModifiedOccurrences', 'DeletedOccurrences', 'ResponseObjects']);

export function fieldName(fieldUri: string): string {
  return fieldUri.slice(fieldUri.lastIndexOf(':') + 1);
}

export function parseShape(shapeEl: Element | undefined): Shape {
  const shape: Shape = { base: 'Default', fields: new Set(), indexed: new Map(), extended: [], bodyType: 'Best' };
  if (!shapeEl) return shape;
  shape.base = (childText(shapeEl, 'BaseShape') as Shape['base']) ?? 'Default';
  shape.bodyType = (childText(shapeEl, 'BodyType') as Shape['bodyType']) ?? 'Best';
  for (const p of elements(child(shapeEl, 'AdditionalProperties'))) {
    if (p.localName === 'FieldURI') shape.fields.add(fieldName(attr(p, 'FieldURI') ?? ''));
    else if (p.localName === 'ExtendedFieldURI') shape.extended.push(p);
    else if (p.localName === 'IndexedFieldURI') {
      const uri = attr(p, 'FieldURI') ?? '';
      const dict = INDEXED_DICTIONARY[uri] ?? (uri.startsWith('contacts:PhysicalAddress:') ? 'PhysicalAddresses' : undefined);
      if (!dict) continue;
      const keys = shape.indexed.get(dict) ?? new Set<string>();
      keys.add(attr(p, 'FieldIndex') ?? '');
      shape.indexed.set(dict, keys);
    }
  }
  return shape;
}

const iso = (ms: number | Date) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  const t = `${h ? `${h}H` : ''}${min ? `${min}M` : ''}`;
  return `P${d ? `${d}D` : ''}${t || !d ? `T${t || '0M'}` : ''}`;
}

/**
 * Stored elements as served. Exchange answers every xs:dateTime in UTC ("…Z", no fraction)
 * whatever offset the client wrote, and ews-javascript-api only reads that form reliably.
 */
function propsXml(element: string, props: Map<string, Element>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, el] of props) {
    const value = text(el) ?? '';
    out.set(k, elementType(element, k) === 'xs:dateTime' && !Number.isNaN(Date.parse(value)) ? tEl(k, iso(Date.parse(value))) : serialize(el));
  }
  return out;
}

function mailboxXml(mb: MailboxStore, address: string, name = address): string {
  return `<t:Mailbox>${tEl('Name', name)}${tEl('EmailAddress', address)}<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>${mb.server.isUser(address) ? 'Mailbox' : 'OneOff'}</t:MailboxType></t:Mailbox>`;
}

function names(el: Element | undefined): string | undefined {
  const list = elements(el).map((m) => childText(m, 'Name') ?? childText(m, 'EmailAddress') ?? childText(child(m, 'Mailbox'), 'Name') ?? childText(child(m, 'Mailbox'), 'EmailAddress') ?? '');
  return list.length ? list.join('; ') : undefined;
}

const DEFAULT_CLASS: Record<string, string> = { Message: 'IPM.Note', Contact: 'IPM.Contact', DistributionList: 'IPM.DistList', CalendarItem: 'IPM.Appointment', Task: 'IPM.Task' };

/**
 * Every property of an item (or of one occurrence of a recurring master) as XML strings,
 * computed ones included, plus its extended properties (stored and computed).
 */
export function itemView(mb: MailboxStore, item: StoredItem, index?: number): View {
  let occ: Occurrence | undefined;
  if (index !== undefined) {
    if (!isRecurringMaster(item)) throw new EwsError('ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange');
    occ = occurrenceAt(item, index);
    if (!occ) throw new EwsError('ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange');
    if (occ.deleted) throw new EwsError('ErrorCalendarOccurrenceIsDeletedFromRecurrence');
  }
  const stored = new Map(item.props);
  const ext = new Map(item.ext);
  if (occ?.exception) {
    for (const [k, v] of occ.exception.props) stored.set(k, v);
    for (const [k, v] of occ.exception.ext) ext.set(k, v);
  }
  const p = propsXml(item.kind, stored);
  const set = (name: string, xml: string | undefined) => xml !== undefined && p.set(name, xml);
  const setDefault = (name: string, value: string | undefined) => !p.has(name) && value !== undefined && p.set(name, tEl(name, value));
  const s = (name: string) => text(stored.get(name));

  // Exchange makes MIME for a message that never had any (created from properties).
  const mime = item.mime ?? (item.kind === 'Message' ? synthesizeMime(mb, item, stored) : undefined);
  if (mime) set('MimeContent', `<t:MimeContent CharacterSet="${item.mimeCharset ?? 'UTF-8'}">${mime.toString('base64')}</t:MimeContent>`);
  set('ItemId', mb.itemIdXml(item, index));
  set('ParentFolderId', mb.folderIdXml(mb.folderMap.get(item.folder)!, 'ParentFolderId'));
  setDefault('ItemClass', DEFAULT_CLASS[item.kind]);
  setDefault('Sensitivity', 'Normal');
  set('DateTimeReceived', tEl('DateTimeReceived', iso(item.received)));
  const attached = item.attachments.reduce((a, x) => a + x.content.length, 0);
  set('Size', tEl('Size', attached + (item.mime ? item.mime.length : 200 + [...p.values()].reduce((a, x) => a + x.length, 0))));
  setDefault('Importance', 'Normal');
  set('IsSubmitted', tEl('IsSubmitted', false));
  set('IsDraft', tEl('IsDraft', item.kind === 'Message' && item.isDraft));
  set('IsFromMe', tEl('IsFromMe', false));
  set('IsResend', tEl('IsResend', false));
  set('IsUnmodified', tEl('IsUnmodified', item.version === 1 && !occ?.exception));
  if (item.kind === 'Message' && (item.sent || !item.isDraft)) set('DateTimeSent', tEl('DateTimeSent', iso(item.sent ?? item.created)));
  set('DateTimeCreated', tEl('DateTimeCreated', iso(item.created)));
  setDefault('ReminderIsSet', String(item.kind === 'CalendarItem'));
  if (item.kind === 'CalendarItem') setDefault('ReminderMinutesBeforeStart', '15');
  if (item.kind === 'Message' || item.kind === 'CalendarItem') {
    setDefault('DisplayCc', names(stored.get('CcRecipients')) ?? names(stored.get('OptionalAttendees')) ?? '');
    setDefault('DisplayTo', names(stored.get('ToRecipients')) ?? names(stored.get('RequiredAttendees')) ?? '');
  }
  set('Attachments', attachmentsXml(mb, item));
  set('HasAttachments', tEl('HasAttachments', hasAttachments(item)));
  setDefault('Culture', 'en-US');
  set('LastModifiedTime', tEl('LastModifiedTime', iso(occ?.exception?.modified ?? item.modified)));
  set('IsAssociated', tEl('IsAssociated', false));

  switch (item.kind) {
    case 'Message':
      setDefault('IsReadReceiptRequested', 'false');
      setDefault('IsDeliveryReceiptRequested', 'false');
      if (s('Subject') !== undefined) setDefault('ConversationTopic', s('Subject'));
      setDefault('IsRead', 'false');
      break;
    case 'Contact':
      contactComputed(p, stored);
      set('HasPicture', tEl('HasPicture', hasPicture(item)));
      break;
    case 'DistributionList':
      setDefault('Subject', s('DisplayName') ?? '');
      setDefault('FileAs', s('DisplayName') ?? '');
      if (stored.has('Members')) set('Members', membersXml(mb, stored.get('Members')!));
      break;
    case 'CalendarItem':
      calendarComputed(mb, item, p, stored, occ);
      break;
    case 'Task': {
      const status = s('Status') ?? 'NotStarted';
      setDefault('ChangeCount', String(item.version));
      setDefault('IsComplete', String(status === 'Completed'));
      set('IsRecurring', tEl('IsRecurring', stored.has('Recurrence')));
      setDefault('PercentComplete', status === 'Completed' ? '100' : '0');
      setDefault('Status', status);
      setDefault('Owner', mb.address);
      break;
    }
  }
  computedExtended(item, p, ext);
  return { element: item.kind, props: p, ext };
}

function addressHeader(el: Element | undefined): string | undefined {
  const boxes = el?.localName === 'Mailbox' ? [el] : elements(el).flatMap((e) => (e.localName === 'Mailbox' ? [e] : elements(e, 'Mailbox')));
  const list = boxes.map((b) => {
    const name = childText(b, 'Name');
    const address = childText(b, 'EmailAddress') ?? '';
    return name && name !== address ? `${encodeWord(name)} <${address}>` : address;
  });
  return list.length ? list.join(', ') : undefined;
}

function encodeWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? `"${s.replace(/(["\\])/g, '\\$1')}"` : `=?utf-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

/** RFC 5322 text of a message that was created from properties, as Exchange would export it. */
function synthesizeMime(mb: MailboxStore, item: StoredItem, stored: Map<string, Element>): Buffer {
  const s = (n: string) => text(stored.get(n));
  const body = stored.get('Body');
  const headers: Array<[string, string | undefined]> = [
    ['From', addressHeader(child(stored.get('From'), 'Mailbox')) ?? mb.address],
    ['To', addressHeader(stored.get('ToRecipients'))],
    ['Cc', addressHeader(stored.get('CcRecipients'))],
    ['Subject', s('Subject') !== undefined ? encodeWord(s('Subject')!).replace(/^"(.*)"$/, '$1') : undefined],
    ['Date', (item.sent ?? item.created).toUTCString().replace('GMT', '+0000')],
    ['Message-ID', s('InternetMessageId') ?? `<fake-ews-${mb.server.tag}-${item.n}@${mb.address.split('@')[1] ?? 'localhost'}>`],
    ['In-Reply-To', s('InReplyTo')],
    ['References', s('References')],
    ['MIME-Version', '1.0'],
    ['Content-Type', `${attr(body, 'BodyType') === 'HTML' ? 'text/html' : 'text/plain'}; charset="utf-8"`],
    ['Content-Transfer-Encoding', 'base64'],
  ];
  const head = headers.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`).join('\r\n');
  const b64 = Buffer.from(text(body) ?? '', 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(`${head}\r\n\r\n${b64}\r\n`, 'utf8');
}

function contactComputed(p: Map<string, string>, stored: Map<string, Element>): void {
  const s = (n: string) => text(stored.get(n));
  const email1 = elements(stored.get('EmailAddresses'), 'Entry').find((e) => attr(e, 'Key') === 'EmailAddress1');
  const display = s('DisplayName') ?? ([s('GivenName'), s('MiddleName'), s('Surname')].filter(Boolean).join(' ') || s('CompanyName') || text(email1) || '');
  const fileAs = s('FileAs') ?? (s('Surname') && s('GivenName') ? `${s('Surname')}, ${s('GivenName')}` : display);
  if (!p.has('DisplayName')) p.set('DisplayName', tEl('DisplayName', display));
  if (!p.has('FileAs')) p.set('FileAs', tEl('FileAs', fileAs));
  if (!p.has('Subject')) p.set('Subject', tEl('Subject', fileAs));
  // CompleteName is read-only in EWS: always the server's composition of the name parts.
  const parts: Array<[string, string | undefined]> = [
    ['FirstName', s('GivenName')], ['MiddleName', s('MiddleName')], ['LastName', s('Surname')], ['Suffix', s('Generation')],
    ['Initials', s('Initials')], ['FullName', display], ['Nickname', s('Nickname')],
  ];
  p.set('CompleteName', `<t:CompleteName>${parts.map(([k, v]) => tEl(k, v)).join('')}</t:CompleteName>`);
}

/** Members with the Key and Status Exchange adds, contact references filled in from the contact. */
function membersXml(mb: MailboxStore, members: Element): string {
  const out = elements(members, 'Member').map((m) => {
    const box = child(m, 'Mailbox');
    const idEl = child(box, 'ItemId');
    let mailbox = box ? serialize(box) : '';
    if (idEl) {
      let contact: StoredItem | undefined;
      try {
        contact = mb.resolveItem(idEl).item;
      } catch {
        contact = undefined;
      }
      const email = childText(box, 'EmailAddress') ?? text(elements(contact?.props.get('EmailAddresses'), 'Entry').find((e) => attr(e, 'Key') === 'EmailAddress1'));
      const name = childText(box, 'Name') ?? (contact ? text(fragment(itemView(mb, contact).props.get('DisplayName')!)) : undefined);
      const type = contact?.kind === 'DistributionList' ? 'PrivateDL' : 'Contact';
      mailbox = `<t:Mailbox>${tEl('Name', name)}${tEl('EmailAddress', email)}${tEl('RoutingType', childText(box, 'RoutingType') ?? 'SMTP')}<t:MailboxType>${type}</t:MailboxType>${contact ? mb.itemIdXml(contact) : serialize(idEl)}</t:Mailbox>`;
    }
    const key = attr(m, 'Key') ?? createHash('sha1').update(mailbox).digest('base64');
    return `<t:Member Key="${esc(key)}">${mailbox}<t:Status>${childText(m, 'Status') ?? 'Normal'}</t:Status></t:Member>`;
  });
  return `<t:Members>${out.join('')}</t:Members>`;
}

function calendarComputed(mb: MailboxStore, item: StoredItem, p: Map<string, string>, stored: Map<string, Element>, occ: Occurrence | undefined): void {
  const master = isRecurringMaster(item);
  const times = occ ? { start: occ.start, end: occ.end } : masterTimes(item);
  const meeting = ['RequiredAttendees', 'OptionalAttendees', 'Resources'].some((k) => stored.has(k));
  p.set('Start', tEl('Start', iso(times.start)));
  p.set('End', tEl('End', iso(times.end)));
  if (occ) p.set('OriginalStart', tEl('OriginalStart', iso(occ.originalStart)));
  if (!p.has('IsAllDayEvent')) p.set('IsAllDayEvent', tEl('IsAllDayEvent', false));
  if (!p.has('LegacyFreeBusyStatus')) p.set('LegacyFreeBusyStatus', tEl('LegacyFreeBusyStatus', 'Busy'));
  p.set('IsMeeting', tEl('IsMeeting', meeting));
  p.set('IsCancelled', tEl('IsCancelled', false));
  p.set('IsRecurring', tEl('IsRecurring', master));
  p.set('MeetingRequestWasSent', tEl('MeetingRequestWasSent', meeting && item.createdWith.sendMeetingInvitations !== 'SendToNone'));
  if (meeting && !p.has('IsResponseRequested')) p.set('IsResponseRequested', tEl('IsResponseRequested', true));
  p.set('CalendarItemType', tEl('CalendarItemType', occ ? (occ.exception ? 'Exception' : 'Occurrence') : master ? 'RecurringMaster' : 'Single'));
  p.set('MyResponseType', tEl('MyResponseType', meeting ? 'Organizer' : 'Unknown'));
  p.set('Organizer', `<t:Organizer>${mailboxXml(mb, mb.address)}</t:Organizer>`);
  p.set('Duration', tEl('Duration', duration(times.end - times.start)));
  const zoneName = attr(item.zone, 'Name');
  if (zoneName) p.set('TimeZone', tEl('TimeZone', zoneName));
  p.set('AppointmentSequenceNumber', tEl('AppointmentSequenceNumber', 0));
  p.set('AppointmentState', tEl('AppointmentState', meeting ? 1 : 0));
  if (occ) {
    p.delete('Recurrence');
  } else if (master) {
    const { first, last } = firstAndLast(item);
    const info = (name: string, o: Occurrence) =>
      `<t:${name}>${mb.itemIdXml(item, o.index)}${tEl('Start', iso(o.start))}${tEl('End', iso(o.end))}${tEl('OriginalStart', iso(o.originalStart))}</t:${name}>`;
    if (first) p.set('FirstOccurrence', info('FirstOccurrence', first));
    if (last) p.set('LastOccurrence', info('LastOccurrence', last));
    const modified = [...item.exceptions.keys()].sort((a, b) => a - b).map((i) => occurrenceAt(item, i)).filter((o): o is Occurrence => !!o && !o.deleted);
    if (modified.length) p.set('ModifiedOccurrences', `<t:ModifiedOccurrences>${modified.map((o) => info('Occurrence', o)).join('')}</t:ModifiedOccurrences>`);
    const deleted = [...item.deleted].sort((a, b) => a - b).map((i) => occurrenceAt(item, i)).filter((o): o is Occurrence => !!o);
    if (deleted.length) p.set('DeletedOccurrences', `<t:DeletedOccurrences>${deleted.map((o) => `<t:DeletedOccurrence>${tEl('Start', iso(o.originalStart))}</t:DeletedOccurrence>`).join('')}</t:DeletedOccurrences>`);
  }
  p.set('ConferenceType', tEl('ConferenceType', 0));
  if (!p.has('AllowNewTimeProposal')) p.set('AllowNewTimeProposal', tEl('AllowNewTimeProposal', true));
  if (!p.has('IsOnlineMeeting')) p.set('IsOnlineMeeting', tEl('IsOnlineMeeting', false));
}

/** MAPI properties Exchange derives from item state; stored values of the same tag never exist (create.ts maps them). */
function computedExtended(item: StoredItem, p: Map<string, string>, ext: Map<string, ExtProp>): void {
  const put = (key: string, type: string, value: string) => !ext.has(key) && ext.set(key, { key, type, value });
  const v = (name: string) => (p.has(name) ? text(fragment(p.get(name)!)) : undefined);
  put(TAG.messageClass, 'String', v('ItemClass') ?? '');
  if (v('Subject') !== undefined) put(TAG.subject, 'String', v('Subject')!);
  put(TAG.creationTime, 'SystemTime', iso(item.created));
  put(TAG.lastModificationTime, 'SystemTime', iso(item.modified));
  put(TAG.messageSize, 'Integer', v('Size') ?? '0');
  put(TAG.hasAttach, 'Boolean', String(hasAttachments(item)));
  if (item.kind !== 'Message') return;
  const read = v('IsRead') === 'true';
  put(TAG.messageFlags, 'Integer', String((read ? MSGFLAG.read : 0) | (item.isDraft ? MSGFLAG.unsent : 0) | (hasAttachments(item) ? MSGFLAG.hasAttach : 0)));
  put(TAG.deliveryTime, 'SystemTime', iso(item.received));
  const flag = p.has('Flag') ? childText(fragment(p.get('Flag')!), 'FlagStatus') : undefined;
  if (flag === 'Flagged' || flag === 'Complete') put(TAG.flagStatus, 'Integer', flag === 'Flagged' ? '2' : '1');
  if (item.mime) {
    const end = item.mime.indexOf('\r\n\r\n');
    put(TAG.transportHeaders, 'String', item.mime.subarray(0, end < 0 ? item.mime.length : end + 2).toString('utf8'));
  }
}

function filterDictionary(xml: string, keys: Set<string>): string | undefined {
  const el = fragment(xml);
  const entries = elements(el, 'Entry').filter((e) => keys.has(attr(e, 'Key') ?? ''));
  if (!entries.length) return undefined;
  return `<t:${el.localName}>${entries.map(serialize).join('')}</t:${el.localName}>`;
}

function convertBody(xml: string, want: Shape['bodyType']): string {
  if (want === 'Best') return xml;
  const el = fragment(xml);
  const type = attr(el, 'BodyType');
  if (type === want) return xml;
  const content = text(el) ?? '';
  const converted =
    want === 'Text'
      ? content.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '').replace(/<br\s*\/?>/gi, '\r\n').replace(/<\/p>/gi, '\r\n').replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim()
      : `<html><body><pre>${esc(content)}</pre></body></html>`;
  return `<t:${el.localName} BodyType="${want}">${esc(converted)}</t:${el.localName}>`;
}

/** One item element filtered by shape; `find` applies FindItem's restrictions. */
export function renderView(view: View, shape: Shape, find = false): string {
  const parts: Array<[string, string]> = [];
  for (const [name, xml0] of view.props) {
    const asked = shape.fields.has(name);
    const askedIndexed = shape.indexed.get(name);
    if (find && FIND_FORBIDDEN.has(name) && asked) throw new EwsError('ErrorInvalidPropertyRequest', `The property ${name} can't be used in FindItem requests.`);
    let include = name === 'ItemId' || asked || askedIndexed !== undefined || (shape.base !== 'IdOnly' && !EXPLICIT_ONLY.has(name));
    if (find && (FIND_FORBIDDEN.has(name) || FIND_OMITTED.has(name))) include = false;
    if (!include) continue;
    let xml: string | undefined = xml0;
    if (askedIndexed && !asked && shape.base === 'IdOnly') xml = filterDictionary(xml0, askedIndexed);
    if (name === 'Body' || name === 'UniqueBody') xml = convertBody(xml0, shape.bodyType);
    if (xml) parts.push([name, xml]);
  }
  for (const uri of shape.extended) {
    const prop = view.ext.get(extKey(attrsOf(uri)));
    if (prop) parts.push(['ExtendedProperty', renderExtended(uri, prop)]);
  }
  return `<t:${view.element}>${inSchemaOrder(view.element, parts)}</t:${view.element}>`;
}

// ---- folders ------------------------------------------------------------------------------------

export function folderElement(f: StoredFolder): string {
  if (f.folderClass.startsWith('IPF.Appointment')) return 'CalendarFolder';
  if (f.folderClass.startsWith('IPF.Contact')) return 'ContactsFolder';
  if (f.folderClass.startsWith('IPF.Task')) return 'TasksFolder';
  return 'Folder';
}

const FOLDER_DEFAULT = new Set(['FolderId', 'DisplayName', 'TotalCount', 'ChildFolderCount', 'UnreadCount']);

export function folderView(mb: MailboxStore, f: StoredFolder): View {
  const element = folderElement(f);
  const p = new Map<string, string>();
  const items = mb.itemsIn(f.n);
  p.set('FolderId', mb.folderIdXml(f));
  if (f.parent !== undefined) p.set('ParentFolderId', mb.folderIdXml(mb.folderMap.get(f.parent)!, 'ParentFolderId'));
  if (f.folderClass) p.set('FolderClass', tEl('FolderClass', f.folderClass));
  p.set('DisplayName', tEl('DisplayName', f.displayName));
  p.set('TotalCount', tEl('TotalCount', items.length));
  p.set('ChildFolderCount', tEl('ChildFolderCount', mb.childFolders(f.n).length));
  if (element === 'Folder' || element === 'TasksFolder') {
    p.set('UnreadCount', tEl('UnreadCount', items.filter((i) => i.kind === 'Message' && text(i.props.get('IsRead')) !== 'true').length));
  }
  const ext = new Map(f.ext);
  if (!ext.has('0x3613')) ext.set('0x3613', { key: '0x3613', type: 'String', value: f.folderClass }); // PR_CONTAINER_CLASS
  if (!ext.has('0x3001')) ext.set('0x3001', { key: '0x3001', type: 'String', value: f.displayName }); // PR_DISPLAY_NAME
  if (f.distinguishedId === 'msgfolderroot') storeProperties(mb, ext);
  return { element, props: p, ext };
}

/**
 * Properties of the message store that Exchange also serves on the mailbox's root folder: its size
 * (PidTagMessageSizeExtended, the items' sizes added up) and, when the test set one, the receive
 * quota in KB (PidTagProhibitReceiveQuota).
 */
function storeProperties(mb: MailboxStore, ext: Map<string, ExtProp>): void {
  const size = [...mb.itemMap.values()].reduce((n, item) => n + Number(itemView(mb, item).ext.get(TAG.messageSize)?.value ?? 0), 0);
  ext.set(TAG.messageSize, { key: TAG.messageSize, type: 'Long', value: String(size) });
  if (mb.quotaKb !== undefined) ext.set(TAG.receiveQuota, { key: TAG.receiveQuota, type: 'Integer', value: String(mb.quotaKb) });
}

export function renderFolder(mb: MailboxStore, f: StoredFolder, shape: Shape): string {
  const view = folderView(mb, f);
  const parts: Array<[string, string]> = [];
  for (const [name, xml] of view.props) {
    if (name === 'FolderId' || shape.fields.has(name) || shape.base === 'AllProperties' || (shape.base === 'Default' && FOLDER_DEFAULT.has(name))) parts.push([name, xml]);
  }
  for (const uri of shape.extended) {
    const prop = view.ext.get(extKey(attrsOf(uri)));
    if (prop) parts.push(['ExtendedProperty', renderExtended(uri, prop)]);
  }
  return `<t:${view.element}>${inSchemaOrder(view.element, parts)}</t:${view.element}>`;
}
