import type { PSTMessage } from 'pst-extractor';
import { multiValues, namedBinary, PSETID_ADDRESS } from './props';

/**
 * Members of a personal distribution list (MS-OXOCNTC 2.2.2.2). Outlook keeps two parallel
 * multi-valued binaries: PidLidDistributionListMembers (what each member is: a one-off address,
 * or a wrapped EntryID pointing at a contact or list) and PidLidDistributionListOneOffMembers
 * (the same members as one-off entries: name, address type and address). Reader-thread only.
 */

export interface PstDistListEntry {
  name?: string;
  address?: string;
  addressType?: string;
  /** The node ID of the contact of this same PST the member points at (its sourceId). */
  contactRef?: string;
}

const PID_LID_DISTRIBUTION_LIST_MEMBERS = 0x8055;
const PID_LID_DISTRIBUTION_LIST_ONE_OFF_MEMBERS = 0x8054;
/** MAPI one-off EntryID provider UID (MS-OXCDATA 2.2.5.1). */
const ONE_OFF_UID = Buffer.from('812b1fa4bea310199d6e00dd010f5402', 'hex');
/** WrappedEntryId provider UID (MS-OXOCNTC 2.2.2.2.4.1.1). */
const WRAPPED_UID = Buffer.from('c091add3519dcf11a4a900aa0047faa4', 'hex');
/** WrappedEntryId type, low 4 bits: the embedded EntryID is a contact's Message EntryID. */
const WRAPPED_CONTACT = 3;
/** PidTagRecordKey: the store's UID, which every EntryID of an object of this PST carries. */
const PR_RECORD_KEY = 0x0ff9;

interface StoreAccess {
  pstFile: { getMessageStore(): { getBinaryItem(id: number): Buffer | null } };
}

const storeKeys = new WeakMap<object, Buffer | null>();

function storeKeyOf(msg: PSTMessage): Buffer | null {
  const file = (msg as unknown as StoreAccess).pstFile;
  if (!storeKeys.has(file)) {
    let key: Buffer | null = null;
    try {
      key = file.getMessageStore().getBinaryItem(PR_RECORD_KEY);
    } catch {
      // No store record key: members cannot be tied to contacts, their addresses still come through.
    }
    storeKeys.set(file, key?.length === 16 ? key : null);
  }
  return storeKeys.get(file) ?? null;
}

/** Every member in list order, with the contact it points at when that contact is in this PST. */
export function distListEntries(msg: PSTMessage): PstDistListEntry[] {
  const oneOffs = multiValues(namedBinary(msg, PID_LID_DISTRIBUTION_LIST_ONE_OFF_MEMBERS, PSETID_ADDRESS));
  const members = multiValues(namedBinary(msg, PID_LID_DISTRIBUTION_LIST_MEMBERS, PSETID_ADDRESS));
  const storeKey = storeKeyOf(msg);
  const out: PstDistListEntry[] = [];
  for (let i = 0; i < Math.max(oneOffs.length, members.length); i++) {
    // The member list may itself hold a one-off entry; the parallel one-off list names it either way.
    const oneOff = (oneOffs[i] && parseOneOff(oneOffs[i])) || (members[i] && parseOneOff(members[i])) || {};
    const contactRef = members[i] && storeKey ? wrappedContactNid(members[i], storeKey) : undefined;
    const entry: PstDistListEntry = { ...oneOff, ...(contactRef ? { contactRef } : {}) };
    if (entry.address || entry.contactRef) out.push(entry);
  }
  return out;
}

/** The one-off view of the members (name, address type, address), as older callers read it. */
export function oneOffMembers(msg: PSTMessage): Array<{ name?: string; address: string; addressType?: string }> {
  return multiValues(namedBinary(msg, PID_LID_DISTRIBUTION_LIST_ONE_OFF_MEMBERS, PSETID_ADDRESS))
    .map(parseOneOff)
    .filter((m): m is { name?: string; address: string; addressType?: string } => Boolean(m?.address));
}

/**
 * A contact member: WrappedEntryId (flags, provider UID, type, embedded EntryID) whose embedded
 * EntryID is the EntryID of a PST object (MS-PST: 4 flag bytes, the store's UID, the NID — 24
 * bytes). Only a UID equal to this store's record key means "a contact of this file"; a contact
 * of an Exchange mailbox or of another PST keeps its one-off address only.
 */
function wrappedContactNid(entry: Buffer, storeKey: Buffer): string | undefined {
  if (entry.length < 21 + 24 || !entry.subarray(4, 20).equals(WRAPPED_UID)) return undefined;
  if ((entry[20] & 0x0f) !== WRAPPED_CONTACT) return undefined;
  const embedded = entry.subarray(21);
  if (embedded.length !== 24 || !embedded.subarray(4, 20).equals(storeKey)) return undefined;
  return String(embedded.readUInt32LE(20));
}

/** One-off EntryID (MS-OXCDATA 2.2.5.1): display name, address type, address; UTF-16 when flagged. */
function parseOneOff(entry: Buffer): { name?: string; address: string; addressType?: string } | undefined {
  if (entry.length < 24 || !entry.subarray(4, 20).equals(ONE_OFF_UID)) return undefined;
  const unicode = (entry.readUInt16LE(22) & 0x8000) !== 0;
  const fields: string[] = [];
  let pos = 24;
  for (let f = 0; f < 3 && pos < entry.length; f++) {
    if (unicode) {
      let end = pos;
      while (end + 1 < entry.length && (entry[end] !== 0 || entry[end + 1] !== 0)) end += 2;
      fields.push(entry.subarray(pos, end).toString('utf16le'));
      pos = end + 2;
    } else {
      const end = entry.indexOf(0, pos);
      const stop = end === -1 ? entry.length : end;
      fields.push(entry.subarray(pos, stop).toString('latin1'));
      pos = stop + 1;
    }
  }
  const [name, addressType, address] = fields;
  return address ? { name: name || undefined, address, addressType: addressType || undefined } : undefined;
}
