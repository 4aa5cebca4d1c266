// A message's recipient and attachment tables are read once, whatever their size: pst-extractor
// re-read the whole table for each index (36 s for 200 recipients). Real fixtures, and a copy of
// one where a message has 200 recipients (test/support/pst-recipients.ts, checked with libpff).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { simpleParser, type AddressObject } from 'mailparser';
import { PSTFile, type PSTFolder, type PSTMessage } from 'pst-extractor';
import { composeMessage } from '../src/connectors/pst/compose';
import { attachmentCount, recipientsOf } from '../src/connectors/pst/tables';
import { findMessage, zeroSubnode } from './support/pst-edit';
import { withRecipients } from './support/pst-recipients';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (name: string) => path.resolve(projectRoot, '../shared/fixtures/pst', name);
const { PSTTable7C } = createRequire(import.meta.url)('pst-extractor/dist/PSTTable7C.class') as { PSTTable7C: { prototype: { getItems(start?: number, count?: number): unknown[] } } };

/** Whole-table reads (getItems without a range) of any table, while a test runs. */
let wholeReads = 0;
const original = PSTTable7C.prototype.getItems;
beforeEach(() => {
  wholeReads = 0;
  PSTTable7C.prototype.getItems = function (this: unknown, start?: number, count?: number) {
    if (start === undefined) wholeReads++;
    return original.call(this, start, count);
  };
});
afterEach(() => {
  PSTTable7C.prototype.getItems = original;
});
// pst-extractor reports what it skips on the console (the reader thread silences it the same way).
beforeAll(() => {
  for (const level of ['log', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => {});
});

function messageIn(pst: PSTFile, subject: string): PSTMessage {
  const walk = (folder: PSTFolder): PSTMessage | undefined => {
    if (folder.contentCount > 0) {
      folder.moveChildCursorTo(0);
      for (let m = folder.getNextChild(); m; m = folder.getNextChild()) if ((m as PSTMessage).subject === subject) return m as PSTMessage;
    }
    for (const sub of folder.hasSubfolders ? folder.getSubFolders() : []) {
      const hit = walk(sub);
      if (hit) return hit;
    }
    return undefined;
  };
  const found = walk(pst.getRootFolder());
  if (!found) throw new Error(`no "${subject}"`);
  return found;
}

const view = (r: { displayName: string; emailAddress: string; recipientType: number; addrType: string }) => [r.displayName, r.emailAddress, r.recipientType, r.addrType];

describe('recipients', () => {
  it("a real message's two recipients, as pst-extractor gives them one by one, from one read of the table", () => {
    const pst = new PSTFile(fixture('tika-testPST.pst'));
    const subject = 'Re: init tokenizer fails: "Bad type in putfield/putstatic"';
    const oneByOne = messageIn(pst, subject);
    wholeReads = 0; // finding it read the folders' tables
    const expected = Array.from({ length: oneByOne.numberOfRecipients }, (_, i) => view(oneByOne.getRecipient(i)!));
    expect(expected).toHaveLength(2);
    expect(wholeReads).toBe(4); // pst-extractor: the whole table twice per recipient

    const again = messageIn(pst, subject);
    wholeReads = 0;
    const got = recipientsOf(again).map(view);
    expect(got).toEqual(expected);
    expect(wholeReads).toBe(1);
    pst.close();
  });

  it('200 recipients: all of them, in order, with their types, from one read of the table', () => {
    const recipients = Array.from({ length: 200 }, (_, i) => ({ name: `Recipient ${i + 1}`, address: `r${i + 1}@example.com`, type: i % 4 === 3 ? 2 : 1 }));
    const pst = new PSTFile(withRecipients(fs.readFileSync(fixture('aspose-outlook.pst')), 'Sent Items', 'message 1', recipients));
    const msg = findMessage(pst, 'Sent Items', 'message 1');
    wholeReads = 0;
    const got = recipientsOf(msg);
    expect(wholeReads).toBe(1);
    expect(got.map((r) => [r.displayName, r.smtpAddress, r.recipientType])).toEqual(recipients.map((r) => [r.name, r.address, r.type]));
    pst.close();
  });

  it('are rebuilt as To and Cc of a composed (sent) message, every one of the 200', async () => {
    const recipients = Array.from({ length: 200 }, (_, i) => ({ name: `Recipient ${i + 1}`, address: `r${i + 1}@example.com`, type: i % 4 === 3 ? 2 : 1 }));
    const pst = new PSTFile(withRecipients(fs.readFileSync(fixture('aspose-outlook.pst')), 'Sent Items', 'message 1', recipients));
    const parsed = await simpleParser(await composeMessage(findMessage(pst, 'Sent Items', 'message 1'), 'the message “message 1” in “Sent Items”'));
    pst.close();
    const addresses = (a: AddressObject | AddressObject[] | undefined) => [a ?? []].flat().flatMap((x) => x.value.map((v) => v.address));
    expect(addresses(parsed.to)).toEqual(recipients.filter((r) => r.type === 1).map((r) => r.address));
    expect(addresses(parsed.cc)).toEqual(recipients.filter((r) => r.type === 2).map((r) => r.address));
  });

  it('a recipient table that cannot be read fails the message, naming its recipients (pst-extractor would give none)', async () => {
    const pst = new PSTFile(zeroSubnode(fs.readFileSync(fixture('aspose-outlook.pst')), 'Sent Items', 'message 2', 0x692));
    const msg = findMessage(pst, 'Sent Items', 'message 2');
    expect(msg.numberOfRecipients).toBe(0);
    expect(() => recipientsOf(msg)).toThrow();
    await expect(composeMessage(findMessage(pst, 'Sent Items', 'message 2'), 'the message “message 2” in “Sent Items”')).rejects.toMatchObject({
      part: 'the recipients of the message “message 2” in “Sent Items”',
    });
    pst.close();
  });
});

describe('attachments', () => {
  it('12 attachments from one read of the attachment table', async () => {
    const pst = new PSTFile(fixture('aspose-outlook.pst'));
    const msg = messageIn(pst, 'HTML body');
    wholeReads = 0;
    const count = attachmentCount(msg);
    const names = Array.from({ length: count }, (_, i) => msg.getAttachment(i).longFilename);
    expect(count).toBe(12);
    expect(names).toContain('image001.png');
    expect(wholeReads).toBe(1);
    pst.close();
  });

  it('an attachment table that cannot be read fails the message, naming its attachments', async () => {
    const pst = new PSTFile(zeroSubnode(fs.readFileSync(fixture('aspose-outlook.pst')), 'Sent Items', 'Multiple attachments', 0x671));
    const msg = findMessage(pst, 'Sent Items', 'Multiple attachments');
    expect(msg.numberOfAttachments).toBe(0); // what pst-extractor says: nothing to see
    await expect(composeMessage(msg, 'the message “Multiple attachments” in “Sent Items”')).rejects.toMatchObject({
      part: 'the attachments of the message “Multiple attachments” in “Sent Items”',
    });
    pst.close();
  });
});
