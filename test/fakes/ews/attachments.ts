// File attachments as Exchange 2010 SP2+ keeps them: sent inline with CreateItem (t:Attachments,
// which ews-javascript-api does for new items from Exchange2010_SP2 on) or added by
// CreateAttachment, listed without content by GetItem, served whole by GetAttachment.
// Item and reference attachments are not stored (ErrorInvalidRequest).
import type { StoredAttachment, StoredItem } from './model';
import { inSchemaOrder } from './schema-order';
import { EwsError } from './soap';
import type { MailboxStore } from './store';
import { NS, childText, tEl } from './xml';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A t:FileAttachment element of a request → a stored attachment (not yet on any item). */
export function readAttachment(mb: MailboxStore, el: Element): StoredAttachment {
  if (el.localName !== 'FileAttachment' || el.namespaceURI !== NS.t) throw new EwsError('ErrorInvalidRequest', `The fake stores file attachments only, not t:${el.localName}.`);
  const name = childText(el, 'Name');
  const content = childText(el, 'Content');
  // Exchange requires a name; a file attachment without content has nothing to store.
  if (!name) throw new EwsError('ErrorRequiredPropertyMissing', 'A file attachment needs a Name.');
  if (content === undefined) throw new EwsError('ErrorRequiredPropertyMissing', 'A file attachment needs Content.');
  const optional = (key: string) => childText(el, key) || undefined;
  const [contentType, contentId, contentLocation] = ['ContentType', 'ContentId', 'ContentLocation'].map(optional);
  return {
    n: mb.nextN(),
    name,
    ...(contentType ? { contentType } : {}),
    ...(contentId ? { contentId } : {}),
    ...(contentLocation ? { contentLocation } : {}),
    isInline: childText(el, 'IsInline') === 'true',
    isContactPhoto: childText(el, 'IsContactPhoto') === 'true',
    content: Buffer.from(content.replace(/\s+/g, ''), 'base64'),
    modified: mb.now(),
  };
}

/**
 * Adds an attachment to an item. A contact has one picture: Exchange keeps only the last
 * IsContactPhoto attachment and drops earlier ones (the EWS Managed API's AttachmentCollection
 * relies on this and says so).
 */
export function attach(item: StoredItem, att: StoredAttachment): void {
  if (item.kind === 'Contact' && att.isContactPhoto) item.attachments = item.attachments.filter((a) => !a.isContactPhoto);
  item.attachments.push(att);
}

/** HasAttachments / PR_HASATTACH: inline attachments (pictures in an HTML body) do not count. */
export function hasAttachments(item: StoredItem): boolean {
  return item.hasAttachments || item.attachments.some((a) => !a.isInline);
}

/** Contact.HasPicture (Exchange 2010+): whether a contact-photo attachment is there. */
export function hasPicture(item: StoredItem): boolean {
  return item.attachments.some((a) => a.isContactPhoto);
}

const TYPE_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', bmp: 'image/bmp', tif: 'image/tiff', tiff: 'image/tiff',
  txt: 'text/plain', htm: 'text/html', html: 'text/html', pdf: 'application/pdf', vcf: 'text/x-vcard', ics: 'text/calendar', eml: 'message/rfc822',
};

/** The server always answers a ContentType; without one from the client the fake takes it from the name's extension. */
export function servedContentType(att: StoredAttachment): string {
  return att.contentType ?? TYPE_BY_EXTENSION[/\.([^.]+)$/.exec(att.name)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

/** One t:FileAttachment in schema order; with `content` as GetAttachment serves it, else as GetItem lists it. */
export function attachmentXml(mb: MailboxStore, item: StoredItem, att: StoredAttachment, content: boolean): string {
  const parts: Array<[string, string]> = [
    ['AttachmentId', mb.attachmentIdXml(item, att)],
    ['Name', tEl('Name', att.name)],
    ['ContentType', tEl('ContentType', servedContentType(att))],
    ['ContentId', tEl('ContentId', att.contentId)],
    ['ContentLocation', tEl('ContentLocation', att.contentLocation)],
    ['Size', tEl('Size', att.content.length)],
    ['LastModifiedTime', tEl('LastModifiedTime', iso(att.modified))],
    ['IsInline', tEl('IsInline', att.isInline)],
    ['IsContactPhoto', tEl('IsContactPhoto', att.isContactPhoto)],
  ];
  if (content) parts.push(['Content', tEl('Content', att.content.toString('base64'))]);
  return `<t:FileAttachment>${inSchemaOrder('FileAttachment', parts.filter(([, xml]) => xml !== ''))}</t:FileAttachment>`;
}

/** The item's t:Attachments for GetItem, or undefined: the schema's array is non-empty, so none means no element. */
export function attachmentsXml(mb: MailboxStore, item: StoredItem): string | undefined {
  if (!item.attachments.length) return undefined;
  return `<t:Attachments>${item.attachments.map((a) => attachmentXml(mb, item, a, false)).join('')}</t:Attachments>`;
}
