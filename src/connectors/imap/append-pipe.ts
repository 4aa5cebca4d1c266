import type { AccountCredentials } from '../../ports/account';
import type { FolderState, MessageBytes, SpooledMessage } from '../../ports/mail';
import { connectionError } from '../errors';
import type { TernError } from '../../errors';
import { responseCode, serverWords } from './server-words';
import { mailbox, openRawSession, wireName, type RawSession } from './raw-session';

/**
 * APPENDs pipelined on one connection. imapflow keeps one command in flight per connection, so
 * each APPEND costs a round trip or two; across a 10 ms link that caps a connection at ~50
 * messages a second. With LITERAL+ (RFC 7888) the literal needs no "+" go-ahead, so many APPENDs
 * can be on the wire at once, as mbsync does. Servers without LITERAL+ get `undefined` from
 * openAppendPipe and the caller keeps using imapflow.
 */
export interface AppendPipe {
  /**
   * Resolves with the APPENDUID when the server gave one; rejects with AppendRefused on NO/BAD,
   * and with NotSent when `stop` was aborted before the message went on the wire.
   */
  append(folder: string, raw: MessageBytes, flags: string[], internalDate?: Date, stop?: AbortSignal): Promise<{ uid?: number; uidValidity?: string }>;
  /** A folder command on the same wire, pipelined with the rest; rejects with AppendRefused on NO/BAD. */
  folderCommand(verb: 'CREATE' | 'SUBSCRIBE', folder: string): Promise<void>;
  /**
   * A folder's STATUS on this connection, which selects no folder: it counts what every connection
   * wrote, with no NOOP first (one round trip, not two). Rejects when the answer cannot be read.
   */
  folderStatus(folder: string): Promise<FolderState>;
  close(): Promise<void>;
}

/** The server refused one message (too large, bad flags…): that message fails, the rest go on. */
export class AppendRefused extends Error {
  constructor(
    readonly responseStatus: 'NO' | 'BAD',
    readonly responseText: string,
    /** The response code the server gave (RFC 5530: OVERQUOTA, TOOBIG, …). */
    readonly code?: string,
  ) {
    super(`APPEND refused: ${responseStatus} ${responseText}`);
  }
}

/** The run stopped before this message went on the wire (it waited for room, or behind a spooled one): nothing was written. */
export class NotSent extends Error {
  constructor() {
    super('APPEND not sent: the run stopped');
  }
}

/**
 * Bytes of APPENDs waiting for their answer: what is in flight is bounded by bytes, so a link
 * with a long round trip carries many small messages at once. The count bound only keeps the
 * table of pending tags reasonable.
 */
const MAX_BYTES_IN_FLIGHT = 4 * 1024 * 1024;
/** Pieces a spooled message is written in. */
const STREAM_PIECE_BYTES = 256 * 1024;
const MAX_IN_FLIGHT = 2000;

interface Pending {
  resolve(v: { uid?: number; uidValidity?: string }): void;
  reject(err: Error): void;
  size: number;
}

export async function openAppendPipe(account: AccountCredentials, timeoutMs: number): Promise<AppendPipe | undefined> {
  // Without LITERAL+ every APPEND would wait for the server's go-ahead: imapflow's session serves.
  const session = await openRawSession(account, timeoutMs, (caps) => caps.has('LITERAL+'));
  if (!session) return undefined;
  const fail = (err: unknown) => connectionError(err, 'imap', account);
  return pipe(session, fail, appendLimit(session.caps), session.caps.has('CONDSTORE'));
}

/** RFC 7889: the largest message the server takes, when it says; larger ones are not even sent. */
function appendLimit(caps: Set<string>): number | undefined {
  for (const c of caps) {
    const m = /^APPENDLIMIT=(\d+)$/.exec(c);
    if (m) return Number(m[1]);
  }
  return undefined;
}

