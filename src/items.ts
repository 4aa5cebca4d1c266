import { TernError } from './errors';
import type { Protocol } from './connectors/types';

/** Item kinds in the order their steps run (groups after contacts, rules after folders exist). */
export const ITEM_KINDS = ['emails', 'contacts', 'contactGroups', 'calendars', 'tasks', 'inboxRules', 'outOfOffice'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

const LABELS: Record<ItemKind, string> = {
  emails: 'E-mails',
  contacts: 'Contacts',
  contactGroups: 'Contact groups',
  calendars: 'Calendars',
  tasks: 'Tasks',
  inboxRules: 'Inbox rules',
  outOfOffice: 'Out of office',
};

export function itemLabel(kind: ItemKind): string {
  return LABELS[kind];
}

/** What each protocol can carry, as a source and as a destination. */
const CAPABILITIES: Record<Protocol, { source: readonly ItemKind[]; destination: readonly ItemKind[]; why: string }> = {
  imap: { source: ['emails'], destination: ['emails'], why: 'IMAP accounts carry e-mails only' },
  pop3: { source: ['emails'], destination: [], why: 'POP3 accounts carry e-mails only, and only as a source' },
  // PST import: a .pst file is a source only; its non-mail items need a destination that takes them.
  pst: { source: ['emails', 'contacts', 'contactGroups', 'calendars', 'tasks'], destination: [], why: 'a PST file holds e-mails, contacts, contact groups, calendars and tasks, and can only be imported from' },
  // Exchange (EWS, 2010 SP2 and later) carries every kind both ways.
  ews: { source: ITEM_KINDS, destination: ITEM_KINDS, why: 'Exchange carries every item kind' },
};

/** Parses a comma-separated list of item kinds (case-insensitive), in step order, without repeats. */
export function parseItems(input: string | string[] | undefined): ItemKind[] {
  const raw = (Array.isArray(input) ? input : (input ?? 'emails').split(',')).map((s) => s.trim()).filter(Boolean);
  if (raw.length === 0) throw new TernError('BAD_ITEMS', `No items given. Choose from: ${ITEM_KINDS.join(', ')}.`, { field: 'items' });
  const chosen = new Set<ItemKind>();
  for (const name of raw) {
    const kind = ITEM_KINDS.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!kind) throw new TernError('BAD_ITEMS', `Unknown item "${name}". Choose from: ${ITEM_KINDS.join(', ')}.`, { field: 'items' });
    chosen.add(kind);
  }
  return ITEM_KINDS.filter((k) => chosen.has(k));
}

/** Refuses up front the kinds a side cannot carry, naming the kind and the reason. */
export function checkItemsSupported(items: ItemKind[], source: Protocol, destination: Protocol): void {
  const src = CAPABILITIES[source];
  const dst = CAPABILITIES[destination];
  if (dst.destination.length === 0) {
    throw new TernError('UNSUPPORTED_ITEMS', `A ${destination.toUpperCase()} account cannot be a destination: ${dst.why}. Use an IMAP or Exchange destination.`, {
      field: 'destination',
    });
  }
  for (const kind of items) {
    if (!src.source.includes(kind)) {
      throw new TernError('UNSUPPORTED_ITEMS', `${itemLabel(kind)} cannot be migrated from this source: ${src.why}.`, { field: 'items' });
    }
    if (!dst.destination.includes(kind)) {
      throw new TernError('UNSUPPORTED_ITEMS', `${itemLabel(kind)} cannot be migrated to this destination: ${dst.why}.`, { field: 'items' });
    }
  }
}
