// ResolveNames: the server's users (the "directory") and, when the scope includes them, the
// contacts of the mailbox, matched by SMTP address (an "smtp:" prefix is allowed) or by the start
// of a name or address, as ambiguous-name resolution does. One match is Success, several are a
// Warning (ErrorNameResolutionMultipleResults) with the candidates, none is an Error.
import { itemView } from '../render';
import { EwsError, failure, responseRoot, success } from '../soap';
import type { MailboxStore } from '../store';
import { NS, attr, childText, elements, fragment, tEl, text } from '../xml';
import type { OpContext } from './context';

interface Match {
  name: string;
  address: string;
  type: 'Mailbox' | 'Contact';
}

export function resolveNames(ctx: OpContext): string {
  const entry = (childText(ctx.body, 'UnresolvedEntry', NS.m) ?? '').replace(/^smtp:/i, '').trim().toLowerCase();
  const scope = attr(ctx.body, 'SearchScope') ?? 'ActiveDirectoryContacts';
  const matches: Match[] = [];
  if (scope !== 'Contacts') {
    for (const address of ctx.directory()) {
      if (address.toLowerCase() === entry || address.toLowerCase().startsWith(entry)) matches.push({ name: address, address, type: 'Mailbox' });
    }
  }
  if (scope !== 'ActiveDirectory') matches.push(...contactMatches(ctx.mailbox, entry));
  const exact = matches.filter((m) => m.address.toLowerCase() === entry);
  const found = exact.length === 1 ? exact : matches;
  const set = `<m:ResolutionSet TotalItemsInView="${found.length}" IncludesLastItemInRange="true">${found
    .map((m) => `<t:Resolution><t:Mailbox>${tEl('Name', m.name)}${tEl('EmailAddress', m.address)}<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>${m.type}</t:MailboxType></t:Mailbox></t:Resolution>`)
    .join('')}</m:ResolutionSet>`;
  let msg: string;
  if (!found.length) msg = failure('ResolveNamesResponseMessage', new EwsError('ErrorNameResolutionNoResults'));
  else if (found.length === 1) msg = success('ResolveNamesResponseMessage', set);
  else
    msg = `<m:ResolveNamesResponseMessage ResponseClass="Warning"><m:MessageText>Multiple results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${set}</m:ResolveNamesResponseMessage>`;
  return responseRoot('ResolveNamesResponse', `<m:ResponseMessages>${msg}</m:ResponseMessages>`);
}

function contactMatches(mb: MailboxStore, entry: string): Match[] {
  const out: Match[] = [];
  for (const item of mb.itemMap.values()) {
    if (item.kind !== 'Contact') continue;
    const view = itemView(mb, item);
    const name = text(fragment(view.props.get('DisplayName') ?? '<t:DisplayName/>')) ?? '';
    for (const e of elements(item.props.get('EmailAddresses'), 'Entry')) {
      const address = text(e) ?? '';
      if (address.toLowerCase().startsWith(entry) || name.toLowerCase().startsWith(entry)) out.push({ name, address, type: 'Contact' });
    }
  }
  return out;
}
