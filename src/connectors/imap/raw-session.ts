import { sniFor } from '../sni';
import net from 'node:net';
import tls from 'node:tls';
import iconv from 'iconv-lite';
import type { AccountCredentials } from '../../ports/account';
import { connectionError } from '../errors';
import { TernError } from '../../errors';
import { responseCode, serverWords } from './server-words';
import { bearerToken, usesOAuth, xoauth2 } from '../oauth';
import { imapError } from './imap-error';

/**
 * A bare IMAP connection, logged in: what the pipelined connections (append-pipe.ts,
 * fetch-pipe.ts) are built on. imapflow keeps one command in flight and logs in with five round
 * trips (ID, LOGIN, NAMESPACE, ENABLE and the greeting); this one logs in with one after the
 * greeting, and leaves the wire to its owner.
 */
export interface RawSession {
  socket: net.Socket;
  reader: LineReader;
  caps: Set<string>;
  /**
   * From now on the connection's bytes go to `read`, the line reader's unused ones first. A chunk
   * is valid only during the call: a plain connection reads into one buffer, reused read after
   * read, so that bytes streaming through leave nothing behind for the collector.
   */
  takeOver(read: (chunk: Buffer) => void): void;
  /** Says LOGOUT when the connection is still there (its answer is not waited for), and closes it. */
  logout(): void;
}

/** What a plain connection reads into. */
const READ_BUFFER_BYTES = 256 * 1024;

/**
 * Connects and logs in. `undefined` when this connection does not suit the server (`suits` says
 * no to its capabilities, LOGIN is disabled, or OAuth2 without XOAUTH2 on the command line):
 * imapflow's session then does the work. A refused login is AUTH_FAILED, as on imapflow's session.
 */
export async function openRawSession(account: AccountCredentials, timeoutMs: number, suits: (caps: Set<string>) => boolean = () => true): Promise<RawSession | undefined> {
  const fail = (err: unknown) => connectionError(err, 'imap', account);
  const reader = new LineReader();
  let consume = (chunk: Buffer) => reader.push(chunk);
  const feed = (chunk: Buffer) => consume(chunk);
  let socket: net.Socket = await connect(account, timeoutMs, feed).catch((err: unknown) => {
    throw fail(err);
  });
  let caps: Set<string>;
  try {
    // A greeting that lists the capabilities (Dovecot's does) saves a round trip.
    caps = capabilitiesIn(await reader.line(timeoutMs)) ?? (await capabilities(socket, reader, timeoutMs));
    if (!account.secure && caps.has('STARTTLS')) {
      await command(socket, reader, 'S1 STARTTLS', timeoutMs);
      // What came before the handshake is not to be trusted (RFC 9051 11.1): dropped.
      reader.take();
      socket = tls.connect({ socket, ...sniFor(account.host), rejectUnauthorized: !account.insecure });
      socket.on('data', feed);
      await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
      caps = await capabilities(socket, reader, timeoutMs);
    }
    const oauth = usesOAuth(account);
    // A user name or password outside printable ASCII goes as a literal: without LITERAL+ that
    // would wait for the server's go-ahead, which this connection does not do.
    const literalNeeded = !oauth && [account.user, account.password].some((s) => !PRINTABLE.test(s));
    if (!suits(caps) || caps.has('LOGINDISABLED') || (literalNeeded && !caps.has('LITERAL+'))) {
      socket.destroy();
      return undefined;
    }
    // OAuth2 here only with XOAUTH2 on the command line (SASL-IR): else imapflow's session serves.
    if (oauth && !(caps.has('AUTH=XOAUTH2') && caps.has('SASL-IR'))) {
      socket.destroy();
      return undefined;
    }
    const authenticate = async (tag: string, renew: boolean) => command(socket, reader, `${tag} AUTHENTICATE XOAUTH2 ${xoauth2(account.user, await bearerToken(account, renew))}`, timeoutMs, true);
    let login = oauth ? await authenticate('L1', false) : await command(socket, reader, `L1 LOGIN ${literal(account.user)} ${literal(account.password)}`, timeoutMs, true);
    // A token that expired or was revoked early mid-run: once more with a fresh one.
    if (oauth && !login.ok && account.tokens) login = await authenticate('L2', true);
    if (!login.ok) {
      socket.destroy();
      // Said as a refusal on imapflow's session is: the same words whichever connection heard it.
      throw imapError({ authenticationFailed: true, responseText: serverWords(login.text), serverResponseCode: responseCode(login.text) }, account);
    }
    // Some (APPENDLIMIT among them) are only told once logged in.
    caps = capabilitiesIn(login.text) ?? caps;
  } catch (err) {
    socket.destroy();
    throw err instanceof TernError ? err : fail(err);
  }
  return {
    socket,
    reader,
    caps,
    takeOver(read) {
      consume = read;
      const unused = reader.take();
      if (unused.length) read(unused);
    },
    logout() {
      if (!socket.destroyed) socket.write('Z LOGOUT\r\n');
      socket.end();
      socket.destroy();
    },
  };
}

