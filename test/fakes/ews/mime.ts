// Reads what Exchange derives from a message's MIME when CreateItem carries t:MimeContent:
// Subject, From/Sender, recipients, Message-ID, Date, References, priority, a body and whether
// there are attachments. Synchronous on purpose (FakeMailbox.addMessage is), so no mailparser.
// The MIME bytes themselves are stored untouched and served back byte for byte.

export interface MimeAddress {
  name?: string;
  address: string;
}

export interface MimeSummary {
  subject?: string;
  from?: MimeAddress;
  sender?: MimeAddress;
  to: MimeAddress[];
  cc: MimeAddress[];
  bcc: MimeAddress[];
  replyTo: MimeAddress[];
  messageId?: string;
  date?: Date;
  inReplyTo?: string;
  references?: string;
  importance?: 'Low' | 'Normal' | 'High';
  body?: { type: 'HTML' | 'Text'; content: string };
  hasAttachments: boolean;
  /** Raw header block, for PR_TRANSPORT_MESSAGE_HEADERS. */
  headerText: string;
  headers: Array<[string, string]>;
}

interface Part {
  headers: Array<[string, string]>;
  body: Buffer;
}

export function summarizeMime(mime: Buffer): MimeSummary {
  const top = splitPart(mime);
  const h = (name: string) => header(top.headers, name);
  const list = (name: string) => top.headers.filter(([k]) => k === name).flatMap(([, v]) => parseAddressList(v));
  const leaves: Array<{ part: Part; related: boolean }> = [];
  collectLeaves(top, false, leaves, 0);
  const html = leaves.find((l) => mediaType(l.part) === 'text/html' && !isAttachment(l.part));
  const plain = leaves.find((l) => mediaType(l.part) === 'text/plain' && !isAttachment(l.part));
  const bodyPart = html ?? plain;
  const date = h('date') ? new Date(Date.parse(h('date')!.replace(/\s*\([^)]*\)\s*$/, ''))) : undefined;
  return {
    subject: h('subject') !== undefined ? decodeWords(h('subject')!) : undefined,
    from: list('from')[0],
    sender: list('sender')[0],
    to: list('to'),
    cc: list('cc'),
    bcc: list('bcc'),
    replyTo: list('reply-to'),
    messageId: h('message-id')?.trim(),
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    inReplyTo: h('in-reply-to')?.trim(),
    references: h('references')?.replace(/\s+/g, ' ').trim(),
    importance: importanceOf(h('importance'), h('x-priority')),
    body: bodyPart ? { type: bodyPart === html ? 'HTML' : 'Text', content: decodeText(bodyPart.part) } : undefined,
    hasAttachments: leaves.some((l) => l !== html && l !== plain && (isAttachment(l.part) || (!l.related && !mediaType(l.part).startsWith('text/')))),
    headerText: headerBlock(mime),
    headers: top.headers,
  };
}

function headerBlock(buf: Buffer): string {
  const end = findBlankLine(buf);
  return buf.subarray(0, end < 0 ? buf.length : end).toString('latin1');
}

function findBlankLine(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf;
  return lf;
}

function splitPart(buf: Buffer): Part {
  const end = findBlankLine(buf);
  const headText = buf.subarray(0, end < 0 ? buf.length : end).toString('latin1');
  const bodyStart = end < 0 ? buf.length : end + (buf[end] === 13 ? 4 : 2);
  const headers: Array<[string, string]> = [];
  for (const line of headText.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1][1] += ' ' + line.trim();
    else {
      const i = line.indexOf(':');
      if (i > 0) headers.push([line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()]);
    }
  }
  // Header values are bytes; most are ASCII, raw UTF-8 ones (RFC 6532) should read as UTF-8.
  for (const hd of headers) hd[1] = Buffer.from(hd[1], 'latin1').toString('utf8').includes('\uFFFD') ? hd[1] : Buffer.from(hd[1], 'latin1').toString('utf8');
  return { headers, body: buf.subarray(bodyStart) };
}

function header(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([k]) => k === name)?.[1];
}

function params(value: string | undefined): { value: string; params: Record<string, string> } {
  if (!value) return { value: '', params: {} };
  const [first, ...rest] = value.split(';');
  const out: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0) out[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { value: first.trim().toLowerCase(), params: out };
}

