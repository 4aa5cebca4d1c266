import { CONNECTORS } from '../src/connectors/registry';
import { ITEM_KINDS } from '../src/items';

/** Platform-neutral help texts, from the registry: what can be moved, and the account URLs each side takes. */
export const ITEM_NAMES = ITEM_KINDS.join(', ');

/** "imap[s]://user@host[:port], pop3[s]://…, ews://…": the schemes of the kinds that can be this side. */
export function accountUrlForms(side: 'source' | 'destination'): string {
  const kinds = Object.values(CONNECTORS).filter((c) => Object.keys(c.schemes).length > 0 && (side === 'source' ? c.source : c.destination).length > 0);
  return kinds.map((c) => Object.keys(c.schemes).map((s) => `${s}//user@host`).join(' or ')).join(', ');
}
