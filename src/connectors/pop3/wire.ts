import Pop3Command from 'node-pop3';
import { isIP, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { TlsOptions } from 'node:tls';
import { MultilineDecoder } from './framing';

/**
 * node-pop3 with exact multi-line reads. The library hands body chunks to _pushStream and ends
 * the stream there; we replace that one step with MultilineDecoder (dot-unstuffing, terminator
 * split across chunks). Everything else (socket, TLS, USER/PASS, -ERR detection) stays theirs.
 */
class FramedPop3 extends Pop3Command {
  private decoder: MultilineDecoder | null = null;

  override _updateStream(): Readable {
    this.decoder = new MultilineDecoder();
    return super._updateStream();
  }

  override _pushStream(buffer: Buffer): void {
    const stream = this._stream;
    const decoder = this.decoder;
    if (!stream || !decoder) return;
    for (const part of decoder.push(buffer)) stream.push(part);
    if (decoder.done) {
      this.decoder = null;
      this._endStream();
    }
  }
}

export interface WireOptions {
  host: string;
  port: number;
  tls: boolean;
  tlsOptions?: TlsOptions;
  /** Longest silence from the server while we wait for an answer. */
  timeoutMs: number;
}

/** The failure raised when the server stays silent; connectionError() maps the code to TIMEOUT. */
function timeoutError(what: string, ms: number): Error {
  return Object.assign(new Error(`no answer within ${ms} ms to ${what}`), { code: 'ETIMEDOUT' });
}

/**
 * One POP3 connection: commands run one at a time, each bounded by an inactivity timeout, and
 * a dropped socket fails the command in flight. node-pop3 alone would wait forever in both
 * cases (after connect it ignores socket close/timeout), and its own `timeout` option closes
 * an idle session silently, so we do not pass it.
 */
export class Pop3Wire {
  private readonly client: FramedPop3;
  private socket: Socket | null = null;
  private lastActivity = Date.now();
  /** The first bytes of the server's latest answer: "+ " is a SASL continuation, not "+OK". */
  private lastReplyStart = '';
  private lastSocketError: Error | null = null;
  /** Rejects when the socket closes; raced against every command. */
  private gone: Promise<never> = new Promise(() => {});
  /** Set after a failure that leaves the protocol state unknown; later calls fail fast with it. */
  private broken: Error | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: WireOptions) {
    // The password is only given to login(), never stored on the library object.
    this.client = new FramedPop3({ user: '', password: '', host: opts.host, port: opts.port, tls: opts.tls, tlsOptions: opts.tlsOptions });
    // node-pop3 emits socket errors that happen mid-response as 'error'; unheard, that would
    // crash the process. The command in flight still fails through `gone` or its own listener.
    this.client.on('error', () => {});
    // SNI must not carry an IP address (RFC 6066; Node warns); the certificate check still uses host.
    if (isIP(opts.host)) this.client.servername = '';
  }

  /** Opens the socket (and TLS) and waits for the server's greeting. */
  connect(): Promise<void> {
    return this.exclusive('connect', () => {
      const connecting = this.client.connect();
      // connect() creates the socket synchronously; watch it ourselves from the first byte.
      const socket = this.client._socket as Socket;
      this.socket = socket;
      socket.on('data', (chunk: Buffer) => {
        this.lastActivity = Date.now();
        this.lastReplyStart = chunk.subarray(0, 3).toString('latin1');
      });
      socket.on('error', (err) => (this.lastSocketError ??= err));
      this.gone = new Promise<never>((_, reject) => {
        socket.once('close', () => {
          const closed = Object.assign(new Error('connection closed by the server'), { code: 'EPIPE' });
          reject(this.lastSocketError ?? closed);
        });
      });
      this.gone.catch(() => {});
      // A "-ERR" greeting arrives as an 'error' event, not as a rejection of connect().
      return Promise.race([connecting, this.nextServerError()]);
    });
  }

  /** USER + PASS. A -ERR rejects with the server's text and `command` ("USER x" or "PASS ***"). */
  login(user: string, password: string): Promise<void> {
    return this.exclusive('login', async () => {
      try {
        await this.client.command('USER', user);
        await this.client.command('PASS', password);
      } finally {
        this.client._command = ''; // it held "PASS <password>"
      }
    });
  }

  /**
   * SASL AUTH with an initial response (RFC 5034), as OAuth2 logs in (XOAUTH2). A refusing server
   * first explains in a "+ " continuation and waits for an empty line; then comes its -ERR, which
   * rejects with `command` "AUTH <mechanism>" (never the payload, which holds the token).
   */
  authenticate(mechanism: string, initialResponse: string): Promise<void> {
    return this.exclusive('login', async () => {
      try {
        await this.client.command('AUTH', mechanism, initialResponse);
        if (this.lastReplyStart.startsWith('+ ')) {
          await this.client.command('');
          throw Object.assign(new Error('authentication failed'), { command: `AUTH ${mechanism}` });
        }
      } catch (err) {
        if (isServerRefusal(err)) err.command = `AUTH ${mechanism}`;
        throw err;
      } finally {
        this.client._command = ''; // it held the payload
      }
    });
  }

  /** A multi-line command (LIST, UIDL, TOP, RETR); resolves with the exact unstuffed payload. */
  multi(...args: (string | number)[]): Promise<Buffer> {
    return this.exclusive(String(args[0]), async () => {
      const [, stream] = await this.client.command(...args);
      return collect(stream);
    });
  }

  /** Polite QUIT (bounded), then the socket goes away in any case. Safe to call twice. */
  async quit(): Promise<void> {
    try {
      if (this.socket && !this.broken) await this.exclusive('QUIT', () => this.client.command('QUIT'), Math.min(this.opts.timeoutMs, 5_000));
    } catch {
      /* the server is gone or slow: dropping the socket is enough */
    } finally {
      this.broken ??= Object.assign(new Error('pop3 session closed'), { code: 'EPIPE' });
      this.destroy();
    }
  }

  destroy(): void {
    this.socket?.destroy();
  }

  /** Runs one operation after the previous one, bounded by the timeout and the socket's life. */
  private exclusive<T>(what: string, op: () => Promise<T>, ms = this.opts.timeoutMs): Promise<T> {
    const run = this.queue.then(() => this.guarded(what, op, ms));
    this.queue = run.catch(() => {});
    return run;
  }

  private async guarded<T>(what: string, op: () => Promise<T>, ms: number): Promise<T> {
    if (this.broken) throw this.broken;
    this.lastActivity = Date.now();
    let timer: NodeJS.Timeout | undefined;
    // Inactivity, not total time: a large RETR over a slow link may take long but keeps talking.
    const silence = new Promise<never>((_, reject) => {
      const check = () => {
        const idle = Date.now() - this.lastActivity;
        if (idle >= ms) reject(timeoutError(what, ms));
        else timer = setTimeout(check, ms - idle);
      };
      timer = setTimeout(check, ms);
    });
    try {
      return await Promise.race([op(), silence, this.gone]);
    } catch (err) {
      // A -ERR answer leaves the session usable; anything else (timeout, socket) does not.
      if (!isServerRefusal(err)) {
        this.broken = err as Error;
        this.destroy();
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private nextServerError(): Promise<never> {
    return new Promise<never>((_, reject) => {
      const onError = (err: Error) => reject(err);
      this.client.once('error', onError);
      // Drop the listener once connect settles either way.
      this.client.once('response', () => this.client.removeListener('error', onError));
    });
  }
}

/** A -ERR from the server, as node-pop3 reports it: the server's text plus the command sent. */
export function isServerRefusal(err: unknown): err is Error & { command: string } {
  return err instanceof Error && typeof (err as { command?: unknown }).command === 'string';
}

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (part: Buffer) => parts.push(part));
    stream.once('error', reject);
    stream.once('end', () => resolve(Buffer.concat(parts)));
  });
}
