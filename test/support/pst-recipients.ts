/**
 * Test material: a copy of a real PST where one message gets many recipients. No public PST small
 * enough to keep has a message with hundreds of recipients, and building whole PSTs is out of
 * scope; so this replaces one message's recipient table (subnode 0x692) with a larger one built
 * from that table's own columns and first row (MS-PST 2.3: heap-on-node, BTH, table context),
 * written as new blocks at the end of the file, indexed in the block B-tree's last leaf, CRCs and
 * signatures kept valid. Unicode files only. Everything else in the file is left as it was.
 */
import { createRequire } from 'node:module';
import { PSTFile } from 'pst-extractor';
import { findMessage } from './pst-edit';

const require = createRequire(import.meta.url);
const Long = require('long') as { fromNumber(n: number): unknown };
const { PSTUtil } = require('pst-extractor/dist/PSTUtil.class') as { PSTUtil: { compEnc: number[] } };

export interface NewRecipient {
  name: string;
  address: string;
  /** 1 To, 2 Cc, 3 Bcc. */
  type: number;
}

interface Column {
  id: number;
  type: number;
  ibData: number;
  cbData: number;
}
interface TableItem {
  data: Buffer;
  isExternalValueReference: boolean;
  entryValueReference: number;
}
interface NodeInfo {
  startOffset: number;
  length(): number;
  pstNodeInputStream: { seek(at: unknown): void; readCompletely(b: Buffer): void };
}
interface RecipientTable {
  columnDescriptors: Column[];
  TCI_bm: number;
  hidUserRoot: number;
  rowNodeInfo: NodeInfo;
  getNodeInfo(hnid: number): NodeInfo;
  getItems(): Map<number, TableItem>[];
}

const BLOCK = 8176;
const NID_RECIPIENT_TABLE = 0x0692;
/** The new row matrix's subnode: NID_TYPE_LTP (0x1F), index 1. */
const NID_ROWS = 0x3f;
const PR_RECIPIENT_TYPE = 0x0c15;
const PR_LTP_ROW_ID = 0x67f2;
/** String columns whose value is the recipient's name, or address: each row gets its own. */
const NAME_COLUMNS = new Set([0x3001, 0x39ff, 0x5ff6, 0x3a20]);
const ADDRESS_COLUMNS = new Set([0x3003, 0x39fe]);
/** Column types held in the row itself (pst-extractor's rule); anything else of 4 bytes is an HNID. */
const FIXED_TYPES = new Set([0x0003, 0x0004, 0x000a]);

/** A copy of `bytes` where the message has exactly `recipients` (in that order), its other rows' columns as its first recipient's. */
export function withRecipients(bytes: Buffer, folder: string, subject: string, recipients: NewRecipient[]): Buffer {
  const pst = new PSTFile(Buffer.from(bytes));
  const file = pst as unknown as { pstFileType: number; encryptionType: number; getDescriptorIndexNode(n: unknown): Node; getOffsetIndexNode(b: unknown): Block };
  if (file.pstFileType === 14 || file.pstFileType === 15) throw new Error('Unicode PSTs only');
  const msg = findMessage(pst, folder, subject);
  if (!msg.numberOfRecipients) throw new Error('the message needs a recipient to copy');
  const table = (msg as unknown as { recipientTable: RecipientTable }).recipientTable;

  const heap = new Heap();
  const bthHeader = heap.alloc(Buffer.alloc(8)); // 0x20: pst-extractor expects the BTH header first
  const tcinfo = heap.alloc(readNode(table.getNodeInfo(table.hidUserRoot)));
  const records = heap.alloc(Buffer.alloc(recipients.length * 8));
  const template = readNode(table.rowNodeInfo).subarray(0, table.TCI_bm);
  const first = table.getItems()[0];
  const shared = new Map<number, number>();
  const rows = recipients.map((r, i) => {
    const row = Buffer.from(template);
    row.writeUInt32LE(i + 1, columnOf(table, PR_LTP_ROW_ID).ibData);
    row.writeUInt32LE(r.type, columnOf(table, PR_RECIPIENT_TYPE).ibData);
    for (const c of table.columnDescriptors) {
      if (c.cbData !== 4 || FIXED_TYPES.has(c.type)) continue;
      const value = first.get(c.id);
      if (!value || value.isExternalValueReference) continue;
      const own = NAME_COLUMNS.has(c.id) ? r.name : ADDRESS_COLUMNS.has(c.id) ? r.address : undefined;
      let hid: number;
      if (own !== undefined && c.type === 0x001f) hid = heap.alloc(Buffer.from(own, 'utf16le'));
      else if (!value.data.length) hid = 0; // an empty value has no allocation
      else hid = shared.get(c.id) ?? shared.set(c.id, heap.alloc(value.data)).get(c.id)!;
      row.writeUInt32LE(hid, c.ibData);
    }
    return row;
  });
  // BTHHEADER: bType 0xB5, cbKey 4, cbEnt 4, bIdxLevels 0, hidRoot. Records: dwRowID → dwRowIndex, sorted.
  heap.set(bthHeader, Buffer.from([0xb5, 4, 4, 0, ...u32(records)]));
  heap.set(records, Buffer.concat(recipients.map((_, i) => Buffer.concat([u32(i + 1), u32(i)]))));
  const info = heap.get(tcinfo);
  // TCINFO (MS-PST 2.3.4.1): bType, cCols, rgib[4], then hidRowIndex at 10 and hnidRows at 14.
  info.writeUInt32LE(bthHeader, 10);
  info.writeUInt32LE(NID_ROWS, 14); // the row matrix is a subnode of the table

  const out = new Writer(bytes, file.encryptionType === 1);
  const tableBid = out.tree(heap.blocks(tcinfo));
  const rowsPerBlock = Math.floor(BLOCK / table.TCI_bm);
  const rowBlocks: Buffer[] = [];
  for (let i = 0; i < rows.length; i += rowsPerBlock) {
    const chunk = Buffer.concat(rows.slice(i, i + rowsPerBlock));
    rowBlocks.push(i + rowsPerBlock < rows.length ? Buffer.concat([chunk, Buffer.alloc(BLOCK - chunk.length)]) : chunk);
  }
  const rowsBid = out.tree(rowBlocks);
  const subnodes = out.internal(Buffer.concat([Buffer.from([2, 0]), u16(1), u32(0), u64(NID_ROWS), u64(rowsBid), u64(0)]));

  // The message's own subnode block: point its recipient table entry at the new table.
  const node = file.getDescriptorIndexNode(Long.fromNumber(Number(msg.descriptorNodeId.toString())));
  const sl = file.getOffsetIndexNode(node.localDescriptorsOffsetIndexIdentifier);
  out.editSubnodeEntry(num(sl.fileOffset), sl.size, NID_RECIPIENT_TABLE, tableBid, subnodes);
  return out.finish();
}

