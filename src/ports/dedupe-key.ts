import { createHash } from 'node:crypto';

/**
 * Deduplication key of a message: its Message-ID when it has one, otherwise a hash of headers
 * that every server keeps as they are. Both sides of a migration compute it the same way, so a
 * message already at the destination is recognised and a second run is a delta pass.
 */
const STABLE_HEADERS = ['date', 'from', 'to', 'cc', 'subject'] as const;

/** Header names to fetch so that dedupeKey() can be computed. */
export const DEDUPE_HEADER_FIELDS = ['message-id', ...STABLE_HEADERS];

export function dedupeKey(header: Buffer | string): string {
  const fields = parseHeaderFields(header);
  const messageId = fields.get('message-id')?.trim();
  if (messageId) return `mid:${messageId.replace(/\s+/g, '').toLowerCase()}`;
  const hash = createHash('sha256');
  for (const name of STABLE_HEADERS) hash.update(`${name}:${(fields.get(name) ?? '').replace(/\s+/g, ' ').trim()}\n`);
  return `hdr:${hash.digest('base64url').slice(0, 32)}`;
}

/** The first occurrence of each header field, unfolded, names lower-cased. Stops at the body. */
export function parseHeaderFields(header: Buffer | string): Map<string, string> {
  const text = typeof header === 'string' ? header : header.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const fields = new Map<string, string>();
  let name = '';
  let value = '';
  const flush = () => {
    if (name && !fields.has(name)) fields.set(name, value);
  };
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && name) {
      value += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    value = colon > 0 ? line.slice(colon + 1).trim() : '';
  }
  flush();
  return fields;
}
