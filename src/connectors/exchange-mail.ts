/**
 * What Exchange's mail looks like whichever API reaches it (EWS on premises, Graph for Microsoft
 * 365): its well-known folders as RFC 6154 special uses, and a message's read state, follow-up flag
 * and categories as IMAP flags and keywords.
 */

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