function pipe({ socket, reader, logout }: RawSession, fail: (err: unknown) => TernError, limit: number | undefined, condstore: boolean): AppendPipe {
  const pending = new Map<string, Pending>();
  /** Untagged STATUS answers by mailbox name (as encoded on the wire), until their command's tagged OK. */
  const statuses = new Map<string, string>();
  let counter = 0;
  let bytesInFlight = 0;
  let broken: TernError | undefined;
  let room: Array<() => void> = [];
  /** A spooled message being streamed (and the APPENDs queued behind it); undefined when the wire is free. */
  let sending: Promise<void> | undefined;
  /**
   * A batch's APPENDs are asked for in one go: what is written in one tick leaves in one writev
   * (one system call for the batch, not one per message), at the end of the tick.
   */
  let corked = false;
  const corkForThisTick = () => {
    if (corked) return;
    corked = true;
    socket.cork();
    process.nextTick(() => {
      corked = false;
      socket.uncork();
    });
  };
  /**
   * A spooled message's literal, streamed from its file: never whole in memory. Two buffers take
   * turns (one is read into while the other is on its way out), so a 100 MB message leaves no
   * trail of pieces for the collector either. A read failure mid-literal leaves the command
   * unfinishable, so the connection is closed (the batch fails and is retried; nothing was
   * half-written, as the server discards it).
   */
  const streamLiteral = async (head: string, raw: SpooledMessage): Promise<void> => {
    try {
      socket.write(head);
      const pieces = [Buffer.allocUnsafe(STREAM_PIECE_BYTES), Buffer.allocUnsafe(STREAM_PIECE_BYTES)];
      const leaving: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
      for (let at = 0, k = 0; at < raw.length; k ^= 1) {
        // That buffer's last piece has left for the kernel: it can be filled again.
        await leaving[k];
        if (broken) return;
        const n = await raw.readInto(pieces[k], at);
        if (n === 0) throw new Error(`the spooled message ended after ${at} of ${raw.length} bytes`);
        leaving[k] = new Promise((resolve) => socket.write(pieces[k].subarray(0, n), () => resolve()));
        at += n;
      }
      socket.write('\r\n');
    } catch (err) {
      breakAll(err);
      socket.destroy();
    }
  };
  const wake = () => {
    const waiting = room;
    room = [];
    for (const w of waiting) w();
  };
  const breakAll = (err: unknown) => {
    broken ??= fail(err);
    for (const p of pending.values()) p.reject(broken);
    pending.clear();
    wake();
  };
  socket.on('error', breakAll);
  socket.on('close', () => breakAll(Object.assign(new Error('Connection closed'), { code: 'NoConnection' })));
  reader.onLine((line) => {
    const said = /^\* STATUS (?:"((?:[^"\\]|\\.)*)"|([^\s"(]+)) \((.*)\)\s*$/i.exec(line);
    if (said) statuses.set(said[1] !== undefined ? said[1].replace(/\\(.)/g, '$1') : said[2], said[3]);
    const m = /^(A\d+) (OK|NO|BAD)\b ?(.*)$/i.exec(line);
    if (!m) return; // other untagged data: EXISTS, RECENT… nothing to do
    const p = pending.get(m[1]);
    if (!p) return;
    pending.delete(m[1]);
    bytesInFlight -= p.size;
    wake();
    const status = m[2].toUpperCase();
    if (status === 'OK') {
      const uid = /\[APPENDUID (\d+) (\d+)\]/i.exec(m[3]);
      p.resolve(uid ? { uidValidity: uid[1], uid: Number(uid[2]) } : {});
    } else {
      p.reject(new AppendRefused(status as 'NO' | 'BAD', serverWords(m[3]), responseCode(m[3])));
    }
  });
  /** One folder command, pipelined like the APPENDs; `rest` follows the mailbox name (STATUS's items). */
  const folderCommand = async (verb: 'CREATE' | 'SUBSCRIBE' | 'STATUS', folder: string, rest = ''): Promise<void> => {
    if (broken) throw broken;
    const tag = `A${++counter}`;
    const done = new Promise<{ uid?: number; uidValidity?: string }>((resolve, reject) => pending.set(tag, { resolve, reject, size: 0 }));
    // Never inside a literal being streamed: after it, like an APPEND.
    const send = () => {
      if (!broken) socket.write(`${tag} ${verb} ${mailbox(folder)}${rest}\r\n`);
    };
    if (sending) {
      const current = (sending = sending.then(send));
      void current.finally(() => {
        if (sending === current) sending = undefined;
      });
    } else send();
    await done;
  };
  return {
    async append(folder, raw, flags, internalDate, stop) {
      if (limit !== undefined && raw.length > limit) {
        throw new AppendRefused('NO', `the message (${raw.length} bytes) is larger than the ${limit} bytes the server takes (APPENDLIMIT)`, 'TOOBIG');
      }
      while (!broken && (pending.size >= MAX_IN_FLIGHT || (pending.size > 0 && bytesInFlight + raw.length > MAX_BYTES_IN_FLIGHT))) {
        await new Promise<void>((resolve) => room.push(resolve));
      }
      if (broken) throw broken;
      if (stop?.aborted) throw new NotSent();
      const tag = `A${++counter}`;
      const head = `${tag} APPEND ${mailbox(folder)} (${flags.join(' ')})${internalDate ? ` "${imapDate(internalDate)}"` : ''} {${raw.length}+}\r\n`;
      const done = new Promise<{ uid?: number; uidValidity?: string }>((resolve, reject) => pending.set(tag, { resolve, reject, size: raw.length }));
      bytesInFlight += raw.length;
      // One literal at a time on the wire: an APPEND asked while a spooled one streams goes after it.
      const send = () => {
        if (broken) return;
        // Queued behind a spooled message while the run was told to stop: it never goes out.
        if (stop?.aborted) {
          const p = pending.get(tag);
          pending.delete(tag);
          bytesInFlight -= raw.length;
          wake();
          p?.reject(new NotSent());
          return;
        }
        if (Buffer.isBuffer(raw)) {
          corkForThisTick();
          socket.write(head);
          socket.write(raw);
          socket.write('\r\n');
          return;
        }
        return streamLiteral(head, raw);
      };
      sending = sending ? sending.then(send) : send() ?? undefined;
      const current = sending;
      // Settled: the chain ends, so later Buffer APPENDs are written at once again.
      current?.finally(() => {
        if (sending === current) sending = undefined;
      });
      return done;
    },
    folderCommand: (verb, folder) => folderCommand(verb, folder),
    async folderStatus(folder) {
      const name = wireName(folder);
      statuses.delete(name);
      await folderCommand('STATUS', folder, ` (MESSAGES UIDNEXT UIDVALIDITY${condstore ? ' HIGHESTMODSEQ' : ''})`);
      const attributes = statuses.get(name);
      statuses.delete(name);
      const items = new Map<string, string>();
      const words = (attributes ?? '').trim().split(/\s+/);
      for (let i = 0; i + 1 < words.length; i += 2) items.set(words[i].toUpperCase(), words[i + 1]);
      const [generation, next, count] = ['UIDVALIDITY', 'UIDNEXT', 'MESSAGES'].map((k) => items.get(k));
      if (generation === undefined || next === undefined || count === undefined) throw new Error(`no STATUS of ${folder} in the answer`);
      const modseq = items.get('HIGHESTMODSEQ');
      return { generation, next: Number(next), count: Number(count), ...(modseq === undefined ? {} : { modseq }) };
    },
    async close() {
      logout();
    },
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** date-time of RFC 3501: "01-Jan-2024 08:15:00 +0000". */
function imapDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
