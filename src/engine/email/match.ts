import type { MessageSummary, StoredMessage } from '../../ports/mail';

export interface MatchResult<T extends MessageSummary> {
  /** Copied by this task in an earlier attempt (found in its journal). */
  copiedBefore: T[];
  /** Were at the destination before this task: counted, never copied, never touched. */
  alreadyPresent: T[];
  toCopy: T[];
  /** The destination id each copiedBefore and alreadyPresent message was paired with, by source ref. */
  pairedWith: Map<string, string>;
}

/**
 * Pairs source messages with destination messages by dedupe key, counting duplicates: a key
 * seen twice at the source and once at the destination copies one message. Messages this task
 * created (`ours`, by id) are matched first, so a resumed task counts them as its own.
 */
export function matchMessages<T extends MessageSummary>(source: T[], destination: StoredMessage[], ours: Set<string>): MatchResult<T> {
  const mine = new Map<string, string[]>();
  const before = new Map<string, string[]>();
  for (const m of destination) {
    const bucket = ours.has(m.id) ? mine : before;
    const ids = bucket.get(m.dedupeKey);
    if (ids) ids.push(m.id);
    else bucket.set(m.dedupeKey, [m.id]);
  }
  const result: MatchResult<T> = { copiedBefore: [], alreadyPresent: [], toCopy: [], pairedWith: new Map() };
  const take = (bucket: Map<string, string[]>, m: T) => {
    const id = bucket.get(m.dedupeKey)?.shift();
    if (id !== undefined) result.pairedWith.set(m.ref, id);
    return id !== undefined;
  };
  for (const m of source) {
    if (take(mine, m)) result.copiedBefore.push(m);
    else if (take(before, m)) result.alreadyPresent.push(m);
    else result.toCopy.push(m);
  }
  return result;
}

/** Splits messages into fetch batches of at most maxCount messages and maxBytes (a larger message goes alone). */
export function chunkMessages<T extends { size: number }>(messages: T[], maxCount: number, maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    if (current.length > 0 && (current.length >= maxCount || bytes + m.size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += m.size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Flags the destination folder can store: system flags always, keywords when it allows them. */
export function storableFlags(flags: string[], permanentFlags: Set<string> | undefined): string[] {
  const anyKeyword = !permanentFlags || permanentFlags.has('\\*');
  return flags.filter((f) => f !== '\\Recent' && (f.startsWith('\\') || anyKeyword || permanentFlags.has(f)));
}
