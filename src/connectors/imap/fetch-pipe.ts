import type { AccountCredentials } from '../../ports/account';
import { connectionError } from '../errors';
import type { TernError } from '../../errors';
import { responseCode, serverWords } from './server-words';
import { mailbox, openRawSession, type RawSession } from './raw-session';
import { ResponseReader, fetchItems, internalDate, type LiteralSink, type Response } from './fetch-response';
import { openSpool } from '../spooled-message';
import type { MessageBytes } from '../../ports/mail';

/**
 * A copy lane's folder scans and message sources, read on a bare connection of their own
 * (raw-session.ts). imapflow turns every FETCH answer into objects, hashes an id for each message
 * and copies its literal more than once: on a busy machine that, not the network, bounded a copy
 * (issue 21). Here each literal is copied once, into a buffer of its announced size (or straight
 * into a spool file when large), and nothing else is kept.
 */
export interface FetchPipe {
  /** Messages by UID as they arrive, with BODY.PEEK[] (the source's \Seen flags stay as they are); a UID that no longer exists is left out. */
  read(folder: string, uids: number[]): AsyncGenerator<{ uid: number; source: Buffer }>;
  /**
   * One message, in one FETCH: held in memory up to `spoolAbove` bytes, else written to a spool
   * file as it arrives (never whole in memory). Undefined when the UID no longer exists.
   */
  readOne(folder: string, uid: number, spoolAbove: number): Promise<MessageBytes | undefined>;
  /** Every message of a folder: UID, size, flags, internal date and the header fields asked for (none of the bodies). */
  scan(folder: string, headerFields: string[]): Promise<ScannedMessage[]>;
  /** False once the connection is gone: the caller reads through its session instead. */
  readonly usable: boolean;
  close(): Promise<void>;
}

/** Longest literal held in memory: far above any message read in a batch (a large one is read alone, into a spool file). */
const MAX_LITERAL = 64 * 1024 * 1024;
/** A server that answers nothing for this long while asked is taken as gone (imapflow's session waits as long). */
const ANSWER_TIMEOUT_MS = 10 * 60_000;

export interface ScannedMessage {
  uid: number;
  size: number;
  flags: string[];
  internalDate?: Date;
  header: Buffer;
}

interface Command {
  tag: string;
  /** The FETCH's answers; EXAMINE has none. */
  fetched?(r: Response): void;
  /** The untagged answers while it is the oldest command waiting (EXAMINE's EXISTS). */
  said?(text: string): void;
  /** Where a literal of its answer goes instead of memory, if anywhere. */
  sinkFor?(text: string, size: number): LiteralSink | undefined;
  settle(err?: Error): void;
}

/** Opens the pipe; `undefined` when a bare connection does not suit the server (see openRawSession). */
export async function openFetchPipe(account: AccountCredentials, timeoutMs: number): Promise<FetchPipe | undefined> {
  const session = await openRawSession(account, timeoutMs);
  if (!session) return undefined;
  return pipe(session, (err) => connectionError(err, 'imap', account));
}

