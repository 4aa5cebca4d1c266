// CreateAttachment, GetAttachment, DeleteAttachment: one response message per attachment, as on
// Exchange. Adding or removing an attachment saves the item: its ChangeKey changes, and the
// answer carries the new one (RootItemChangeKey) so the client can go on updating the item.
import { attach, attachmentXml, readAttachment } from '../attachments';
import { changeKey } from '../ids';
import { EwsError, message, responseRoot } from '../soap';
import { NS, child, elements } from '../xml';
import type { OpContext } from './context';

const m = (parent: Element | undefined, name: string) => child(parent, name, NS.m);

export function createAttachment(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const parentEl = m(ctx.body, 'ParentItemId');
  const msgs = elements(m(ctx.body, 'Attachments')).map((el) =>
    message(
      'CreateAttachmentResponseMessage',
      () => {
        // ParentItemId is in the messages namespace but carries an ItemId's attributes.
        const { item, index } = mb.resolveItem(parentEl!);
        if (index !== undefined) throw new EwsError('ErrorInvalidRequest', 'The fake attaches to whole items only, not to one occurrence.');
        const att = readAttachment(mb, el);
        attach(item, att);
        mb.touch(item);
        return `<m:Attachments><t:${el.localName}>${mb.attachmentIdXml(item, att, true)}</t:${el.localName}></m:Attachments>`;
      },
      '<m:Attachments/>',
    ),
  );
  return responseRoot('CreateAttachmentResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}

/** AttachmentShape only shapes item attachments (MIME, body type), which the fake does not store. */
export function getAttachment(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const msgs = elements(m(ctx.body, 'AttachmentIds')).map((el) =>
    message(
      'GetAttachmentResponseMessage',
      () => {
        const { item, attachment } = mb.resolveAttachment(el);
        return `<m:Attachments>${attachmentXml(mb, item, attachment, true)}</m:Attachments>`;
      },
      '<m:Attachments/>',
    ),
  );
  return responseRoot('GetAttachmentResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}

export function deleteAttachment(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const msgs = elements(m(ctx.body, 'AttachmentIds')).map((el) =>
    message('DeleteAttachmentResponseMessage', () => {
      const { item, attachment } = mb.resolveAttachment(el);
      item.attachments = item.attachments.filter((a) => a !== attachment);
      mb.touch(item);
      return `<m:RootItemId RootItemId="${mb.encode('item', item.n)}" RootItemChangeKey="${changeKey(item.version)}"/>`;
    }),
  );
  return responseRoot('DeleteAttachmentResponse', `<m:ResponseMessages>${msgs.join('')}</m:ResponseMessages>`);
}
