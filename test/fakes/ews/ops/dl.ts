// ExpandDL of a contact group (private distribution list) named by ItemId: its members, one
// level deep (a nested group comes back as a PrivateDL mailbox with its ItemId), as Exchange
// does. Public distribution groups do not exist in the fake, so an address alone finds nothing.
import { itemView } from '../render';
import { EwsError, message, responseRoot } from '../soap';
import { NS, child, elements, fragment, serialize } from '../xml';
import type { OpContext } from './context';

export function expandDL(ctx: OpContext): string {
  const mb = ctx.mailbox;
  const box = child(ctx.body, 'Mailbox', NS.m);
  const msg = message('ExpandDLResponseMessage', () => {
    const idEl = child(box, 'ItemId');
    if (!idEl) throw new EwsError('ErrorNameResolutionNoResults');
    const { item } = mb.resolveItem(idEl);
    if (item.kind !== 'DistributionList') throw new EwsError('ErrorInvalidItemForOperationExpandDL', 'The item is not a contact group.');
    const members = itemView(mb, item).props.get('Members');
    const boxes = members ? elements(fragment(members), 'Member').map((mem) => child(mem, 'Mailbox')).filter((b): b is Element => !!b) : [];
    return `<m:DLExpansion IndexedPagingOffset="${boxes.length}" IncludesLastItemInRange="true" TotalItemsInView="${boxes.length}">${boxes.map(serialize).join('')}</m:DLExpansion>`;
  });
  return responseRoot('ExpandDLResponse', `<m:ResponseMessages>${msg}</m:ResponseMessages>`);
}