function columnOf(table: RecipientTable, id: number): Column {
  const c = table.columnDescriptors.find((d) => d.id === id);
  if (!c) throw new Error(`the recipient table has no column 0x${id.toString(16)}`);
  return c;
}

function readNode(n: NodeInfo): Buffer {
  const b = Buffer.alloc(n.length());
  n.pstNodeInputStream.seek(Long.fromNumber(n.startOffset));
  n.pstNodeInputStream.readCompletely(b);
  return b;
}

interface Node {
  localDescriptorsOffsetIndexIdentifier: unknown;
}
interface Block {
  fileOffset: { toNumber(): number };
  size: number;
}
const num = (v: { toNumber(): number } | number) => (typeof v === 'number' ? v : v.toNumber());

/** A heap-on-node (MS-PST 2.3.1) spread over as many blocks as its allocations need. */
class Heap {
  private readonly pages: Buffer[][] = [[]];

  /** Adds an allocation; returns its HID. */
  alloc(data: Buffer): number {
    let page = this.pages[this.pages.length - 1];
    const header = this.pages.length === 1 ? 12 : 2;
    const used = (items: Buffer[]) => header + items.reduce((n, b) => n + b.length, 0);
    // Room for the data, the page map after it (2-aligned) and one more entry in it.
    if (used(page) + data.length + 1 + 4 + 2 * (page.length + 2) > BLOCK) this.pages.push((page = []));
    page.push(Buffer.from(data));
    return ((this.pages.length - 1) << 16) | (page.length << 5);
  }

  get(hid: number): Buffer {
    return this.pages[hid >>> 16][((hid & 0xffff) >> 5) - 1];
  }

  set(hid: number, data: Buffer): void {
    const old = this.get(hid);
    if (old.length !== data.length) throw new Error('a heap item keeps its size');
    data.copy(old);
  }

  /** The heap's blocks: HNHDR (first) or HNPAGEHDR, the allocations, then the HNPAGEMAP. */
  blocks(hidUserRoot: number): Buffer[] {
    return this.pages.map((items, i) => {
      const header = i === 0 ? Buffer.concat([u16(0), Buffer.from([0xec, 0x7c]), u32(hidUserRoot), u32(0)]) : u16(0);
      const starts: number[] = [];
      let at = header.length;
      for (const b of items) {
        starts.push(at);
        at += b.length;
      }
      const pad = at % 2;
      const ibHnpm = at + pad;
      const map = Buffer.concat([u16(items.length), u16(0), ...starts.map(u16), u16(at)]);
      header.writeUInt16LE(ibHnpm, 0);
      return Buffer.concat([header, ...items, Buffer.alloc(pad), map]);
    });
  }
}

/** Appends blocks to a copy of the file and keeps its indexes, CRCs and header right. */
class Writer {
  private readonly appended: Buffer[] = [];
  private readonly entries: Buffer[] = [];
  private readonly file: Buffer;
  private size: number;
  private nextBid: number;

