import type { PSTMessage, PSTRecipient } from 'pst-extractor';

/**
 * A message's recipient and attachment tables, each read once. pst-extractor's getRecipient(i)
 * and getAttachment(i) read every row of the table again for each index (getRecipient twice), so
 * a message with n recipients cost 2·n² row reads, each a few file reads: 36 s for 200
 * recipients. Here the rows are read in one pass and kept on the table for the message's
 * lifetime; pst-extractor's own code still turns each row into a recipient or an attachment.
 * Reader-thread only (it touches pst-extractor's internals).
 */

type Row = Map<number, unknown>;

interface RowTable {
  getItems(startAtRecord?: number, numberOfRecordsToReturn?: number): Row[];
}

interface TableAccess {
  recipientTable: RowTable | null;
  attachmentTable: RowTable | null;
  localDescriptorItems: Map<number, unknown> | null;
}

/** Subnodes of a message holding its tables (MS-PST 2.4.4.2). */
const NID_RECIPIENT_TABLE = 0x0692;
const NID_ATTACHMENT_TABLE = 0x0671;

const ROWS = Symbol('tern.rows');

/** The table's rows, read once; later whole-table reads (getRecipient, getAttachment) get the same rows. */
function rowsOnce(table: RowTable | null): Row[] {
  if (!table) return [];
  const held = (table as RowTable & { [ROWS]?: Row[] })[ROWS];
  if (held) return held;
  const rows = table.getItems();
  const ranged = table.getItems.bind(table);
  Object.assign(table, { [ROWS]: rows, getItems: (start?: number, count?: number) => (start === undefined ? rows : ranged(start, count)) });
  return rows;
}

const tables = (msg: PSTMessage) => msg as unknown as TableAccess;

/**
 * Every recipient, in table order. Throws when the message has a recipient table that cannot be
 * read (pst-extractor would quietly give none).
 */
export function recipientsOf(msg: PSTMessage): PSTRecipient[] {
  // numberOfRecipients loads the table (pst-extractor reads it lazily and swallows its errors).
  const count = msg.numberOfRecipients;
  const t = tables(msg);
  if (!t.recipientTable && t.localDescriptorItems?.has(NID_RECIPIENT_TABLE)) throw new Error('the recipient table exists but cannot be read');
  const rows = rowsOnce(t.recipientTable);
  const out: PSTRecipient[] = [];
  for (let i = 0; i < Math.min(count, rows.length); i++) {
    const r = msg.getRecipient(i);
    if (r) out.push(r);
  }
  return out;
}

/**
 * The number of attachments, the attachment table's rows read once for the msg.getAttachment(i)
 * calls that follow. Throws when the message has an attachment table that cannot be read.
 */
export function attachmentCount(msg: PSTMessage): number {
  const count = msg.numberOfAttachments;
  const t = tables(msg);
  if (!t.attachmentTable && t.localDescriptorItems?.has(NID_ATTACHMENT_TABLE)) throw new Error('the attachment table exists but cannot be read');
  return t.attachmentTable ? Math.min(count, rowsOnce(t.attachmentTable).length) : count;
}
