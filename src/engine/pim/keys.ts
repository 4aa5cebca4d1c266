import { createHash } from 'node:crypto';
import type { PimItem, PimKind } from '../../ports/pim-items';
import type { AccountEndpoint } from '../../ports/account';
import { mailboxOf } from '../../ports/account';

/**
 * Which source an item came from, for its stamp: the mailbox and its server (not the port, the
 * login or the TLS mode, which may change between runs), or an imported file's name.
 */
export function sourceKeyOf(source: AccountEndpoint): string {
  return source.file !== undefined ? `${source.protocol}:${source.user}` : `${source.protocol}:${mailboxOf(source).toLowerCase()}@${source.host.toLowerCase()}`;
}

/**
 * The stamp Tern writes on every contact, group, event and task it creates: a hash of where the
 * item came from (source account and the item's ID there). A re-run, a resumed task or a second
 * import of the same PST finds its earlier copies by it, whatever was edited since.
 */
export function stampOf(sourceAccount: string, kind: PimKind, sourceId: string): string {
  return 'tern1:' + createHash('sha256').update(`${sourceAccount}\n${kind}\n${sourceId}`).digest('base64url').slice(0, 32);
}

const norm = (s: string | undefined) => (s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * What makes two items "the same" when neither carries a stamp (the destination had the item
 * before Tern came): a contact by its name and addresses, a group by its name and members, an
 * event by subject and times, a task by subject and due date.
 */
export function fingerprintOf(item: PimItem): string {
  switch (item.kind) {
    case 'contact': {
      const name = norm(item.displayName) || norm([item.givenName, item.middleName, item.surname].filter(Boolean).join(' '));
      return `contact|${name}|${item.emails.map((e) => norm(e.address)).sort().join(',')}`;
    }
    case 'group':
      return `group|${norm(item.displayName)}|${item.members.map((m) => norm(m.address ?? m.name)).sort().join(',')}`;
    case 'event':
      return `event|${norm(item.subject)}|${Date.parse(item.start)}|${Date.parse(item.end)}`;
    case 'task':
      return `task|${norm(item.subject)}|${item.dueDate ? Date.parse(item.dueDate) : ''}`;
  }
}
