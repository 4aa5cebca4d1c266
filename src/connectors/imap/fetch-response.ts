/**
 * Server responses read off a bare IMAP connection (fetch-pipe.ts): lines, and the literals
 * ({n}) they announce copied once into buffers of their size. RFC 3501 section 4 and 7.
 */

/** One response: its text pieces (latin1, so every byte stays as sent) with the literals between them. */
export interface Response {
  /** The first line, up to its first literal. */
  text: string;
  /** text, literal, text, literal, …, text: a literal follows each text that ends in "{n}". */
  parts: Array<string | Buffer>;
}

/** The longest line taken without its end: a server sending more is not speaking IMAP. */
const MAX_LINE = 1024 * 1024;

/** Where a literal too large for memory goes as it arrives (a spool file); its place in the response holds an empty buffer. */
export interface LiteralSink {
  write(piece: Buffer): void;
}

export class ResponseReader {
  private line: Buffer[] = [];
  private lineBytes = 0;
  private parts: Array<string | Buffer> = [];
  private literal: Buffer | undefined;
  private filled = 0;
  private sink: { to: LiteralSink; left: number } | undefined;

  constructor(
    private readonly onResponse: (r: Response) => void,
    /** The largest literal held in memory. */
    private readonly maxLiteral: number,
    /** Asked as each literal is announced (with the text before it): a sink takes it instead of memory. */
    private readonly sinkFor: (text: string, size: number) => LiteralSink | undefined = () => undefined,
  ) {}

  /** Bytes as they come off the socket, valid only during the call; throws on what is not IMAP (the connection is then unusable). */
  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.sink) {
        const n = Math.min(this.sink.left, chunk.length - pos);
        this.sink.to.write(chunk.subarray(pos, pos + n));
        this.sink.left -= n;
        pos += n;
        if (this.sink.left === 0) this.endSink();
        continue;
      }
      if (this.literal) {
        const n = Math.min(this.literal.length - this.filled, chunk.length - pos);
        chunk.copy(this.literal, this.filled, pos, pos + n);
        this.filled += n;
        pos += n;
        if (this.filled === this.literal.length) this.endLiteral();
        continue;
      }
      const lf = chunk.indexOf(10, pos);
      if (lf < 0) {
        // Copied: the chunk may be a buffer the connection reads into again.
        this.line.push(Buffer.from(chunk.subarray(pos)));
        this.lineBytes += chunk.length - pos;
        if (this.lineBytes > MAX_LINE) throw new Error(`the server sent a line of more than ${MAX_LINE} bytes`);
        return;
      }
      this.line.push(chunk.subarray(pos, lf + 1));
      pos = lf + 1;
      const bytes = this.line.length === 1 ? this.line[0] : Buffer.concat(this.line);
      this.line = [];
      this.lineBytes = 0;
      const text = bytes.toString('latin1').replace(/\r?\n$/, '');
      this.parts.push(text);
      const announced = /~?\{(\d+)\+?\}$/.exec(text);
      if (announced) {
        const size = Number(announced[1]);
        const sink = this.sinkFor(text, size);
        if (sink) {
          this.sink = { to: sink, left: size };
          if (size === 0) this.endSink();
          continue;
        }
        if (size > this.maxLiteral) throw new Error(`the server announced a literal of ${size} bytes`);
        this.literal = Buffer.allocUnsafe(size);
        this.filled = 0;
        if (size === 0) this.endLiteral();
        continue;
      }
      const parts = this.parts;
      this.parts = [];
      this.onResponse({ text: parts[0] as string, parts });
    }
  }

  private endSink(): void {
    this.sink = undefined;
    this.parts.push(Buffer.alloc(0));
  }

  private endLiteral(): void {
    this.parts.push(this.literal!);
    this.literal = undefined;
  }
}

type Token = '(' | ')' | { atom: string } | { text: string } | { literal: Buffer };

