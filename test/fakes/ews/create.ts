// Turning a t:Message / t:Contact / t:DistributionList / t:CalendarItem / t:Task element into a
// stored item, as CreateItem does, including what Exchange derives on its own: a message's
// headers from its MIME, the draft flag from PR_MESSAGE_FLAGS, the received time from
// PR_MESSAGE_DELIVERY_TIME, a calendar item's UID and time zone.
import { randomBytes } from 'node:crypto';
import { attach, readAttachment } from './attachments';
import { MSGFLAG, TAG, readExtended } from './extended';
import { summarizeMime, type MimeAddress } from './mime';
import { ITEM_KINDS, type ExtProp, type ItemKind, type StoredFolder, type StoredItem } from './model';
import { parseRecurrence } from './recurrence';
import { EwsError } from './soap';
import type { AddMessageOptions, MailboxStore } from './store';
import { NS, attr, child, elements, esc, fragment, tEl, text } from './xml';

export interface CreateContext {
  messageDisposition?: string;
  sendMeetingInvitations?: string;
  /** t:TimeZoneContext/t:TimeZoneDefinition of the request. */
  timeZoneContext?: Element;
}

/** Properties the server owns: a client may not set them (ErrorInvalidPropertySet). */
export const READ_ONLY = new Set([
  'ItemId', 'ParentFolderId', 'DateTimeCreated', 'Size', 'HasAttachments', 'IsSubmitted', 'IsDraft', 'IsFromMe', 'IsResend', 'IsUnmodified',
  'DateTimeSent', 'DateTimeReceived', 'ResponseObjects', 'DisplayCc', 'DisplayTo', 'DisplayBcc', 'EffectiveRights', 'LastModifiedName', 'LastModifiedTime',
  'ConversationId', 'InstanceKey', 'CalendarItemType', 'FirstOccurrence', 'LastOccurrence', 'ModifiedOccurrences', 'DeletedOccurrences', 'IsRecurring',
  'IsMeeting', 'IsCancelled', 'MeetingRequestWasSent', 'MyResponseType', 'Organizer', 'Duration', 'TimeZone', 'AppointmentState', 'AppointmentSequenceNumber',
  'OriginalStart', 'RecurrenceId', 'IsComplete', 'CompleteName', 'ChangeCount', 'DelegationState', 'IsAssignmentEditable', 'IsTeamTask', 'Owner',
  'HasPicture',
]);

export function createStoredItem(mb: MailboxStore, folder: StoredFolder, el: Element, ctx: CreateContext): StoredItem {
  const kind = el.localName as ItemKind;
  if (!ITEM_KINDS.includes(kind) || el.namespaceURI !== NS.t) throw new EwsError('ErrorInvalidItemForOperationCreateItem', `The fake does not store t:${el.localName} items.`);
  const item = blankItem(mb, folder, kind);
  item.createdWith = {
    ...(ctx.messageDisposition ? { messageDisposition: ctx.messageDisposition } : {}),
    ...(ctx.sendMeetingInvitations ? { sendMeetingInvitations: ctx.sendMeetingInvitations } : {}),
  };
  for (const c of elements(el)) {
    const name = c.localName!;
    if (name === 'MimeContent') {
      item.mime = Buffer.from((text(c) ?? '').replace(/\s+/g, ''), 'base64');
      item.mimeCharset = attr(c, 'CharacterSet');
    } else if (name === 'Attachments') {
      // Exchange 2010 SP2+ takes a new item's attachments in the same CreateItem.
      for (const a of elements(c)) attach(item, readAttachment(mb, a));
    } else if (name === 'ExtendedProperty') applyExtended(item, readExtended(c));
    else if (READ_ONLY.has(name)) throw new EwsError('ErrorInvalidPropertySet', `The property ${name} is read-only.`);
    else item.props.set(name, c);
  }
  if (kind === 'Message') {
    if (!item.props.has('IsRead')) setProp(item, 'IsRead', String(item.readFlag ?? true));
    if (item.mime) deriveFromMime(mb, item);
  }
  // Task recurrences (regenerating ones included) are stored and served as sent, never expanded.
  if (kind === 'CalendarItem') prepareCalendarItem(item, ctx);
  if (kind === 'DistributionList') checkMembers(mb, item);
  delete item.readFlag;
  mb.itemMap.set(item.n, item);
  return item;
}

type Building = StoredItem & { readFlag?: boolean };

function blankItem(mb: MailboxStore, folder: StoredFolder, kind: ItemKind): Building {
  const now = mb.now();
  return {
    n: mb.nextN(),
    kind,
    folder: folder.n,
    props: new Map(),
    ext: new Map(),
    isDraft: kind === 'Message',
    hasAttachments: false,
    attachments: [],
    received: now,
    created: now,
    modified: now,
    version: 1,
    createdWith: {},
    exceptions: new Map(),
    deleted: new Set(),
  };
}

export function setProp(target: { props: Map<string, Element> }, name: string, value: string): void {
  target.props.set(name, fragment(tEl(name, value)));
}

