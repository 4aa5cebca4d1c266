// GetItem, CreateItem, DeleteItem: one response message per item, so one bad id fails alone.
import { createStoredItem } from '../create';
import { isRecurringMaster, occurrenceAt } from '../calendar';
import type { ItemKind, StoredFolder } from '../model';
import { itemView, parseShape, renderView } from '../render';
import { EwsError, message, responseRoot } from '../soap';
import type { MailboxStore } from '../store';
import { NS, attr, child, elements } from '../xml';
import type { OpContext } from './context';

const m = (parent: Element | undefined, name: string) => child(parent, name, NS.m);

export function getItem(ctx: OpContext): string {
  const shape = parseShape(m(ctx.body, 'ItemShape'));
  const msgs = elements(m(ctx.body, 'ItemIds')).map((el) =>
    message(
      'GetItemResponseMessage',
      () => {
        const { item, index } = ctx.mailbox.resolveItem(el);
        return `<m:Items>${renderView(itemView(ctx.mailbox, item, index), shape)}</m:Items>`;
      },
      '<m:Items/>',
    ),
  );
  return responseRoot('GetItemResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}

const DEFAULT_FOLDER: Record<ItemKind, string> = { Message: 'drafts', Contact: 'contacts', DistributionList: 'contacts', CalendarItem: 'calendar', Task: 'tasks' };

export function distinguished(mb: MailboxStore, id: string): StoredFolder {
  return [...mb.folderMap.values()].find((f) => f.distinguishedId === id)!;
}

export function createItem(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const disposition = attr(ctx.body, 'MessageDisposition');
  const invitations = attr(ctx.body, 'SendMeetingInvitations');
  const savedIn = m(ctx.body, 'SavedItemFolderId');
  const msgs = elements(m(ctx.body, 'Items')).map((el) =>
    message(
      'CreateItemResponseMessage',
      () => {
        const kind = el.localName as ItemKind;
        if (kind === 'Message' && !disposition) throw new EwsError('ErrorMessageDispositionRequired', 'MessageDisposition is required for messages.');
        const sending = kind === 'Message' && disposition !== 'SaveOnly';
        const folder = savedIn
          ? mb.resolveFolderIn(savedIn, 'ErrorSavedItemFolderNotFound')
          : distinguished(mb, sending ? 'sentitems' : (DEFAULT_FOLDER[kind] ?? 'drafts'));
        const item = createStoredItem(mb, folder, el, { messageDisposition: disposition, sendMeetingInvitations: invitations, timeZoneContext: ctx.timeZoneContext });
        if (sending) {
          // Sent mail is not a draft; SendOnly keeps no copy. Nothing is delivered anywhere.
          item.isDraft = false;
          item.sent = mb.now();
          if (disposition === 'SendOnly') mb.itemMap.delete(item.n);
          return '<m:Items/>';
        }
        // The ids of attachments sent inline: ews-javascript-api (Exchange2010_SP2+) reads them
        // into its own attachment objects, and would send CreateAttachment for any left without one.
        const attachments = item.attachments.length
          ? `<t:Attachments>${item.attachments.map((a) => `<t:FileAttachment>${mb.attachmentIdXml(item, a)}</t:FileAttachment>`).join('')}</t:Attachments>`
          : '';
        return `<m:Items><t:${item.kind}>${mb.itemIdXml(item)}${attachments}</t:${item.kind}></m:Items>`;
      },
      '<m:Items/>',
    ),
  );
  return responseRoot('CreateItemResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}

export function deleteItem(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const type = attr(ctx.body, 'DeleteType') ?? 'HardDelete';
  const msgs = elements(m(ctx.body, 'ItemIds')).map((el) =>
    message('DeleteItemResponseMessage', () => {
      const { item, index } = mb.resolveItem(el);
      if (index !== undefined) {
        // Deleting one occurrence: the master remembers it in DeletedOccurrences.
        const occ = isRecurringMaster(item) ? occurrenceAt(item, index) : undefined;
        if (!occ) throw new EwsError('ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange');
        if (occ.deleted) throw new EwsError('ErrorCalendarOccurrenceIsDeletedFromRecurrence');
        item.deleted.add(index);
        item.exceptions.delete(index);
        mb.touch(item);
        return '';
      }
      const bin = distinguished(mb, 'deleteditems');
      if (type === 'MoveToDeletedItems' && item.folder !== bin.n) {
        item.folder = bin.n;
        mb.touch(item);
      } else mb.itemMap.delete(item.n);
      return '';
    }),
  );
  return responseRoot('DeleteItemResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}
