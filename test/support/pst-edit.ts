/**
 * Test-time edits of a copy of a real PST (never a PST writer): a message's bytes are rewritten in
 * place, at the blocks pst-extractor's own index points to, sizes unchanged. Blocks of a file with
 * compressible encryption are decoded, edited and encoded again.
 */
import { createRequire } from 'node:module';
import { PSTFile, type PSTFolder, type PSTMessage } from 'pst-extractor';

const require = createRequire(import.meta.url);
const Long = require('long') as { fromNumber(n: number): unknown };
const { PSTUtil } = require('pst-extractor/dist/PSTUtil.class') as { PSTUtil: { compEnc: number[] } };

interface Block {
  fileOffset: { toNumber(): number } | number;
  size: number;
}
interface Raw {
  getDescriptorIndexNode(nid: unknown): { dataOffsetIndexIdentifier: unknown };
  getOffsetIndexNode(bid: unknown): Block;
  encryptionType: number;
}
interface RawMessage {
  pstTableItems: Map<number, { entryValueReference: number; isExternalValueReference: boolean }>;
  localDescriptorItems: Map<number, { offsetIndexIdentifier: number }>;
}

const NID_IPM_SUBTREE = 0x8022;
const PR_BODY = 0x1000;
const PR_HTML = 0x1013;
const PR_RTF_COMPRESSED = 0x1009;
const PT_BINARY = 0x0102;

/** The message of that subject in that folder (a top-level folder of the IPM subtree). */
export function findMessage(pst: PSTFile, folder: string, subject: string): PSTMessage {
  const ipm = pst.getRootFolder().getSubFolders().find((f) => Number(f.descriptorNodeId.toString()) === NID_IPM_SUBTREE);
  const box = ipm?.getSubFolders().find((f: PSTFolder) => f.displayName === folder);
  if (!box) throw new Error(`no folder ${folder}`);
  box.moveChildCursorTo(0);
  for (let c = box.getNextChild(); c; c = box.getNextChild()) if ((c as PSTMessage).subject === subject) return c as PSTMessage;
  throw new Error(`no message "${subject}" in ${folder}`);
}

/**
 * A copy of `bytes` where the message's HTML body becomes its compressed RTF body (the property's
 * tag is changed from PidTagHtml to PidTagRtfCompressed, its value overwritten with `rtfCompressed`,
 * the rest of the value zeroed: readers stop at the stream's own length), and its plain body
 * becomes `plain` padded with spaces to the old length.
 */
export function htmlBodyToRtf(bytes: Buffer, folder: string, subject: string, rtfCompressed: Buffer, plain: string): Buffer {
  const out = Buffer.from(bytes);
  const pst = new PSTFile(Buffer.from(bytes));
  const raw = pst as unknown as Raw;
  const msg = findMessage(pst, folder, subject);
  const items = (msg as unknown as RawMessage).pstTableItems;
  const html = items.get(PR_HTML);
  if (!html?.isExternalValueReference) throw new Error('the HTML body is expected in a subnode of its own');
  const htmlBlock = raw.getOffsetIndexNode(Long.fromNumber((msg as unknown as RawMessage).localDescriptorItems.get(html.entryValueReference)!.offsetIndexIdentifier));
  const pc = raw.getOffsetIndexNode(raw.getDescriptorIndexNode(Long.fromNumber(Number(msg.descriptorNodeId.toString()))).dataOffsetIndexIdentifier);
  const body = items.get(PR_BODY);
  if (!body || body.isExternalValueReference) throw new Error('the plain body is expected in the message\'s own heap');
  const oldBody = Buffer.from(msg.body, 'utf16le');
  editBlock(out, htmlBlock, raw.encryptionType, (data) => {
    if (rtfCompressed.length > data.length) throw new Error(`the RTF (${rtfCompressed.length} bytes) does not fit in the HTML's ${data.length}`);
    data.fill(0);
    rtfCompressed.copy(data);
  });
  editBlock(out, pc, raw.encryptionType, (data) => {
    // The BTH record: wPropId, wPropType, dwValueHnid (MS-PST 2.3.3.3).
    const tag = Buffer.alloc(4);
    tag.writeUInt16LE(PR_HTML, 0);
    tag.writeUInt16LE(PT_BINARY, 2);
    const at = unique(data, tag, 'the HTML property');
    data.writeUInt16LE(PR_RTF_COMPRESSED, at);
    const body = heapItem(data, items.get(PR_BODY)!.entryValueReference);
    if (!data.subarray(body.start, body.end).equals(oldBody)) throw new Error('the plain body is not where its HID says');
    Buffer.from(plain.padEnd(oldBody.length / 2, ' '), 'utf16le').copy(data, body.start);
  });
  return out;
}

