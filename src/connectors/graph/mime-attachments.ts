import libmime from 'libmime';
import { parseHeaderFields } from '../../ports/dedupe-key';

/** A file attachment taken out of a message's MIME, decoded. */
export interface DetachedFile {
  name: string;
  contentType: string;
  isInline: boolean;
  contentId?: string;
  bytes: Buffer;
}

/**
 * Takes the file attachments larger than `minBytes` (decoded) out of a MIME message, for a
 * destination that takes the rest in one request and those files separately (Graph: MIME create,
 * then an upload session per file). Everything else stays byte for byte: each removed part goes
 * with the delimiter line before it, so the multipart structure stays valid. Only base64 and
 * unencoded (7bit, 8bit, binary) parts are taken; a part in quoted-printable stays.
 */
export function detachLargeFiles(raw: Buffer, minBytes: number): { mime: Buffer; files: DetachedFile[] } {
  const cuts: Array<[start: number, end: number]> = [];
  const files: DetachedFile[] = [];
  walk(raw, 0, raw.length, minBytes, cuts, files);
  if (cuts.length === 0) return { mime: raw, files };
  const kept: Buffer[] = [];
  let at = 0;
  for (const [start, end] of cuts) {
    kept.push(raw.subarray(at, start));
    at = end;
  }
  kept.push(raw.subarray(at));
  return { mime: Buffer.concat(kept), files };
}

/** The entity at [start, end): a multipart's parts are walked; a large file is cut (with `cutFrom`, where its delimiter line starts). */
function walk(raw: Buffer, start: number, end: number, minBytes: number, cuts: Array<[number, number]>, files: DetachedFile[], cutFrom?: number): void {
  const bodyAt = headerEnd(raw, start, end);
  const fields = parseHeaderFields(raw.subarray(start, bodyAt));
  const type = libmime.parseHeaderValue(fields.get('content-type') ?? 'text/plain');
  const mediaType = type.value.toLowerCase();
  if (mediaType.startsWith('multipart/')) {
    const boundary = type.params.boundary;
    if (boundary) for (const part of partsOf(raw, bodyAt, end, boundary)) walk(raw, part.start, part.end, minBytes, cuts, files, part.cutFrom);
    return;
  }
  if (cutFrom === undefined) return;
  const disposition = libmime.parseHeaderValue(fields.get('content-disposition') ?? '');
  const name = disposition.params.filename ?? type.params.name;
  const isFile = disposition.value.toLowerCase() === 'attachment' || Boolean(name);
  const encoding = (fields.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  if (!isFile || !['base64', '7bit', '8bit', 'binary'].includes(encoding)) return;
  const body = raw.subarray(bodyAt, end);
  const bytes = encoding === 'base64' ? Buffer.from(body.toString('latin1'), 'base64') : body;
  if (bytes.length <= minBytes) return;
  const contentId = fields.get('content-id')?.trim().replace(/^<|>$/g, '');
  files.push({
    name: name ? libmime.decodeWords(name) : 'attachment',
    contentType: mediaType,
    isInline: disposition.value.toLowerCase() === 'inline',
    ...(contentId ? { contentId } : {}),
    bytes: Buffer.from(bytes),
  });
  cuts.push([cutFrom, end]);
}

/** Where the body of the entity starting at `start` begins (after the blank line), or `end` for one without a body. */
function headerEnd(raw: Buffer, start: number, end: number): number {
  const crlf = raw.indexOf('\r\n\r\n', start);
  const lf = raw.indexOf('\n\n', start);
  const candidates = [crlf === -1 ? Infinity : crlf + 4, lf === -1 ? Infinity : lf + 2].filter((n) => n <= end);
  return candidates.length ? Math.min(...candidates) : end;
}

/**
 * A multipart body's parts. A delimiter is "--boundary" at the start of a line; the line break
 * before it belongs to it (RFC 2046), so a part ends there and `cutFrom` is where that line break starts.
 */
function partsOf(raw: Buffer, bodyAt: number, end: number, boundary: string): Array<{ start: number; end: number; cutFrom: number }> {
  const marker = Buffer.from(`--${boundary}`, 'latin1');
  const delimiters: Array<{ from: number; lineEnd: number; close: boolean }> = [];
  for (let i = raw.indexOf(marker, bodyAt); i !== -1 && i < end; i = raw.indexOf(marker, i + marker.length)) {
    const atLineStart = i === bodyAt || raw[i - 1] === 0x0a;
    if (!atLineStart) continue;
    const from = i === bodyAt ? i : raw[i - 2] === 0x0d ? i - 2 : i - 1;
    const nl = raw.indexOf(0x0a, i);
    const close = raw.subarray(i + marker.length, i + marker.length + 2).toString('latin1') === '--';
    delimiters.push({ from, lineEnd: nl === -1 || nl >= end ? end : nl + 1, close });
    if (close) break;
  }
  const parts = [];
  for (let k = 0; k + 1 < delimiters.length; k++) parts.push({ start: delimiters[k].lineEnd, end: delimiters[k + 1].from, cutFrom: delimiters[k].from });
  return parts;
}
