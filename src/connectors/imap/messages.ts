import { dedupeKey, DEDUPE_HEADER_FIELDS } from '../../ports/dedupe-key';
import type { FolderChanges, FolderState, MessageBytes, MessageSummary } from '../../ports/mail';
import { spoolMessage } from '../spooled-message';
import { assumeListed, type ImapSession } from './session';

export interface ImapMessage extends MessageSummary {
  uid: number;
}

export interface ScannedFolder {
  uidValidity: string;
  uidNext: number;
  /** Flags the folder stores; undefined or containing "\*" means any keyword may be set. */
  permanentFlags?: Set<string>;
  messages: ImapMessage[];
}

/**
 * Every message of a folder with what copying and deduplication need: UID, size, flags,
 * internal date and the dedupe headers. One pipelined FETCH; bodies are not read.
 */
export async function scanFolder(client: ImapSession, path: string, options: { fromUid?: number; readOnly?: boolean } = {}): Promise<ScannedFolder> {
  const fromUid = options.fromUid ?? 1;
  // EXAMINE keeps a source untouched; a destination is SELECTed, as only SELECT reports which keywords it stores.
  const lock = await lockCurrent(client, path, options.readOnly ?? true);
  try {
    const box = client.mailbox;
    if (!box) throw new Error(`folder ${path} could not be opened`);
    const messages: ImapMessage[] = [];
    if (box.exists > 0) {
      const query = { uid: true, flags: true, internalDate: true, size: true, headers: DEDUPE_HEADER_FIELDS };
      for await (const m of client.fetch(`${fromUid}:*`, query, { uid: true })) {
        if (m.uid < fromUid) continue; // "n:*" always returns the last message, even below n
        messages.push({
          uid: m.uid,
          ref: String(m.uid),
          size: m.size ?? 0,
          flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent'),
          internalDate: m.internalDate ? new Date(m.internalDate) : undefined,
          dedupeKey: dedupeKey(m.headers ?? ''),
        });
      }
    }
    return { uidValidity: String(box.uidValidity), uidNext: box.uidNext, permanentFlags: box.permanentFlags, messages };
  } finally {
    lock.release();
  }
}

/**
 * A lock on the folder with a current view of it. imapflow keeps a folder that is selected already
 * as it was when selected, and that view misses what other connections did since: messages the
 * append pipe or another lane wrote (a scan would not list them, a UID EXPUNGE would not touch
 * them), or the folder deleted and recreated (its old UIDVALIDITY would still pass for current).
 * Such a folder is selected anew; one the lock had to select is current already.
 */
async function lockCurrent(client: ImapSession, path: string, readOnly: boolean) {
  assumeListed(client, path);
  const before = client.mailbox;
  const lock = await client.getMailboxLock(path, { readOnly });
  try {
    if (client.mailbox === before) await client.mailboxOpen(path, { readOnly });
  } catch (err) {
    lock.release();
    throw err;
  }
  return lock;
}

/**
 * Full RFC 822 sources of some messages, one at a time as they arrive (BODY.PEEK[]: the source's
 * \Seen flags stay as they are). The folder stays locked until the last one is read.
 */
export async function* readSources(client: ImapSession, path: string, uids: number[]): AsyncGenerator<{ uid: number; source: Buffer }> {
  if (uids.length === 0) return;
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    for await (const m of client.fetch(uids.join(','), { uid: true, source: true }, { uid: true })) {
      if (m.source) yield { uid: m.uid, source: m.source };
    }
  } finally {
    lock.release();
  }
}

/** APPENDs one message; uid is known when the server has UIDPLUS (APPENDUID). */
export async function appendMessage(
  client: ImapSession,
  path: string,
  source: Buffer,
  flags: string[],
  internalDate?: Date,
): Promise<{ uid?: number; uidValidity?: string }> {
  const res = await client.append(path, source, flags, internalDate);
  if (!res) throw new Error(`the server did not accept the message into ${path}`);
  return { uid: res.uid, uidValidity: res.uidValidity === undefined ? undefined : String(res.uidValidity) };
}

/** UIDs (at or above minUid) of messages with this dedupe key: how an APPEND is found without UIDPLUS. */
export async function findByKey(client: ImapSession, path: string, key: string, minUid = 1): Promise<number[]> {
  const scanned = await scanFolder(client, path, { fromUid: minUid });
  return scanned.messages.filter((m) => m.dedupeKey === key).map((m) => m.uid);
}

/**
 * Deletes messages by UID, only if the folder's UIDVALIDITY is still the one journaled (otherwise
 * the UIDs could name other messages: "stale"); a folder that no longer exists is "gone".
 */
