import { TernError } from './errors';

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