  constructor(
    bytes: Buffer,
    private readonly encrypted: boolean,
  ) {
    this.file = Buffer.from(bytes);
    this.size = bytes.length;
    this.nextBid = Number(bytes.readBigUInt64LE(516)); // bidNextB
  }

  /** Data blocks, under an XBLOCK when more than one; returns the BID to point at. */
  tree(blocks: Buffer[]): number {
    const bids = blocks.map((b) => this.block(b, false));
    if (bids.length === 1) return bids[0];
    const total = blocks.reduce((n, b) => n + b.length, 0);
    return this.internal(Buffer.concat([Buffer.from([1, 1]), u16(bids.length), u32(total), ...bids.map(u64)]));
  }

  internal(data: Buffer): number {
    return this.block(data, true);
  }

  /** MS-PST 2.2.2.8: data, padding to 64 bytes with the trailer (cb, wSig, dwCRC, bid) at the end. */
  private block(data: Buffer, internal: boolean): number {
    const bid = this.nextBid + (internal ? 2 : 0);
    this.nextBid += 4;
    const stored = internal || !this.encrypted ? Buffer.from(data) : encode(data);
    const slot = Math.ceil((stored.length + 16) / 64) * 64;
    const block = Buffer.alloc(slot);
    stored.copy(block);
    const ib = this.size;
    block.writeUInt16LE(stored.length, slot - 16);
    block.writeUInt16LE(signature(ib, bid), slot - 14);
    block.writeUInt32LE(crc32(stored), slot - 12);
    block.writeBigUInt64LE(BigInt(bid), slot - 8);
    this.appended.push(block);
    this.size += slot;
    // BBTENTRY: BREF (bid, ib), cb, cRef, padding.
    this.entries.push(Buffer.concat([u64(bid), u64(ib), u16(stored.length), u16(2), u32(0)]));
    return bid;
  }

  editSubnodeEntry(at: number, cb: number, nid: number, bidData: number, bidSub: number): void {
    const block = this.file.subarray(at, at + cb);
    if (block[0] !== 2 || block[1] !== 0) throw new Error('the message\'s subnodes are not in one SLBLOCK');
    const count = block.readUInt16LE(2);
    for (let i = 0; i < count; i++) {
      const e = 8 + i * 24;
      if (Number(block.readBigUInt64LE(e)) !== nid) continue;
      block.writeBigUInt64LE(BigInt(bidData), e + 8);
      block.writeBigUInt64LE(BigInt(bidSub), e + 16);
      const slot = Math.ceil((cb + 16) / 64) * 64;
      this.file.writeUInt32LE(crc32(block), at + slot - 12);
      return;
    }
    throw new Error(`no subnode 0x${nid.toString(16)}`);
  }

  finish(): Buffer {
    this.indexBlocks();
    const out = Buffer.concat([this.file, ...this.appended]);
    out.writeBigUInt64LE(BigInt(this.nextBid), 516); // bidNextB
    out.writeBigUInt64LE(BigInt(out.length), 184); // ROOT.ibFileEof
    out.writeUInt32LE(crc32(out.subarray(8, 8 + 471)), 4); // dwCRCPartial
    out.writeUInt32LE(crc32(out.subarray(8, 8 + 516)), 524); // dwCRCFull
    return out;
  }

  /** New BIDs are above every BID in the file: they go at the end of the block B-tree's last leaf. */
  private indexBlocks(): void {
    let page = Number(this.file.readBigUInt64LE(240));
    while (this.file[page + 491] > 0) page = Number(this.file.readBigUInt64LE(page + (this.file[page + 488] - 1) * 24 + 16));
    const count = this.file[page + 488];
    if (count + this.entries.length > this.file[page + 489]) throw new Error('the last leaf of the block B-tree has no room left');
    Buffer.concat(this.entries).copy(this.file, page + count * 24);
    this.file[page + 488] = count + this.entries.length;
    this.file.writeUInt32LE(crc32(this.file.subarray(page, page + 496)), page + 500);
  }
}

/** Compressible encryption (MS-PST 5.1): pst-extractor decodes with compEnc; encoding is its inverse. */
function encode(data: Buffer): Buffer {
  const inverse = new Array<number>(256);
  PSTUtil.compEnc.forEach((v, i) => (inverse[v] = i));
  return Buffer.from(data.map((b) => inverse[b]));
}

/** MS-PST 5.5. */
function signature(ib: number, bid: number): number {
  const x = BigInt(ib) ^ BigInt(bid);
  return Number(((x >> 16n) ^ x) & 0xffffn);
}

/** MS-PST 5.3: CRC-32 (0xEDB88320), starting at 0, no final XOR. */
function crc32(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    let c = (crc ^ byte) & 0xff;
    for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    crc = (c ^ (crc >>> 8)) >>> 0;
  }
  return crc;
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
