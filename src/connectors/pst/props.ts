import type { PSTAttachment, PSTMessage } from 'pst-extractor';

/**
 * Raw MAPI property access on a pst-extractor object, for what its getters do not give:
 * named properties of other sets, multi-valued binaries and strings, values kept in a subnode.
 * Reader-thread only (it touches pst-extractor's internals).
 */

/** Property set indexes of pst-extractor's name-to-id map (not GUIDs). */
export const PSETID_COMMON = 1;
export const PSETID_ADDRESS = 2;
export const PSETID_APPOINTMENT = 4;
export const PSETID_TASK = 10;

interface TableItem {
  data: Buffer;
  entryValueType: number;
  entryValueReference: number;
  isExternalValueReference: boolean;
}

interface RawAccess {
  pstFile: { getNameToIdMapItem(key: number, set: number): number };
  pstTableItems: Map<number, TableItem> | null;
  localDescriptorItems: Map<number, { getData(): Buffer }> | null;
  getStringItem(id: number): string;
  getIntItem(id: number, dflt?: number): number;
  getDateItem(id: number): Date | null;
  getBooleanItem(id: number, dflt?: boolean): boolean;
}

const raw = (obj: object) => obj as unknown as RawAccess;

/** The property ID a named property (LID in a property set) has in this file; -1 when the file never uses it. */
export function namedId(msg: PSTMessage, lid: number, set: number): number {
  return raw(msg).pstFile.getNameToIdMapItem(lid, set);
}

/** A variable-size value's bytes, inline or in a subnode (large member lists, long recurrence blobs). */
export function rawBytes(obj: object, id: number): Buffer | null {
  const o = raw(obj);
  const item = id === -1 ? undefined : o.pstTableItems?.get(id);
  if (!item) return null;
  if (!item.isExternalValueReference) return item.data?.length ? item.data : null;
  const sub = o.localDescriptorItems?.get(item.entryValueReference);
  const data = sub ? sub.getData() : null;
  return data?.length ? data : null;
}

export function namedBinary(msg: PSTMessage, lid: number, set: number): Buffer | null {
  return rawBytes(msg, namedId(msg, lid, set));
}

export function namedString(msg: PSTMessage, lid: number, set: number): string {
  const id = namedId(msg, lid, set);
  return id === -1 ? '' : raw(msg).getStringItem(id);
}

export function namedDate(msg: PSTMessage, lid: number, set: number): Date | null {
  const id = namedId(msg, lid, set);
  return id === -1 ? null : raw(msg).getDateItem(id);
}

export function namedBool(msg: PSTMessage, lid: number, set: number): boolean {
  const id = namedId(msg, lid, set);
  return id !== -1 && raw(msg).getBooleanItem(id, false);
}

export function tagBool(obj: object, tag: number): boolean {
  return raw(obj).pstTableItems?.has(tag) ? raw(obj).getBooleanItem(tag, false) : false;
}

/**
 * The values of a multi-valued variable-size property (MS-PST 2.3.3.4: a count, one offset per
 * value, then the values back to back). pst-extractor reads single values only.
 */
export function multiValues(data: Buffer | null): Buffer[] {
  if (!data || data.length < 4) return [];
  const count = data.readUInt32LE(0);
  if (count > 100_000 || 4 + count * 4 > data.length) return [];
  const offsets = Array.from({ length: count }, (_, i) => data.readUInt32LE(4 + i * 4));
  return offsets.map((start, i) => data.subarray(start, i + 1 < count ? offsets[i + 1] : data.length));
}

/** A PtypMultipleString (UTF-16LE values) named property, e.g. PidLidCompanies. */
export function namedMultiString(msg: PSTMessage, lid: number, set: number): string[] {
  const id = namedId(msg, lid, set);
  // ANSI files keep PtypMultipleString8 (0x101E) values.
  const ansi = raw(msg).pstTableItems?.get(id)?.entryValueType === 0x101e;
  return multiValues(rawBytes(msg, id))
    .map((v) => v.toString(ansi ? 'latin1' : 'utf16le').replace(/\0+$/, ''))
    .filter(Boolean);
}

/** PR_ATTACH_METHOD of an attachment that is an Outlook item (a message, an exception). */
const ATTACH_EMBEDDED_MSG = 5;

/**
 * The Outlook item an attachment embeds, or undefined for a file. pst-extractor only builds it
 * when the attachment knows its parent's node, which it does not set itself.
 */
export function embeddedMessageOf(parent: PSTMessage, att: PSTAttachment): PSTMessage | undefined {
  if (att.attachMethod !== ATTACH_EMBEDDED_MSG) return undefined;
  const a = att as unknown as { descriptorIndexNode?: unknown };
  a.descriptorIndexNode ??= (parent as unknown as { descriptorIndexNode?: unknown }).descriptorIndexNode;
  return safe(() => att.embeddedPSTMessage) ?? undefined;
}

export const isEmbedded = (att: PSTAttachment) => att.attachMethod === ATTACH_EMBEDDED_MSG;

/** A date as ISO text, or undefined for none or an invalid one. */
export function iso(d: Date | null | undefined): string | undefined {
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

/** pst-extractor's getters throw on damaged data: such a value is simply absent. */
export function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