/** Stores an extended property; the few that are item state in disguise update that state. */
export function applyExtended(item: Building, p: ExtProp, target: { props: Map<string, Element>; ext: Map<string, ExtProp> } = item): void {
  const v = Array.isArray(p.value) ? p.value[0] : p.value;
  switch (p.key) {
    case TAG.messageFlags: {
      const flags = Number(v);
      item.isDraft = (flags & MSGFLAG.unsent) !== 0;
      item.readFlag = (flags & MSGFLAG.read) !== 0;
      if (item.props.has('IsRead') || item.version > 1) setProp(item, 'IsRead', String(item.readFlag));
      return;
    }
    case TAG.deliveryTime:
      if (!Number.isNaN(Date.parse(v))) item.received = new Date(v);
      return;
    case TAG.flagStatus: {
      const status = Number(v) === 2 ? 'Flagged' : Number(v) === 1 ? 'Complete' : undefined;
      if (status) target.props.set('Flag', fragment(`<t:Flag><t:FlagStatus>${status}</t:FlagStatus></t:Flag>`));
      else target.props.delete('Flag');
      return;
    }
    case TAG.messageClass:
      setProp(target, 'ItemClass', v);
      return;
    case TAG.subject:
      setProp(target, 'Subject', v);
      return;
    case TAG.messageSize:
    case TAG.hasAttach:
      throw new EwsError('ErrorInvalidPropertySet', `The property ${p.key} is computed by the server.`);
    default:
      target.ext.set(p.key, p);
  }
}

function mailboxXml(mb: MailboxStore, a: MimeAddress): string {
  return (
    `<t:Mailbox>${tEl('Name', a.name ?? a.address)}${tEl('EmailAddress', a.address)}<t:RoutingType>SMTP</t:RoutingType>` +
    `<t:MailboxType>${mb.server.isUser(a.address) ? 'Mailbox' : 'OneOff'}</t:MailboxType></t:Mailbox>`
  );
}

/** What Exchange fills in from the MIME headers (properties the client set explicitly win). */
function deriveFromMime(mb: MailboxStore, item: StoredItem): void {
  const s = summarizeMime(item.mime!);
  const put = (name: string, xml: string | undefined) => {
    if (xml && !item.props.has(name)) item.props.set(name, fragment(xml));
  };
  const single = (name: string, a: MimeAddress | undefined) => put(name, a && `<t:${name}>${mailboxXml(mb, a)}</t:${name}>`);
  const list = (name: string, l: MimeAddress[]) => put(name, l.length ? `<t:${name}>${l.map((a) => mailboxXml(mb, a)).join('')}</t:${name}>` : undefined);
  if (s.subject !== undefined) put('Subject', tEl('Subject', s.subject));
  if (s.body) put('Body', `<t:Body BodyType="${s.body.type}">${esc(s.body.content)}</t:Body>`);
  if (s.importance) put('Importance', tEl('Importance', s.importance));
  if (s.inReplyTo) put('InReplyTo', tEl('InReplyTo', s.inReplyTo));
  single('Sender', s.sender ?? s.from);
  list('ToRecipients', s.to);
  list('CcRecipients', s.cc);
  list('BccRecipients', s.bcc);
  if (s.subject !== undefined) put('ConversationTopic', tEl('ConversationTopic', s.subject.replace(/^((re|fw|fwd|aw|wg)\s*:\s*)+/i, '')));
  single('From', s.from);
  if (s.messageId) put('InternetMessageId', tEl('InternetMessageId', s.messageId));
  if (s.references) put('References', tEl('References', s.references));
  list('ReplyTo', s.replyTo);
  item.sent = s.date ?? item.created;
  item.hasAttachments = s.hasAttachments;
}

/** FakeMailbox.addMessage: a delivered (not draft) message, as if it had arrived by SMTP. */
export function messageFromMime(mb: MailboxStore, folder: StoredFolder, mime: Buffer, o: AddMessageOptions): StoredItem {
  const item = blankItem(mb, folder, 'Message');
  item.mime = Buffer.from(mime);
  item.isDraft = false;
  setProp(item, 'IsRead', String(o.isRead ?? false));
  if (o.categories?.length) item.props.set('Categories', fragment(`<t:Categories>${o.categories.map((c) => tEl('String', c)).join('')}</t:Categories>`));
  if (o.flagged) item.props.set('Flag', fragment('<t:Flag><t:FlagStatus>Flagged</t:FlagStatus></t:Flag>'));
  deriveFromMime(mb, item);
  item.received = o.receivedAt ?? summarizeMime(item.mime).date ?? item.created;
  mb.itemMap.set(item.n, item);
  return item;
}

function prepareCalendarItem(item: StoredItem, ctx: CreateContext): void {
  const start = text(item.props.get('Start'));
  const end = text(item.props.get('End'));
  if (!start || !end) throw new EwsError('ErrorCalendarInvalidPropertyValue', 'A calendar item needs Start and End.');
  if (Date.parse(end) < Date.parse(start)) throw new EwsError('ErrorCalendarEndDateIsEarlierThanStartDate', 'EndDate is earlier than StartDate');
  if (!item.props.has('UID')) setProp(item, 'UID', `040000008200E00074C5B7101A82E00800000000${randomBytes(16).toString('hex').toUpperCase()}`);
  item.zone = item.props.get('StartTimeZone') ?? ctx.timeZoneContext;
  const rec = item.props.get('Recurrence');
  if (rec) parseRecurrence(rec); // validates; expansion happens when served
}

/** Members that point at a contact by ItemId must point at one in this mailbox. */
function checkMembers(mb: MailboxStore, item: StoredItem): void {
  for (const m of elements(item.props.get('Members'), 'Member')) {
    const id = child(child(m, 'Mailbox'), 'ItemId');
    if (id) mb.resolveItem(id);
  }
}