/** Connects; what it reads goes to `feed` (a plain connection's chunks are one reused buffer, see RawSession). */
function connect(account: AccountCredentials, timeoutMs: number, feed: (chunk: Buffer) => void): Promise<net.Socket> {
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  return new Promise((resolve, reject) => {
    const socket = account.secure
      ? tls.connect({ host: account.host, port: account.port, ...sniFor(account.host), rejectUnauthorized: !account.insecure }).on('data', feed)
      : net.connect({ host: account.host, port: account.port, onread: { buffer, callback: (n: number) => (feed(buffer.subarray(0, n)), true) } });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error('Connection timed out'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once(account.secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The capabilities of a "[CAPABILITY …]" response code in a greeting or tagged answer, if there is one. */
function capabilitiesIn(text: string): Set<string> | undefined {
  const m = /\[CAPABILITY ([^\]]*)\]/i.exec(text);
  return m ? new Set(m[1].toUpperCase().split(' ')) : undefined;
}

async function capabilities(socket: net.Socket, reader: LineReader, timeoutMs: number): Promise<Set<string>> {
  const r = await command(socket, reader, 'C1 CAPABILITY', timeoutMs);
  const line = r.untagged.find((l) => /^\* CAPABILITY /i.test(l)) ?? '';
  return new Set(line.slice('* CAPABILITY '.length).toUpperCase().split(' '));
}

/** One command, waiting for its tagged answer (set-up only; the pipes' own commands are pipelined). */
async function command(socket: net.Socket, reader: LineReader, line: string, timeoutMs: number, sensitive = false): Promise<{ ok: boolean; text: string; untagged: string[] }> {
  const tag = line.split(' ')[0];
  socket.write(`${line}\r\n`);
  const untagged: string[] = [];
  for (;;) {
    const answer = await reader.line(timeoutMs);
    // A refused XOAUTH2 token: the server explains in a continuation and waits for an empty answer.
    if (answer.startsWith('+')) {
      socket.write('\r\n');
      continue;
    }
    if (answer.startsWith(`${tag} `)) {
      const [, status, text] = /^\S+ (\S+) ?(.*)$/.exec(answer) ?? [];
      return { ok: status?.toUpperCase() === 'OK', text: sensitive ? (text ?? '').replace(/\s+$/, '') : text ?? '', untagged };
    }
    untagged.push(answer);
  }
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/** A string argument: quoted when it can be, else a non-synchronizing literal (LITERAL+). */
export function literal(s: string): string {
  if (PRINTABLE.test(s)) return `"${s.replace(/(["\\])/g, '\\$1')}"`;
  const bytes = Buffer.from(s, 'utf8');
  return `{${bytes.length}+}\r\n${bytes.toString('utf8')}`;
}

/** A mailbox name as a command argument. */
export function mailbox(path: string): string {
  return literal(wireName(path));
}

/** Modified UTF-7 (RFC 3501 5.1.3) for names outside ASCII, as imapflow sends them. */
export function wireName(path: string): string {
  return /[&\u0080-\uffff]/.test(path) ? iconv.encode(path, 'utf-7-imap').toString() : path;
}

/**
 * Server lines, CRLF-terminated (as latin1 text), from the chunks the connection reads: set-up
 * reads them one by one, an owner that only needs lines gets them all (onLine), and one that reads
 * literals takes the connection over with what was not used yet (take).
 */
export class LineReader {
  private buffer: Buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private waiter: ((line: string) => void) | undefined;
  private listener: ((line: string) => void) | undefined;

  /** A chunk read; kept only as copies (it may be a reused buffer). */
  push(chunk: Buffer): void {
    const data = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let start = 0;
    let end: number;
    while ((end = data.indexOf('\r\n', start)) >= 0) {
      const line = data.toString('latin1', start, end);
      start = end + 2;
      this.push1(line);
    }
    this.buffer = Buffer.from(data.subarray(start));
  }

  /** What was read and not yet asked for, as the bytes it was (latin1 keeps every byte); the reader is empty after. */
  take(): Buffer {
    const rest = Buffer.concat([...this.lines.splice(0).map((l) => Buffer.from(`${l}\r\n`, 'latin1')), this.buffer]);
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  onLine(listener: (line: string) => void): void {
    this.listener = listener;
    for (const l of this.lines.splice(0)) listener(l);
  }

  line(timeoutMs: number): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(Object.assign(new Error('The server did not answer in time'), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      this.waiter = (l) => {
        clearTimeout(timer);
        resolve(l);
      };
    });
  }

  private push1(line: string): void {
    if (this.listener) return this.listener(line);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      return w(line);
    }
    this.lines.push(line);
  }
}
