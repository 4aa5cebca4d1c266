import type { ContactData, PimBase, PimItem } from '../../ports/pim-items';
import { base64Bytes, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_BYTES_PER_ITEM } from '../attachment-limits';
import type { GraphHttp } from './http';
import { valueOf, type ExtendedProperty } from './extended';
import { enc } from './folders';
import { UPLOAD_SESSION_MIN_BYTES, uploadBySession } from './upload-session';

/**
 * Contact photos and the file attachments of events and To Do tasks, through Graph, both ways.
 * Reading costs requests only for items that have some: a contact's PidLidHasPicture (asked with
 * its other extended properties) says it has a photo, an event's or task's hasAttachments that it
 * has attachments. Attachments are kept within the bounds every connector keeps
 * (attachment-limits.ts); an event's item attachments (an embedded Outlook item) are not carried
 * and are named in the report. Writing: a photo by `PUT …/photo/$value` (Graph takes up to 4 MB),
 * an attachment under 3 MB in one POST, a larger one by upload session.
 */
type Attachment = NonNullable<PimBase['attachments']>[number];

/** PidLidHasPicture: Outlook's and Exchange's "this contact has a photo". */
export const HAS_PICTURE_PROPERTY = 'Boolean {00062004-0000-0000-C000-000000000046} Id 0x8015';
/** The largest contact photo Graph takes. */
export const MAX_PHOTO_BYTES = 4 * 1024 * 1024;

interface Listed {
  '@odata.type'?: string;
  id: string;
  name?: string | null;
  contentType?: string | null;
  size?: number;
  isInline?: boolean;
  contentId?: string | null;
  contentBytes?: string | null;
}

/** What a listed Graph item says about its photo and attachments. */
export interface GraphContentHints {
  id?: string;
  hasAttachments?: boolean;
  singleValueExtendedProperties?: ExtendedProperty[];
}

/**
 * Adds the photo (contacts) or the file attachments (events, tasks) the item has at Graph to its
 * neutral shape. `itemPath` is the item's own path (…/contacts/ID, …/events/ID, …/tasks/ID).
 */
export async function readContent(http: GraphHttp, item: PimItem, g: GraphContentHints, itemPath: string): Promise<void> {
  if (item.kind === 'contact') {
    if (valueOf(g.singleValueExtendedProperties, HAS_PICTURE_PROPERTY)?.toLowerCase() !== 'true') return;
    const res = await http.call('GET', `${itemPath}/photo/$value`, { raw: true, accept: [404] });
    if (res.status === 404 || !res.raw?.length) return;
    const type = (res.headers instanceof Headers ? res.headers.get('content-type') : res.headers['content-type']) ?? 'image/jpeg';
    item.photo = { name: 'ContactPicture.jpg', contentType: type.split(';')[0].trim(), base64: res.raw.toString('base64') };
    return;
  }
  if ((item.kind !== 'event' && item.kind !== 'task') || !g.hasAttachments) return;
  const listed = await http.all<Listed>(`${itemPath}/attachments`);
  const out: Attachment[] = [];
  const lost: string[] = [];
  let budget = MAX_ATTACHMENT_BYTES_PER_ITEM;
  for (const a of listed) {
    const type = a['@odata.type'] ?? '';
    if (!/(fileAttachment|taskFileAttachment)$/.test(type)) {
      lost.push(`attachment "${a.name ?? a.id}" (${/itemAttachment$/.test(type) ? 'an Outlook item' : 'a link'})`);
      continue;
    }
    if ((a.size ?? 0) > Math.min(MAX_ATTACHMENT_BYTES, budget)) continue;
    // To Do lists its attachments without their content: each is fetched on its own.
    const base64 = a.contentBytes ?? ((await http.call('GET', `${itemPath}/attachments/${enc(a.id)}`)).json?.contentBytes as string | undefined);
    if (!base64) continue;
    const size = base64Bytes(base64);
    if (size > MAX_ATTACHMENT_BYTES || size > budget) continue;
    budget -= size;
    const att: Attachment = { name: a.name || `attachment-${out.length + 1}`, base64 };
    if (a.contentType) att.contentType = a.contentType;
    if (a.contentId) att.contentId = a.contentId;
    if (a.isInline) att.isInline = true;
    out.push(att);
  }
  if (out.length) item.attachments = out;
  if (lost.length) item.unmapped = [...(item.unmapped ?? []), ...lost];
}

/** What of an item's photo and attachments Graph has no place for. */
export function contentCannotHold(item: PimItem): string[] {
  if (item.kind === 'contact') {
    return [
      ...(item.photo && base64Bytes(item.photo.base64) > MAX_PHOTO_BYTES ? ['photo (over 4 MB)'] : []),
      // Graph v1.0's contact has no attachments.
      ...(item.attachments?.length ? ['attachments'] : []),
    ];
  }
  return [];
}

/** Writes the photo or the attachments of an item just created at `itemPath`. */
export async function writeContent(http: GraphHttp, item: PimItem, itemPath: string): Promise<void> {
  if (item.kind === 'contact') {
    await writePhoto(http, item, itemPath);
    return;
  }
  if (item.kind !== 'event' && item.kind !== 'task') return;
  for (const a of item.attachments ?? []) {
    const bytes = Buffer.from(a.base64, 'base64');
    if (bytes.length >= UPLOAD_SESSION_MIN_BYTES) {
      const parameters = item.kind === 'event'
        ? { AttachmentItem: { attachmentType: 'file', name: a.name, size: bytes.length, contentType: a.contentType ?? 'application/octet-stream', isInline: a.isInline === true, ...(a.contentId ? { contentId: a.contentId } : {}) } }
        : { attachmentInfo: { attachmentType: 'file', name: a.name, size: bytes.length, contentType: a.contentType ?? 'application/octet-stream' } };
      await uploadBySession(http, `${itemPath}/attachments/createUploadSession`, parameters, bytes, a.name);
      continue;
    }
    const body = item.kind === 'event'
      ? { '@odata.type': '#microsoft.graph.fileAttachment', name: a.name, contentType: a.contentType ?? 'application/octet-stream', contentBytes: a.base64, isInline: a.isInline === true, ...(a.contentId ? { contentId: a.contentId } : {}) }
      : { '@odata.type': '#microsoft.graph.taskFileAttachment', name: a.name, contentType: a.contentType ?? 'application/octet-stream', contentBytes: a.base64 };
    await http.call('POST', `${itemPath}/attachments`, { body });
  }
}

async function writePhoto(http: GraphHttp, item: ContactData, itemPath: string): Promise<void> {
  if (!item.photo) return;
  const bytes = Buffer.from(item.photo.base64, 'base64');
  if (!bytes.length || bytes.length > MAX_PHOTO_BYTES) return;
  await http.call('PUT', `${itemPath}/photo/$value`, { body: bytes, contentType: item.photo.contentType || 'image/jpeg' });
}