function editBlock(file: Buffer, block: Block, encryption: number, edit: (data: Buffer) => void): void {
  const start = typeof block.fileOffset === 'number' ? block.fileOffset : block.fileOffset.toNumber();
  const data = Buffer.from(file.subarray(start, start + block.size));
  const enc = PSTUtil.compEnc;
  const dec = new Array<number>(256);
  enc.forEach((v, i) => (dec[v] = i));
  // pst-extractor decodes with compEnc; encoding is its inverse.
  if (encryption === 1) for (let i = 0; i < data.length; i++) data[i] = enc[data[i]];
  edit(data);
  if (encryption === 1) for (let i = 0; i < data.length; i++) data[i] = dec[data[i]];
  data.copy(file, start);
}

/** Where a heap item (HID, block 0) is in a heap-on-node block (MS-PST 2.3.1: HNHDR, HNPAGEMAP). */
function heapItem(data: Buffer, hid: number): { start: number; end: number } {
  if (hid >>> 16 !== 0 || (hid & 0x1f) !== 0) throw new Error(`HID ${hid} is not in the first heap block`);
  const map = data.readUInt16LE(0);
  const index = (hid & 0xffff) >> 5;
  return { start: data.readUInt16LE(map + 2 + 2 * index), end: data.readUInt16LE(map + 4 + 2 * index) };
}

function unique(data: Buffer, needle: Buffer, what: string): number {
  const at = data.indexOf(needle);
  if (at < 0 || data.indexOf(needle, at + 1) >= 0) throw new Error(`${what} is not found exactly once in its block`);
  return at;
}

/** A copy of `bytes` where one subnode of the message (0x692 its recipient table, 0x671 its attachment table) is zeroed. */
export function zeroSubnode(bytes: Buffer, folder: string, subject: string, nid: number): Buffer {
  const out = Buffer.from(bytes);
  const pst = new PSTFile(Buffer.from(bytes));
  const msg = findMessage(pst, folder, subject);
  const sub = (msg as unknown as RawMessage).localDescriptorItems.get(nid);
  if (!sub) throw new Error(`the message has no subnode 0x${nid.toString(16)}`);
  const block = (pst as unknown as Raw).getOffsetIndexNode(Long.fromNumber(sub.offsetIndexIdentifier));
  const start = typeof block.fileOffset === 'number' ? block.fileOffset : block.fileOffset.toNumber();
  out.fill(0, start, start + block.size);
  return out;
}

/** A copy of `bytes` where the data block of node `nid` (a folder's hierarchy table: its NID + 11) is zeroed. */
export function zeroNode(bytes: Buffer, nid: number): Buffer {
  const out = Buffer.from(bytes);
  const raw = new PSTFile(Buffer.from(bytes)) as unknown as Raw;
  const block = raw.getOffsetIndexNode(raw.getDescriptorIndexNode(Long.fromNumber(nid)).dataOffsetIndexIdentifier);
  const start = typeof block.fileOffset === 'number' ? block.fileOffset : block.fileOffset.toNumber();
  out.fill(0, start, start + block.size);
  return out;
}