/** The tokens of a response: atoms (BODY[HEADER.FIELDS (A B)]<0> is one), quoted strings, literals, parentheses. */
function* tokens(parts: Array<string | Buffer>): Generator<Token> {
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (Buffer.isBuffer(part)) {
      yield { literal: part };
      continue;
    }
    let i = 0;
    while (i < part.length) {
      const c = part[i];
      if (c === ' ') {
        i++;
      } else if (c === '(' || c === ')') {
        i++;
        yield c;
      } else if (c === '"') {
        let value = '';
        for (i++; i < part.length && part[i] !== '"'; i++) value += part[i] === '\\' ? part[++i] : part[i];
        i++;
        yield { text: value };
      } else if ((c === '{' || (c === '~' && part[i + 1] === '{')) && /^~?\{\d+\+?\}$/.test(part.slice(i))) {
        i = part.length; // the literal is the next part
      } else {
        const start = i;
        while (i < part.length && part[i] !== ' ' && part[i] !== '(' && part[i] !== ')') {
          if (part[i] === '[') {
            const close = part.indexOf(']', i);
            i = close < 0 ? part.length : close + 1;
          } else i++;
        }
        yield { atom: part.slice(start, i) };
      }
    }
  }
}

/** What a "* n FETCH (…)" response says of the items Tern asks for; the others are skipped. */
export interface FetchItems {
  uid?: number;
  /** BODY[]: the full source. */
  body?: Buffer;
  /** BODY[HEADER.FIELDS (…)]: the header fields asked for. */
  header?: Buffer;
  flags?: string[];
  size?: number;
  internalDate?: string;
}

export function fetchItems(r: Response): FetchItems {
  const out: FetchItems = {};
  const it = tokens(r.parts);
  // "*", the sequence number, "FETCH", then the list.
  for (let t = it.next(); !t.done; t = it.next()) if (t.value === '(') break;
  for (;;) {
    const key = it.next();
    if (key.done || key.value === ')' || typeof key.value !== 'object' || !('atom' in key.value)) return out;
    const name = key.value.atom.toUpperCase();
    const value = it.next();
    if (value.done) return out;
    if (value.value === '(') {
      if (name === 'FLAGS') out.flags = atomsUntilClose(it);
      else skipList(it);
      continue;
    }
    if (value.value === ')') return out;
    const v = value.value;
    // A section is an nstring: a literal, or a quoted string for a small one (some servers); NIL when there is none.
    const bytes = 'literal' in v ? v.literal : 'text' in v ? Buffer.from(v.text, 'latin1') : undefined;
    if (name === 'UID' && 'atom' in v) out.uid = Number(v.atom);
    else if (name === 'RFC822.SIZE' && 'atom' in v) out.size = Number(v.atom);
    else if (name === 'INTERNALDATE' && 'text' in v) out.internalDate = v.text;
    else if (name === 'BODY[]') out.body = bytes;
    else if (name.startsWith('BODY[HEADER.FIELDS')) out.header = bytes;
  }
}

function atomsUntilClose(it: Generator<Token>): string[] {
  const out: string[] = [];
  for (let t = it.next(); !t.done && t.value !== ')'; t = it.next()) {
    if (t.value === '(') skipList(it);
    else if (typeof t.value === 'object' && 'atom' in t.value) out.push(t.value.atom);
  }
  return out;
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** An INTERNALDATE ("17-Jul-1996 02:44:25 -0700", the day maybe space-padded); undefined when it is not one. */
export function internalDate(text: string): Date | undefined {
  const m = /^\s*(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = m ? MONTHS[m[2].toLowerCase()] : undefined;
  if (!m || month === undefined) return undefined;
  const offsetMinutes = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return new Date(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offsetMinutes * 60_000);
}

function skipList(it: Generator<Token>): void {
  let depth = 1;
  for (let t = it.next(); !t.done && depth > 0; t = it.next()) {
    if (t.value === '(') depth++;
    else if (t.value === ')') depth--;
    if (depth === 0) return;
  }
}
