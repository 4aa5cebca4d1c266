import { FileAttachment, ItemSchema, ServiceResult } from 'ews-javascript-api';
import type { AttachmentCollection, BodyType, Item } from 'ews-javascript-api';
import type { PimBase } from '../../ports/pim-items';
import type { EwsContext } from './session';
import { prop } from './messages';
import { base64Bytes, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_BYTES_PER_ITEM } from '../attachment-limits';

/**
 * File attachments of contacts, events and tasks (PimBase.attachments). GetItem already lists
 * them without their content (ItemSchema.Attachments is in every kind's property set), so an item
 * without attachments costs no request at all; the content of an item's attachments comes in one
 * GetAttachment call. Item attachments (embedded Outlook items) and reference attachments are not
 * carried, nor the contact photo (ContactData.photo has it).
 *
 * Bounds (src/connectors/attachment-limits.ts): attachments over them are left out in silence:
 * nothing is counted or reported for them. The size is checked on the listing (before any
 * download) and again on the content.
 */
export type PimAttachment = NonNullable<PimBase['attachments']>[number];

/** The item's file attachments (never the contact photo), with their content, within the bounds above. */
export async function readAttachments(ctx: EwsContext, item: Item): Promise<PimAttachment[] | undefined> {
  const collection = prop<AttachmentCollection>(item, ItemSchema.Attachments);
  const listed = ((collection as unknown as { Items?: unknown[] } | undefined)?.Items ?? []).filter(
    (a): a is FileAttachment => a instanceof FileAttachment && !a.IsContactPhoto,
  );
  let budget = MAX_ATTACHMENT_BYTES_PER_ITEM;
  const wanted: FileAttachment[] = [];
  for (const a of listed) {
    const size = Number(a.Size) || 0;
    if (size > MAX_ATTACHMENT_BYTES || size > budget) continue;
    budget -= size;
    wanted.push(a);
  }
  if (!wanted.length) return undefined;
  const answers = await ctx.call('reading attachments', () => ctx.service.GetAttachments(wanted, null as unknown as BodyType, null as unknown as []));
  const out: PimAttachment[] = [];
  budget = MAX_ATTACHMENT_BYTES_PER_ITEM;
  wanted.forEach((a, i) => {
    // An attachment removed meanwhile (or refused) is left out, like an item gone.
    if (answers.Responses[i]?.Result === ServiceResult.Error || !a.Base64Content) return;
    const size = base64Bytes(a.Base64Content);
    if (size > MAX_ATTACHMENT_BYTES || size > budget) return;
    budget -= size;
    const att: PimAttachment = { name: a.Name || `attachment-${i + 1}`, base64: a.Base64Content };
    if (a.ContentType) att.contentType = a.ContentType;
    if (a.ContentId) att.contentId = a.ContentId;
    if (a.IsInline) att.isInline = true;
    out.push(att);
  });
  return out.length ? out : undefined;
}

/**
 * Adds the file attachments to a new item, as the contact photo is added: the library sends them
 * inline with CreateItem (Exchange2010_SP2+), and CreateAttachment for any the answer gave no id.
 */
export function writeAttachments(item: Item, attachments: PimBase['attachments']): void {
  for (const a of attachments ?? []) {
    const att = item.Attachments.AddFileAttachment(a.name, a.base64);
    if (a.contentType) att.ContentType = a.contentType;
    if (a.contentId) att.ContentId = a.contentId;
    if (a.isInline) att.IsInline = true;
  }
}
