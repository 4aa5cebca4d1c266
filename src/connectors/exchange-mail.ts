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

/**
 * The mailbox quota as both Exchange APIs reach it: MAPI properties of the message store, which
 * Exchange also serves on the mailbox's root folder (msgfolderroot). Ids and units per [MS-OXPROPS].
 */
export const QUOTA_PROPERTIES = {
  /** PidTagMessageSizeExtended: the mailbox's size, in bytes (PtypInteger64). */
  usedBytes: { tag: 0x0e08, type: 'Long' },
  /**
   * PidTagProhibitReceiveQuota: the size, in kilobytes, past which nothing more is delivered to the
   * mailbox (PtypInteger32; unset or -1: no limit). The limit a copy into it runs into.
   */
  limitKb: { tag: 0x666a, type: 'Integer' },
} as const;

/** The quota from the two properties' values as the server wrote them; undefined when it does not say (or sets no limit). */
export function mapiQuota(usedBytes: string | undefined, limitKb: string | undefined): { usedBytes: number; limitBytes: number } | undefined {
  const used = Number(usedBytes);
  const limit = Number(limitKb);
  if (usedBytes === undefined || limitKb === undefined || !Number.isFinite(used) || used < 0 || !Number.isFinite(limit) || limit <= 0) return undefined;
  return { usedBytes: used, limitBytes: limit * 1024 };
}
