// A damaged PST says which part is damaged in the user's words: the reader (in this process, not
// its thread) over copies of aspose-outlook.pst with some of their blocks zeroed at test time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { folderWords, itemPart, unreadableItems } from '../src/connectors/pst/damage';
import { PstReader } from '../src/connectors/pst/reader';
import { zeroNode, zeroSubnode } from './support/pst-edit';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const original = fs.readFileSync(path.resolve(projectRoot, '../shared/fixtures/pst/aspose-outlook.pst'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-pst-damage-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
// pst-extractor reports what it skips on the console (the reader thread silences it the same way).
beforeAll(() => {
  for (const level of ['log', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => {});
});

function reader(name: string, bytes: Buffer): PstReader {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return new PstReader(file, name);
}

const REPAIR_AGAIN = "Repair it with Outlook's Inbox Repair Tool (scanpst.exe), then import it again: what was already copied is not copied twice.";
// Inbox "message 2" and "message 1" (node IDs as pst-extractor lists them).
const MESSAGE_2 = 2097668;
const MESSAGE_1 = 2097700;

describe('words', () => {
  it('name items by subject and folder, shortening long subjects', () => {
    expect(itemPart('Budget', 'Inbox')).toBe('the message “Budget” in “Inbox”');
    expect(itemPart('', 'Inbox')).toBe('a message without a subject in “Inbox”');
    expect(itemPart('Ann Lee', 'Contacts', 'contact')).toBe('the contact “Ann Lee” in “Contacts”');
    expect(itemPart('x'.repeat(100), 'Inbox')).toBe(`the message “${'x'.repeat(77)}…” in “Inbox”`);
  });

  it('count what cannot be named', () => {
    expect(unreadableItems(['a'], 'message', 'Inbox')).toBe('the message “a” in “Inbox”');
    expect(unreadableItems([undefined], 'message', 'Inbox')).toBe('1 message in “Inbox”');
    expect(unreadableItems(['a', 'b'], 'message', 'Inbox')).toBe('the messages “a” and “b” in “Inbox”');
    expect(unreadableItems(['a', undefined, 'b', 'c', 'd'], 'contact', 'Contacts')).toBe('the contacts “a”, “b”, “c” and 2 others in “Contacts”');
    expect(unreadableItems([undefined, undefined], 'event', 'Calendar')).toBe('2 events in “Calendar”');
  });

  it('say what a folder holds as its user knows it', () => {
    expect(folderWords('IPF.Contact')).toEqual({ list: 'the contact list', item: 'contact' });
    expect(folderWords('IPF.Appointment')).toEqual({ list: 'the calendar', item: 'event' });
    expect(folderWords('IPF.Task')).toEqual({ list: 'the task list', item: 'task' });
    expect(folderWords('IPF.Note')).toEqual({ list: 'the list of messages', item: 'message' });
  });
});

describe('the reader', () => {
  it('names the messages it cannot open by the subjects their folder still lists, and says what to do', () => {
    const r = reader('two.pst', zeroNode(zeroNode(original, MESSAGE_2), MESSAGE_1));
    const scanned = r.scan('Inbox');
    expect(scanned.filter((m) => m.unreadable)).toHaveLength(2);
    expect(scanned.filter((m) => !m.unreadable)).toHaveLength(6);
    const inbox = r.mailFolders().find((f) => f.path === 'Inbox')!;
    expect(inbox.problem).toBe(`two.pst is damaged: the messages “message 2” and “message 1” in “Inbox” cannot be read. ${REPAIR_AGAIN}`);
    expect(r.mailFolders().find((f) => f.path === 'Sent Items')!.problem).toBeUndefined();
    r.close();
  });

  it('a message whose attachments cannot be read is left out, and its folder says which part', async () => {
    const r = reader('attachments.pst', zeroSubnode(original, 'Inbox', 'Multiple attachments', 0x671));
    const ref = String(r.scan('Inbox').find((m) => !m.unreadable && m.messageId === '<003c01cc306e$17006760$45013620$@razzaq@xp.local>')!.ref);
    const others = r.scan('Inbox').filter((m) => m.ref !== ref).map((m) => m.ref);
    expect((await r.fetch('Inbox', [ref])).size).toBe(0);
    expect((await r.fetch('Inbox', others)).size).toBe(others.length);
    expect(r.mailFolders().find((f) => f.path === 'Inbox')!.problem).toBe(`attachments.pst is damaged: the attachments of the message “Multiple attachments” in “Inbox” cannot be read. ${REPAIR_AGAIN}`);
    r.close();
  });
});
