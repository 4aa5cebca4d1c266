import { ContactGroup, ContactGroupSchema, FolderId, ItemId, MailboxType } from 'ews-javascript-api';
import type { EmailAddress, GroupMemberCollection, Item, PropertyDefinitionBase } from 'ews-javascript-api';
import type { GroupData, GroupMember } from '../../ports/pim-items';
import type { EwsContext } from './session';
import { saveNew } from './save';
import type { EwsFolder } from './types';
import { prop } from './messages';
import { BASE_PROPERTIES, readBase, writeBase } from './item-base';

/**
 * Contact groups (EWS DistributionList). A member that is a contact (or a group) of the same
 * mailbox is kept by its ItemId, so the engine can re-point it at the copy; every other member
 * (one-off, directory user) is kept as its address.
 */

/** Routing type Tern records for a member that is another contact group of the mailbox. */
const NESTED_GROUP = 'MAPIPDL';

export function groupProperties(): PropertyDefinitionBase[] {
  return [...BASE_PROPERTIES, ContactGroupSchema.DisplayName, ContactGroupSchema.Members];
}

export function readGroup(item: Item, folder: EwsFolder): GroupData {
  const group = item as ContactGroup;
  const data: GroupData = { kind: 'group', ...readBase(item, folder), displayName: prop<string>(item, ContactGroupSchema.DisplayName) ?? '', members: [] };
  const members = prop<GroupMemberCollection>(group, ContactGroupSchema.Members);
  for (const m of (members as unknown as { Items?: Array<{ AddressInformation?: EmailAddress }> } | undefined)?.Items ?? []) {
    const a = m.AddressInformation;
    if (!a) continue;
    const member: GroupMember = {};
    if (a.Name) member.name = a.Name;
    if (a.Address) member.address = a.Address;
    const local = a.MailboxType === MailboxType.Contact || a.MailboxType === MailboxType.ContactGroup;
    if (local && a.Id?.UniqueId) {
      member.contactSourceId = a.Id.UniqueId;
      member.routingType = a.MailboxType === MailboxType.ContactGroup ? NESTED_GROUP : a.RoutingType || 'SMTP';
    } else if (a.RoutingType) {
      member.routingType = a.RoutingType;
    } else if (a.Address?.includes('@')) {
      member.routingType = 'SMTP';
    }
    data.members.push(member);
  }
  return data;
}

export async function createGroup(ctx: EwsContext, folderId: string, data: GroupData, stamp: string, contactIds: ReadonlyMap<string, string>): Promise<string> {
  const group = new ContactGroup(ctx.service);
  // A group's subject is its display name: Exchange sets it, the library refuses it.
  writeBase(group, { ...data, subject: undefined }, stamp);
  group.DisplayName = data.displayName;
  for (const m of data.members) {
    const copy = m.contactSourceId ? contactIds.get(m.contactSourceId) : undefined;
    if (copy && m.routingType === NESTED_GROUP) group.Members.AddContactGroup(new ItemId(copy));
    else if (copy && m.address) group.Members.AddPersonalContact(new ItemId(copy), m.address);
    else if (copy) group.Members.AddPersonalContact(new ItemId(copy));
    // Not (yet) copied, or never a contact: the address still reaches the person.
    else if (m.address) group.Members.AddOneOff(m.name ?? m.address, m.address, m.routingType && m.routingType !== NESTED_GROUP ? m.routingType : 'SMTP');
  }
  return saveNew(ctx, group, 'saving a contact group', () => group.Save(new FolderId(folderId)));
}
