// Item, folder and attachment ids. Real EWS ids are opaque base64 blobs naming the mailbox and the store
// entry; ours carry a per-server tag, the mailbox number and a counter, so an id from another
// fake or another mailbox is "not found" rather than mistaken for a local object, and anything
// that does not decode is ErrorInvalidIdMalformed, as on Exchange.
import { randomBytes } from 'node:crypto';

export type IdKind = 'item' | 'folder' | 'occurrence' | 'attachment';

export interface ParsedId {
  kind: IdKind;
  server: string;
  mailbox: number;
  n: number;
  /**
   * Occurrence ids: 1-based instance index in the recurring master. Attachment ids: the
   * attachment's number (n is then its item's), so an attachment id names its item, as on Exchange.
   */
  index?: number;
}

const MAGIC = 'AAMkAGZha2Vld3M'; // base64-looking prefix, like Exchange's "AAMkA…"
const KIND_CODE: Record<IdKind, string> = { item: 'I', folder: 'F', occurrence: 'O', attachment: 'A' };
const CODE_KIND: Record<string, IdKind> = { I: 'item', F: 'folder', O: 'occurrence', A: 'attachment' };

export function newServerTag(): string {
  return randomBytes(4).toString('hex');
}

export function encodeId(p: ParsedId): string {
  const body = [KIND_CODE[p.kind], p.server, p.mailbox, p.n, ...(p.index !== undefined ? [p.index] : [])].join('.');
  return MAGIC + Buffer.from(body, 'utf8').toString('base64');
}

export function decodeId(id: string): ParsedId | undefined {
  if (!id.startsWith(MAGIC)) return undefined;
  const b64 = id.slice(MAGIC.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const parts = Buffer.from(b64, 'base64').toString('utf8').split('.');
  const kind = CODE_KIND[parts[0]];
  if (!kind || parts.length < 4) return undefined;
  const [mailbox, n, index] = parts.slice(2).map(Number);
  if (![mailbox, n].every(Number.isInteger) || (parts.length > 4 && !Number.isInteger(index))) return undefined;
  return { kind, server: parts[1], mailbox, n, ...(parts.length > 4 ? { index } : {}) };
}

/** Change keys only need to change with every update; the version number is enough. */
export function changeKey(version: number): string {
  return Buffer.from(`CQAAAB${version.toString(36).padStart(6, '0')}`, 'utf8').toString('base64');
}