function mediaType(p: Part): string {
  return params(header(p.headers, 'content-type')).value || 'text/plain';
}

function isAttachment(p: Part): boolean {
  const d = params(header(p.headers, 'content-disposition'));
  return d.value === 'attachment' || (d.value !== 'inline' && !!(d.params.filename ?? params(header(p.headers, 'content-type')).params.name));
}

function collectLeaves(p: Part, related: boolean, out: Array<{ part: Part; related: boolean }>, depth: number): void {
  const ct = params(header(p.headers, 'content-type'));
  if (ct.value.startsWith('multipart/') && ct.params.boundary && depth < 20) {
    const rel = related || ct.value === 'multipart/related';
    for (const sub of splitMultipart(p.body, ct.params.boundary)) collectLeaves(splitPart(sub), rel, out, depth + 1);
  } else out.push({ part: p, related });
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delim = `--${boundary}`;
  const parts: Buffer[] = [];
  let pos = text.indexOf(delim);
  while (pos >= 0) {
    const lineEnd = text.indexOf('\n', pos);
    if (text.startsWith(`${delim}--`, pos) || lineEnd < 0) break;
    const next = text.indexOf(`\n${delim}`, lineEnd);
    const end = next < 0 ? text.length : next;
    parts.push(Buffer.from(text.slice(lineEnd + 1, text[end - 1] === '\r' ? end - 1 : end), 'latin1'));
    pos = next < 0 ? -1 : next + 1;
  }
  return parts;
}

function decodeText(p: Part): string {
  const cte = (header(p.headers, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  let bytes = p.body;
  if (cte === 'base64') bytes = Buffer.from(bytes.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (cte === 'quoted-printable') bytes = decodeQuotedPrintable(bytes.toString('latin1'));
  return decodeCharset(bytes, params(header(p.headers, 'content-type')).params.charset ?? 'us-ascii');
}

function decodeQuotedPrintable(s: string): Buffer {
  const bin = s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bin, 'latin1');
}

function decodeCharset(bytes: Buffer, charset: string): string {
  const cs = charset.toLowerCase();
  if (cs === 'us-ascii' || cs === 'ascii') return bytes.toString('utf8');
  try {
    return new TextDecoder(cs).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** RFC 2047 encoded words (=?utf-8?B?…?= / ?Q?), adjacent ones joined without their whitespace. */
export function decodeWords(s: string): string {
  return s
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_, cs: string, enc: string, data: string) => {
      const bytes = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return decodeCharset(bytes, cs);
    });
}

/** Splits an address list at top-level commas; flattens groups ("Team: a@x, b@x;"). */
export function parseAddressList(value: string): MimeAddress[] {
  const out: MimeAddress[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  let paren = 0;
  const flush = () => {
    const a = parseAddress(cur);
    if (a) out.push(a);
    cur = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) {
      cur += c + (value[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle++;
    else if (!quoted && c === '>') angle = Math.max(0, angle - 1);
    else if (!quoted && c === '(') paren++;
    else if (!quoted && c === ')') paren = Math.max(0, paren - 1);
    if (!quoted && !angle && !paren && (c === ',' || c === ';')) flush();
    else if (!quoted && !angle && !paren && c === ':' && !cur.includes('@')) cur = '';
    else cur += c;
  }
  flush();
  return out;
}

function parseAddress(s: string): MimeAddress | undefined {
  const t = s.trim();
  if (!t) return undefined;
  const m = /^(.*?)<([^>]*)>/.exec(t);
  if (m) {
    const name = unquote(m[1].trim());
    return { address: m[2].trim(), ...(name ? { name: decodeWords(name) } : {}) };
  }
  const c = /^([^\s(]+)\s*\(([^)]*)\)/.exec(t);
  if (c) return { address: c[1], name: decodeWords(c[2].trim()) };
  return { address: t };
}

function unquote(s: string): string {
  return /^".*"$/.test(s) ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s;
}

function importanceOf(importance?: string, xPriority?: string): MimeSummary['importance'] {
  const i = importance?.trim().toLowerCase();
  if (i === 'high') return 'High';
  if (i === 'low') return 'Low';
  const p = xPriority ? parseInt(xPriority, 10) : NaN;
  if (p === 1 || p === 2) return 'High';
  if (p === 4 || p === 5) return 'Low';
  return i === 'normal' || xPriority ? 'Normal' : undefined;
}
