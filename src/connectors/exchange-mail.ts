/**
 * What Exchange's mail looks like whichever API reaches it (EWS on premises, Graph for Microsoft
 * 365): its well-known folders as RFC 6154 special uses, and a message's read state, follow-up flag
 * and categories as IMAP flags and keywords.
 */
import type { MessageSummary } from '../ports/mail';

/** Exchange's well-known mail folders (EWS DistinguishedFolderId, Graph well-known name) → special use. */
export const EXCHANGE_SPECIAL_USE: Readonly<Record<string, string>> = {
  inbox: '\\Inbox',
  sentitems: '\\Sent',
  drafts: '\\Drafts',
  deleteditems: '\\Trash',
  junkemail: '\\Junk',
  archive: '\\Archive',
};

/** A category as an IMAP keyword (atoms only: no spaces, no specials). */
export function keywordOf(category: string): string | undefined {
  const atom = category.trim().replace(/[\s(){%*"\\\]]+/g, '_');
  return atom && !atom.startsWith('\\') ? atom : undefined;
}

/** An Exchange message's state as IMAP flags: read → \Seen, flagged → \Flagged, categories → keywords. */
export function exchangeFlags(m: { isRead: boolean; flagged: boolean; categories: string[] }): string[] {
  return [...(m.isRead ? ['\\Seen'] : []), ...(m.flagged ? ['\\Flagged'] : []), ...m.categories.map(keywordOf).filter((k): k is string => Boolean(k))];
}

/** What either Exchange API lists of a message, as the mail port's summary. */
export function exchangeSummary(m: { id: string; size: number; isRead: boolean; flagged: boolean; categories: string[]; receivedAt?: string }, dedupeKey: string): MessageSummary {
  return { ref: m.id, size: m.size, flags: exchangeFlags(m), internalDate: m.receivedAt ? new Date(m.receivedAt) : undefined, dedupeKey, categories: m.categories };
}
