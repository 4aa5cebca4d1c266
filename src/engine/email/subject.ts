import libmime from 'libmime';
import type { MessageBytes } from '../../ports/mail';

/** Headers end by the first empty line; a subject further down would be in the body. */
const HEADER_SCAN_BYTES = 64 * 1024;

/**
 * A message's Subject, decoded (RFC 2047), from its raw bytes: for the report of a message the
 * destination refused, so a person can find it. Undefined when it has none.
 */
export function subjectOf(raw: Buffer): string | undefined {
  const head = raw.subarray(0, HEADER_SCAN_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const headers = (end < 0 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const line = /^subject:[ \t]*(.*)$/im.exec(headers)?.[1];
  if (line === undefined) return undefined;
  // Raw 8-bit subjects are UTF-8 in practice; encoded words are decoded by libmime.
  const text = Buffer.from(line, 'latin1').toString('utf8');
  try {
    return libmime.decodeWords(text).trim();
  } catch {
    return text.trim();
  }
}

/** The same for a message kept whole or spooled to a file (large ones): only its header is read. */
export async function subjectOfBytes(raw: MessageBytes): Promise<string | undefined> {
  return subjectOf(Buffer.isBuffer(raw) ? raw : await raw.head(HEADER_SCAN_BYTES));
}