function pipe(session: RawSession, fail: (err: unknown) => TernError): FetchPipe {
  const { socket } = session;
  const waiting: Command[] = [];
  let counter = 0;
  let broken: TernError | undefined;
  let selected: string | undefined;
  /** The read in progress: reads take turns, in the order asked. */
  let turn: Promise<void> = Promise.resolve();

  const breakAll = (err: unknown) => {
    broken ??= fail(err);
    selected = undefined;
    for (const c of waiting.splice(0)) c.settle(broken);
  };
  const onResponse = (r: Response) => {
    const head = r.text;
    const tagged = /^([EF]\d+) (OK|NO|BAD)\b ?(.*)$/i.exec(head);
    if (tagged) {
      const i = waiting.findIndex((c) => c.tag === tagged[1]);
      if (i < 0) return;
      const [c] = waiting.splice(i, 1);
      if (waiting.length === 0) socket.setTimeout(0);
      if (tagged[2].toUpperCase() === 'OK') return c.settle();
      // Shaped as imapflow's refusals are, so imapError words it the same way.
      const text = tagged[3] ?? '';
      if (c.tag.startsWith('E')) selected = undefined;
      return c.settle(Object.assign(new Error(`${head.split(' ')[1]} ${text}`), { responseStatus: tagged[2].toUpperCase(), responseText: serverWords(text), serverResponseCode: responseCode(text) }));
    }
    if (!/^\* \d+ FETCH \(/i.test(head)) return waiting[0]?.said?.(head); // EXISTS, FLAGS, OK [UIDVALIDITY …], BYE…
    waiting.find((w) => w.fetched)?.fetched!(r);
  };
  const reader = new ResponseReader(onResponse, MAX_LITERAL, (text, size) => waiting.find((w) => w.fetched)?.sinkFor?.(text, size));
  session.takeOver((chunk) => {
    try {
      reader.push(chunk);
    } catch (err) {
      breakAll(err);
      socket.destroy();
    }
  });
  socket.on('error', breakAll);
  socket.on('close', () => breakAll(Object.assign(new Error('Connection closed'), { code: 'NoConnection' })));
  socket.on('timeout', () => socket.destroy(Object.assign(new Error('The server did not answer in time'), { code: 'ETIMEDOUT' })));

  /** Sends a command; resolves at its tagged OK. */
  const send = (verb: 'E' | 'F', line: string, heard: Pick<Command, 'fetched' | 'said' | 'sinkFor'> = {}): Promise<void> =>
    new Promise((resolve, reject) => {
      const tag = `${verb}${++counter}`;
      if (waiting.length === 0) socket.setTimeout(ANSWER_TIMEOUT_MS);
      waiting.push({ tag, ...heard, settle: (err) => (err ? reject(err) : resolve()) });
      socket.write(`${tag} ${line}\r\n`);
    });
  /**
   * EXAMINE, unless the folder is open already (`fresh`: even then). Sent at once, so that the FETCH
   * asked next goes out with it; a refused EXAMINE fails that FETCH too, with its own words.
   */
  const examine = (folder: string, options: { fresh?: boolean; said?: Command['said'] } = {}): Promise<void> => {
    if (selected === folder && !options.fresh) return Promise.resolve();
    selected = folder;
    return send('E', `EXAMINE ${mailbox(folder)}`, { said: options.said });
  };
  /** Waits for the previous read or scan to end; returns the function that ends this one. */
  const takeTurn = async (): Promise<() => void> => {
    let mine!: () => void;
    const previous = turn;
    turn = new Promise<void>((resolve) => (mine = resolve));
    await previous;
    return mine;
  };

  return {
    get usable() {
      return !broken && !socket.destroyed;
    },
    async *read(folder, uids) {
      if (uids.length === 0) return;
      const done = await takeTurn();
      try {
        if (broken) throw broken;
        const arrived: Array<{ uid: number; source: Buffer }> = [];
        let wake: (() => void) | undefined;
        let finished = false;
        let failure: unknown;
        const end = (err?: unknown) => {
          failure ??= err;
          finished = true;
          wake?.();
        };
        const examined = examine(folder);
        const fetched = send('F', `UID FETCH ${uidSet(uids)} (UID BODY.PEEK[])`, {
          fetched: (r) => {
            const { uid, body } = fetchItems(r);
            if (uid === undefined || !body) return; // a flag change told unasked, or a message without its source
            arrived.push({ uid, source: body });
            wake?.();
          },
        });
        examined.catch(end);
        fetched.then(() => examined.then(() => end(), end), (err: unknown) => examined.then(() => end(err), end));
        for (;;) {
          const next = arrived.shift();
          if (next) {
            yield next;
            continue;
          }
          if (finished) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        if (failure) throw failure;
      } finally {
        // Left early (the caller stopped reading): the rest of the answer still arrives and is dropped.
        done();
      }
    },
    async readOne(folder, uid, spoolAbove) {
      const done = await takeTurn();
      try {
        if (broken) throw broken;
        const spool = await openSpool();
        let spooled = false;
        let inMemory: Buffer | undefined;
        try {
          const examined = examine(folder);
          const fetched = send('F', `UID FETCH ${uid} (UID BODY.PEEK[])`, {
            // Only BODY[] carries a literal in this answer (a flag change told unasked has none).
            sinkFor: (text, size) => (size > spoolAbove && /BODY\[\]\s*~?\{\d+\+?\}$/i.test(text) ? ((spooled = true), spool) : undefined),
            fetched: (r) => {
              const m = fetchItems(r);
              if (m.uid === uid && m.body && !spooled) inMemory = m.body;
            },
          });
          fetched.catch(() => {}); // awaited below, after EXAMINE's own answer
          await examined;
          await fetched;
        } catch (err) {
          await spool.discard();
          throw err;
        }
        if (spooled) return spool.finish();
        await spool.discard();
        return inMemory;
      } finally {
        done();
      }
    },
    async scan(folder, headerFields) {
      const done = await takeTurn();
      try {
        if (broken) throw broken;
        // EXAMINEd anew even when open: the folder may have been deleted and made again since.
        let exists: number | undefined;
        const examined = examine(folder, {
          fresh: true,
          said: (text) => {
            const m = /^\* (\d+) EXISTS\b/i.exec(text);
            if (m) exists = Number(m[1]);
          },
        });
        const messages: ScannedMessage[] = [];
        const fetched = send('F', `UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (${headerFields.join(' ').toUpperCase()})])`, {
          fetched: (r) => {
            const m = fetchItems(r);
            if (m.uid === undefined || m.size === undefined || !m.header) return; // a flag change told unasked
            messages.push({ uid: m.uid, size: m.size, flags: (m.flags ?? []).filter((f) => f.toLowerCase() !== '\\recent'), internalDate: m.internalDate === undefined ? undefined : internalDate(m.internalDate), header: m.header });
          },
        });
        fetched.catch(() => {}); // awaited below, after EXAMINE's own answer
        await examined;
        // "1:*" of an empty folder: some servers refuse the range rather than answer nothing.
        await fetched.catch((err: unknown) => {
          if (exists !== 0) throw err;
        });
        return messages;
      } finally {
        done();
      }
    },
    async close() {
      session.logout();
    },
  };
}

/** "1:3,7,9:10": runs of consecutive UIDs as ranges (a batch is mostly one run). */
export function uidSet(uids: number[]): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] <= sorted[j] + 1) j++;
    out.push(sorted[i] === sorted[j] ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}
