import { createRequire } from 'node:module';
import type { PSTFile, PSTFolder } from 'pst-extractor';

/**
 * The subjects a folder's contents table lists, by row. An item too damaged to open still has
 * its row there, so a report can name it ("the message “Budget” in “Inbox”"). pst-extractor reads
 * only the row IDs of that table; this reads the whole rows, once, and only for a folder where an
 * item failed. Reader-thread only (it touches pst-extractor's internals).
 */
const require = createRequire(import.meta.url);
type Row = Map<number, unknown>;
const { PSTTable7C } = require('pst-extractor/dist/PSTTable7C.class') as { PSTTable7C: new (stream: unknown, subnodes?: unknown) => { getItems(): Row[] } };
const { PSTNodeInputStream } = require('pst-extractor/dist/PSTNodeInputStream.class') as { PSTNodeInputStream: new (file: PSTFile, item: unknown) => unknown };
const { PSTObject } = require('pst-extractor/dist/PSTObject.class') as { PSTObject: new (file: PSTFile, node: undefined, items: Row) => { getStringItem(id: number): string } };
const Long = require('long') as { fromNumber(n: number): { greaterThan(n: number): boolean } };

/** A folder's contents table is node NID + 12 (MS-PST 2.4.4.1: NID_TYPE_CONTENTS_TABLE). */
const CONTENTS_TABLE_OFFSET = 12;
const PR_SUBJECT = 0x0037;

interface FolderAccess {
  pstFile: PSTFile & {
    getDescriptorIndexNode(nid: unknown): { dataOffsetIndexIdentifier: unknown; localDescriptorsOffsetIndexIdentifier: { greaterThan(n: number): boolean } };
    getOffsetIndexNode(bid: unknown): unknown;
    getPSTDescriptorItems(bid: unknown): unknown;
  };
  descriptorIndexNode: { descriptorIdentifier: number } | null;
}

/** Row index → subject; empty when the table itself cannot be read. */
export function contentsSubjects(folder: PSTFolder): Map<number, string> {
  const out = new Map<number, string>();
  try {
    const { pstFile, descriptorIndexNode } = folder as unknown as FolderAccess;
    if (!descriptorIndexNode) return out;
    const node = pstFile.getDescriptorIndexNode(Long.fromNumber(descriptorIndexNode.descriptorIdentifier + CONTENTS_TABLE_OFFSET));
    const subnodes = node.localDescriptorsOffsetIndexIdentifier.greaterThan(0) ? pstFile.getPSTDescriptorItems(node.localDescriptorsOffsetIndexIdentifier) : undefined;
    const table = new PSTTable7C(new PSTNodeInputStream(pstFile, pstFile.getOffsetIndexNode(node.dataOffsetIndexIdentifier)), subnodes);
    for (const [i, row] of table.getItems().entries()) {
      const subject = withoutPrefixMarker(new PSTObject(pstFile, undefined, row).getStringItem(PR_SUBJECT));
      if (subject) out.set(i, subject);
    }
  } catch {
    // The table is damaged too: the items stay unnamed.
  }
  return out;
}

/** PR_SUBJECT may start with SOH and the length of its prefix ("RE: "), as PSTMessage.subject strips. */
function withoutPrefixMarker(subject: string): string {
  return subject.charCodeAt(0) === 0x01 ? subject.slice(2) : subject;
}