export async function deleteMessages(client: ImapSession, path: string, uidValidity: string, uids: number[]): Promise<'removed' | 'gone' | 'stale'> {
  if (!(await client.list()).some((f) => f.path === path)) return 'gone';
  const lock = await lockCurrent(client, path, false);
  try {
    if (String(client.mailbox && client.mailbox.uidValidity) !== uidValidity) return 'stale';
    // UID EXPUNGE (UIDPLUS) removes only these messages, whatever else carries \Deleted.
    for (let i = 0; i < uids.length; i += 500) await client.messageDelete(uids.slice(i, i + 500).join(','), { uid: true });
    return 'removed';
  } finally {
    lock.release();
  }
}

/** UIDVALIDITY, UIDNEXT, MESSAGES and (with CONDSTORE) HIGHESTMODSEQ, in one STATUS. */
export async function folderState(client: ImapSession, path: string): Promise<FolderState> {
  const s = await client.status(path, { messages: true, uidNext: true, uidValidity: true, highestModseq: true });
  if (!s) throw new Error(`STATUS of ${path} gave nothing`);
  return {
    generation: String(s.uidValidity),
    next: s.uidNext ?? 0,
    count: s.messages ?? 0,
    ...(s.highestModseq === undefined ? {} : { modseq: String(s.highestModseq) }),
  };
}

/**
 * What changed since a pass that left the folder at `since` (same UIDVALIDITY): the messages at or
 * above its UIDNEXT, listed as scanFolder lists them, and the flags of the older ones that changed
 * since its HIGHESTMODSEQ (CHANGEDSINCE, RFC 7162), or of all older ones without a modseq.
 */
export async function changesSince(client: ImapSession, path: string, since: FolderState): Promise<FolderChanges> {
  const added = (await scanFolder(client, path, { fromUid: since.next })).messages;
  const flags: Array<[string, string[]]> = [];
  if (since.next > 1) {
    const lock = await client.getMailboxLock(path, { readOnly: true });
    try {
      const box = client.mailbox;
      if (box && box.exists > 0) {
        const changedSince = since.modseq !== undefined && box.highestModseq !== undefined ? BigInt(since.modseq) : undefined;
        for await (const m of client.fetch(`1:${since.next - 1}`, { uid: true, flags: true }, { uid: true, ...(changedSince === undefined ? {} : { changedSince }) })) {
          if (m.uid < since.next) flags.push([String(m.uid), [...(m.flags ?? [])].filter((f) => f !== '\\Recent')]);
        }
      }
    } finally {
      lock.release();
    }
  }
  return { added, flags };
}

/** Sets each message's flags to exactly the given ones: one STORE per distinct set of flags. */
export async function setFlags(client: ImapSession, path: string, changes: Array<[uid: number, flags: string[]]>): Promise<void> {
  if (changes.length === 0) return;
  const bySet = new Map<string, number[]>();
  for (const [uid, flags] of changes) {
    const key = [...flags].sort().join(' ');
    bySet.set(key, [...(bySet.get(key) ?? []), uid]);
  }
  const lock = await lockCurrent(client, path, false);
  try {
    for (const [key, uids] of bySet) await client.messageFlagsSet(uids.join(','), key ? key.split(' ') : [], { uid: true });
  } finally {
    lock.release();
  }
}

/** Pieces a large message is read in: one partial FETCH (BODY.PEEK[]<start.length>) each. */
const PIECE_BYTES = 1024 * 1024;
/** Messages larger than this are spooled to a temporary file, not held in memory (issue 21: bounded memory). */
export const SPOOL_BYTES = 2 * 1024 * 1024;

/**
 * One message's source, read in pieces. Fetched whole, a message of 100 MB passes through two or
 * three buffers of its size while the answer is parsed; read this way a message up to SPOOL_BYTES
 * is held once, in a buffer of its announced size (RFC822.SIZE), and a larger one goes piece by
 * piece to a temporary file (spooled-message.ts), from which the destination streams it.
 */
export async function readOneSource(client: ImapSession, path: string, uid: number): Promise<MessageBytes | undefined> {
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    const download = await client.download(String(uid), undefined, { uid: true, chunkSize: PIECE_BYTES });
    if (!('content' in download) || !download.content) return undefined;
    const pieces = download.content as AsyncIterable<Buffer>;
    const expected = download.meta?.expectedSize ?? PIECE_BYTES;
    return expected > SPOOL_BYTES ? await spoolMessage(pieces) : await intoBuffer(pieces, expected);
  } finally {
    lock.release();
  }
}

async function intoBuffer(pieces: AsyncIterable<Buffer>, expected: number): Promise<Buffer> {
  let out = Buffer.allocUnsafe(expected);
  let length = 0;
  for await (const piece of pieces) {
    if (length + piece.length > out.length) {
      // More than announced (a server that counts sizes its own way): grown, never lost.
      const grown = Buffer.allocUnsafe(Math.max(out.length * 2, length + piece.length));
      out.copy(grown, 0, 0, length);
      out = grown;
    }
    piece.copy(out, length);
    length += piece.length;
  }
  return length === out.length ? out : out.subarray(0, length);
}
