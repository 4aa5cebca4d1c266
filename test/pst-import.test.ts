// PST import end to end: every fixture of ../shared/fixtures/pst/ read by the real reader thread,
// rebuilt with MailComposer and APPENDed to a real Dovecot account through the e-mail step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { snapshotMailbox, withImap } from './support/mailbox';
import { account, imapUrl, projectRoot, startTern, type TestTern } from './support/tern';
import { importPst, importPstFile, importPstFromUrl } from '../commands/import-pst';
import { FormErrors } from '../commands/migrate-form';
import { openPst, type PstItemKind, type PstSession } from '../src/connectors/pst/client';
import { rollback } from '../commands/rollback';
import type { TaskView } from '../src/task';
import { compressRtf } from './support/lzfu';
import { htmlBodyToRtf, zeroNode } from './support/pst-edit';
import { withRecipients } from './support/pst-recipients';
import { RTF_HTML, RTF_HTML_PARTS } from './support/rtf-samples';

const FIXTURES = path.resolve(projectRoot, '../shared/fixtures/pst');
const fixture = (name: string) => path.join(FIXTURES, name);

let dovecot: DovecotServer;
let redis: TestRedis;
let tern: TestTern;
let userCount = 0;

beforeAll(async () => {
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([dovecot?.stop(), redis?.stop()]);
});

/** A fresh, empty destination account per import. */
async function newUser(): Promise<string> {
  const user = `pst${++userCount}`;
  await dovecot.addUser(user, `${user}pass`);
  return user;
}

async function importInto(file: string, user: string, items = 'emails'): Promise<TaskView> {
  const task = await importPstFile(tern.service, { file, to: imapUrl(dovecot, user), items }, tern.actor);
  return tern.waitFor(task.id);
}

/** source folder -> [destination folder, source count, copied] from the task's report. */
function report(t: TaskView): Record<string, [string, number, number]> {
  return Object.fromEntries(t.folders.map((f) => [f.sourceFolder, [f.destinationFolder, f.sourceCount, f.copied]]));
}

async function messagesIn(user: string, folder: string): Promise<Array<{ parsed: ParsedMail; flags: string[]; internalDate: Date }>> {
  return withImap(account(dovecot, user), async (c) => {
    const box = await c.mailboxOpen(folder, { readOnly: true });
    const out: Array<{ parsed: ParsedMail; flags: string[]; internalDate: Date }> = [];
    if (box.exists === 0) return out;
    for await (const m of c.fetch('1:*', { source: true, flags: true, internalDate: true })) {
      // skipImageLinks: keep the cid: references as they are in the message.
      out.push({ parsed: await simpleParser(m.source!, { skipImageLinks: true }), flags: [...(m.flags ?? [])], internalDate: new Date(m.internalDate as Date) });
    }
    return out;
  });
}

const bySubject = <T extends { parsed: ParsedMail }>(list: T[], subject: string): T => {
  const found = list.find((m) => m.parsed.subject === subject);
  if (!found) throw new Error(`no message "${subject}" among ${list.map((m) => m.parsed.subject).join(' | ')}`);
  return found;
};
const attachmentsOf = (m: ParsedMail) => m.attachments.map((a) => `${a.filename}|${a.contentType}|${a.size}`).sort();

describe('aspose-outlook.pst (Unicode): mail with folders, attachments, inline images, embedded messages', () => {
  let user: string;
  let task: TaskView;

  beforeAll(async () => {
    user = await newUser();
    task = await importInto(fixture('aspose-outlook.pst'), user);
  });

  it('completes with the README per-folder counts, well-known folders matched to the destination', () => {
    expect(task.status).toBe('completed');
    expect(task.source).toBe('pst:aspose-outlook.pst');
    expect(task.steps).toEqual([expect.objectContaining({ kind: 'emails', status: 'done', total: 14, copied: 14, alreadyPresent: 0, failed: 0 })]);
    expect(report(task)).toEqual({
      Inbox: ['INBOX', 8, 8],
      'Inbox/SubInbox': ['INBOX/SubInbox', 0, 0],
      'Sent Items': ['Sent', 6, 6],
      'Deleted Items': ['Trash', 0, 0],
      Drafts: ['Drafts', 0, 0],
      'Junk E-mail': ['Junk', 0, 0],
      Outbox: ['Outbox', 0, 0],
      'Custom Folder 1': ['Custom Folder 1', 0, 0],
      'Custom Folder 2': ['Custom Folder 2', 0, 0],
    });
    // Calendar, Contacts, Tasks, Notes, Journal and RSS Feeds hold no mail: not created as mail folders.
    expect(task.folders.every((f) => f.warning === undefined)).toBe(true);
  });

  it('leaves exactly those messages at the destination', async () => {
    const snap = await snapshotMailbox(account(dovecot, user));
    const counts = Object.fromEntries(snap.folders.map((f) => [f.path, f.messages.length]));
    expect(counts).toMatchObject({ INBOX: 8, Sent: 6, 'INBOX/SubInbox': 0, Outbox: 0, 'Custom Folder 1': 0, 'Custom Folder 2': 0, Trash: 0, Junk: 0, Drafts: 0 });
    expect(Object.keys(counts)).not.toContain('Calendar');
    expect(Object.keys(counts)).not.toContain('Contacts');
  });

  it('rebuilds received mail with its transport headers, attachments, inline images and embedded messages', async () => {
    const inbox = await messagesIn(user, 'INBOX');
    expect(inbox.map((m) => m.parsed.subject).sort()).toEqual(
      ['Multiple attachments', 'HTML body', 'this message contains embedded MSG', 'check sent date of this message', 'message 2', 'message 1', 'Microsoft Office Outlook Test Message', 'Microsoft Outlook Test Message'].sort(),
    );
    const multiple = bySubject(inbox, 'Multiple attachments');
    expect(multiple.parsed.from?.value).toEqual([{ name: 'Saqib Razzaq', address: 'saqib.razzaq@xp.local' }]);
    expect(multiple.parsed.messageId).toBe('<003c01cc306e$17006760$45013620$@razzaq@xp.local>');
    expect(multiple.parsed.headers.get('received')).toBeDefined();
    expect(attachmentsOf(multiple.parsed)).toEqual(['Blue hills.jpg|image/jpeg|28521', 'Sunset.jpg|image/jpeg|71189', 'text file.txt|text/plain|29']);

    const html = bySubject(inbox, 'HTML body');
    expect(html.parsed.html).toContain('cid:image001.png@01CC3097.BF0BAC70');
    const inline = html.parsed.attachments.filter((a) => a.contentId);
    expect(inline).toHaveLength(12);
    expect(inline.map((a) => a.contentId).sort()[0]).toBe('<image001.png@01CC3097.BF0BAC70>');
    expect(inline.find((a) => a.filename === 'image001.png')).toMatchObject({ contentType: 'image/png', size: 90089, contentDisposition: 'inline' });

    const embedding = bySubject(inbox, 'this message contains embedded MSG');
    const embedded = embedding.parsed.attachments.filter((a) => a.contentType === 'message/rfc822');
    expect(embedded.map((a) => a.filename).sort()).toEqual(['message 1.eml', 'message 2.eml']);
    const inner = await Promise.all(embedded.map((a) => simpleParser(a.content)));
    expect(inner.map((m) => m.subject).sort()).toEqual(['message 1', 'message 2']);
    expect(inner.every((m) => m.from?.value[0]?.address === 'saqib.razzaq@xp.local')).toBe(true);
  });

  it('carries read state as \\Seen and the delivery time as the internal date', async () => {
    const inbox = await messagesIn(user, 'INBOX');
    expect(bySubject(inbox, 'message 1').flags).not.toContain('\\Seen');
    expect(bySubject(inbox, 'message 2').flags).toContain('\\Seen');
    expect(bySubject(inbox, 'Multiple attachments').internalDate.toISOString()).toBe('2011-06-21T23:51:07.000Z');
  });

  it('builds headers from MAPI properties for mail that never travelled (Sent Items)', async () => {
    const sent = await messagesIn(user, 'Sent');
    expect(sent.map((m) => m.parsed.subject).sort()).toEqual(['HTML body', 'Multiple attachments', 'check sent date of this message', 'message 1', 'message 2', 'this message contains embedded MSG']);
    const m = bySubject(sent, 'Multiple attachments').parsed;
    expect(m.from?.value).toEqual([{ name: 'Saqib Razzaq', address: 'saqib.razzaq@xp.local' }]);
    expect((m.to as { value: Array<{ address?: string }> }).value.map((a) => a.address)).toEqual(['saqib.razzaq@xp.local']);
    expect(m.date?.toISOString()).toBe('2011-06-21T23:51:07.000Z');
    expect(m.messageId).toMatch(/^<[0-9a-f]{32}\.pst@tern\.invalid>$/);
    expect(attachmentsOf(m)).toEqual(['Blue hills.jpg|image/jpeg|28521', 'Sunset.jpg|image/jpeg|71189', 'text file.txt|text/plain|29']);
  });

  it('a re-import copies nothing (every message already present)', async () => {
    const again = await importInto(fixture('aspose-outlook.pst'), user);
    expect(again.status).toBe('completed');
    expect(again.steps[0]).toMatchObject({ total: 14, copied: 0, alreadyPresent: 14, failed: 0 });
    const snap = await snapshotMailbox(account(dovecot, user));
    expect(snap.folders.find((f) => f.path === 'INBOX')?.messages).toHaveLength(8);
    expect(snap.folders.find((f) => f.path === 'Sent')?.messages).toHaveLength(6);
  });

  it('rollback removes what the import created: its messages and the folders it made', async () => {
    const rolled = await rollback(tern.service, { taskId: task.id }, tern.actor);
    const done = await tern.waitFor(rolled.id, (t) => t.status !== 'rolling_back');
    expect(done.status).toBe('rolled_back');
    const snap = await snapshotMailbox(account(dovecot, user));
    const paths = snap.folders.map((f) => f.path);
    expect(snap.folders.reduce((n, f) => n + f.messages.length, 0)).toBe(0);
    for (const created of ['Outbox', 'Custom Folder 1', 'Custom Folder 2', 'INBOX/SubInbox']) expect(paths).not.toContain(created);
  });
});

describe('the other fixtures', () => {
  it('pstsdk-sample2-ansi.pst (ANSI): one message in "Sample2" with its attachment', async () => {
    const user = await newUser();
    const task = await importInto(fixture('pstsdk-sample2-ansi.pst'), user);
    expect(task.status).toBe('completed');
    expect(report(task)).toEqual({ 'Deleted Items': ['Trash', 0, 0], Sample2: ['Sample2', 1, 1] });
    const [m] = await messagesIn(user, 'Sample2');
    expect(m.parsed.subject).toBe('Here is a sample message');
    expect(m.parsed.from?.value[0]?.name).toBe('Terry Mahaffey');
    expect(m.parsed.html).toBeTruthy();
    expect(attachmentsOf(m.parsed)).toEqual(['leah_thumper.jpg|image/jpeg|93142']);
  });

  it('tika-testPST.pst: 7 messages at the top of the file, French folder names, non-ASCII senders', async () => {
    const user = await newUser();
    const task = await importInto(fixture('tika-testPST.pst'), user);
    expect(task.status).toBe('completed');
    expect(report(task)).toEqual({ 'Début du fichier de données Outlook': ['Début du fichier de données Outlook', 7, 7], 'Éléments supprimés': ['Trash', 0, 0] });
    const top = await messagesIn(user, 'Début du fichier de données Outlook');
    expect(top).toHaveLength(7);
    expect(bySubject(top, 'Re: Feature Generators').parsed.from?.value).toEqual([{ name: 'Jörn Kottmann', address: 'kottmann@gmail.com' }]);
    const forward = bySubject(top, 'FW: First email').parsed;
    expect(forward.from?.value[0]?.name).toBe('Luis Filipe da Cruz Nassif');
    // Forwarded as an attachment: the original message is embedded, with its own attachment.
    expect(forward.attachments.map((a) => `${a.filename}|${a.contentType}`)).toEqual(['First email.eml|message/rfc822']);
    const original = await simpleParser(forward.attachments[0].content);
    expect(original.subject).toBe('First email');
    expect(attachmentsOf(original)).toEqual(['attachment.docx|application/vnd.openxmlformats-officedocument.wordprocessingml.document|11862']);
    expect(typeof bySubject(top, '[WEBINAR] - "Introducing Couchbase Server 2.5"').parsed.html).toBe('string');
  });

  it('java-libpst-dist-list.pst: empty mail folders only; nothing copied', async () => {
    const user = await newUser();
    const task = await importInto(fixture('java-libpst-dist-list.pst'), user);
    expect(task.status).toBe('completed');
    expect(task.steps[0]).toMatchObject({ total: 0, copied: 0, failed: 0 });
    expect(Object.keys(report(task)).sort()).toEqual(['Deleted Items', 'Drafts', 'Inbox', 'Junk E-mail', 'Outbox', 'Sent Items']);
  });
});

describe('refusals, before any task exists', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-pst-bad-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const variant = (name: string, edit: (b: Buffer) => Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, edit(fs.readFileSync(fixture('aspose-outlook.pst'))));
    return file;
  };

  async function refused(file: string, items = 'emails') {
    const user = await newUser();
    const before = (await tern.service.list(tern.actor)).length;
    const err = await importPstFile(tern.service, { file, to: imapUrl(dovecot, user), items }, tern.actor).then(
      () => undefined,
      (e: unknown) => e as { code: string; userMessage: string },
    );
    expect(await tern.service.list(tern.actor)).toHaveLength(before);
    return err!;
  }

  it('a zero-byte file', async () => {
    const err = await refused(variant('empty.pst', () => Buffer.alloc(0)));
    expect(err).toMatchObject({ code: 'BAD_UPLOAD' });
    expect(err.userMessage).toMatch(/^empty\.pst is empty \(0 bytes\)/);
  });

  it('a file that is not a PST', async () => {
    const err = await refused(variant('notes.pst', () => Buffer.from('these are not the mails you are looking for\n'.repeat(100))));
    expect(err.userMessage).toMatch(/^notes\.pst is not a PST file/);
  });

  it('an OST', async () => {
    const err = await refused(variant('cache.ost', (b) => (b.write('SO', 8, 'latin1'), b)));
    expect(err.userMessage).toMatch(/^cache\.ost is an OST file/);
  });

  it('"high" encryption', async () => {
    const err = await refused(variant('secret.pst', (b) => ((b[513] = 0x02), b)));
    expect(err.userMessage).toMatch(/^secret\.pst uses Outlook's "high" encryption/);
  });

  it('a truncated file', async () => {
    const err = await refused(variant('half.pst', (b) => b.subarray(0, Math.floor(b.length / 2))));
    expect(err.userMessage).toMatch(/^half\.pst is truncated: it has 1659392 bytes but its header says 3318784/);
  });

  /** Words of pst-extractor's own errors that must never reach a user. */
  const LIBRARY_WORDS = /PST\w*::|descriptor|b-?tree|\bnode\b|\bnid\b|offset|unable to|findBtreeItem/i;

  it('a corrupt file (its B-tree pages overwritten): the part in the user\'s words, the library\'s in the cause', async () => {
    const err = (await refused(
      variant('broken.pst', (b) => {
        // Keep the header, destroy everything after it: the index cannot be walked.
        b.fill(0x5a, 0x4400);
        return b;
      }),
    )) as { userMessage: string; cause?: Error };
    expect(err.userMessage).toBe("broken.pst is damaged: its table of contents cannot be read. Repair it with Outlook's Inbox Repair Tool (scanpst.exe), then import the repaired file.");
    expect(err.userMessage).not.toMatch(LIBRARY_WORDS);
    expect(err.cause?.message).toMatch(LIBRARY_WORDS);
  });

  it('a file whose folder list is damaged (the hierarchy table of "Top of Personal Folders" zeroed)', async () => {
    // NID 0x8022 is the IPM subtree; its hierarchy table is node 0x8022 + 11 (MS-PST 2.4.4).
    const err = (await refused(variant('nofolders.pst', (b) => zeroNode(b, 0x8022 + 11)))) as { userMessage: string; cause?: Error };
    expect(err.userMessage).toBe("nofolders.pst is damaged: the folder list cannot be read. Repair it with Outlook's Inbox Repair Tool (scanpst.exe), then import the repaired file.");
    expect(err.cause?.message).toContain('the sub-folders of “Top of Personal Folders” cannot be read');
  });

  it('contacts, groups, calendars or tasks to an IMAP destination, with the reason', async () => {
    const err = await refused(fixture('java-libpst-dist-list.pst'), 'emails,contacts');
    expect(err).toMatchObject({ code: 'UNSUPPORTED_ITEMS' });
    expect(err.userMessage).toBe('Contacts cannot be migrated to this destination: IMAP accounts carry e-mails only.');
  });
});

describe('a partially readable PST', () => {
  it('imports what it can and reports the rest in its folder: completed with errors, not failed', async () => {
    // aspose-outlook.pst, with the data block of Inbox's "message 2" (node 2097668, block at
    // file offset 1356800, found with pst-extractor's getDescriptorIndexNode/getOffsetIndexNode) zeroed.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-pst-part-'));
    const file = path.join(dir, 'damaged.pst');
    const bytes = fs.readFileSync(fixture('aspose-outlook.pst'));
    bytes.fill(0, 1356800, 1356800 + 16);
    fs.writeFileSync(file, bytes);
    try {
      const user = await newUser();
      const task = await importInto(file, user);
      expect(task.status).toBe('completed_with_errors');
      expect(task.steps[0]).toMatchObject({ total: 14, copied: 13, failed: 1 });
      const inbox = task.folders.find((f) => f.sourceFolder === 'Inbox')!;
      expect(inbox).toMatchObject({ sourceCount: 8, copied: 7, failed: 1, destinationCount: 7 });
      // Named by the subject the folder's contents table still has for it, with what to do.
      expect(inbox.note).toBe("damaged.pst is damaged: the message “message 2” in “Inbox” cannot be read. Repair it with Outlook's Inbox Repair Tool (scanpst.exe), then import it again: what was already copied is not copied twice.");
      expect(inbox.failures).toEqual([{ reason: 'could not be read from the source (gone since it was listed, or damaged)', count: 1 }]);
      expect(task.folders.find((f) => f.sourceFolder === 'Sent Items')).toMatchObject({ copied: 6, failed: 0 });
      expect((await messagesIn(user, 'INBOX')).map((m) => m.parsed.subject)).not.toContain('message 2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('aspose-outlook.pst edited at test time: an HTML body kept only as RTF, and a message with 200 recipients', () => {
  // Sent Items "message 1": its HTML body becomes a compressed RTF body encapsulating HTML, its plain
  // body "\r\n" (test/support/pst-edit.ts). "check sent date of this message": 200 recipients
  // (test/support/pst-recipients.ts). Sent Items have no transport headers: To and Cc come from
  // the recipient table.
  const recipients = Array.from({ length: 200 }, (_, i) => ({ name: `Recipient ${i + 1}`, address: `r${i + 1}@example.com`, type: i % 5 === 4 ? 2 : 1 }));
  let user: string;
  let task: TaskView;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-pst-exact-'));
    const file = path.join(dir, 'exact.pst');
    const rtf = htmlBodyToRtf(fs.readFileSync(fixture('aspose-outlook.pst')), 'Sent Items', 'message 1', compressRtf(Buffer.from(RTF_HTML, 'latin1')), '\r\n');
    fs.writeFileSync(file, withRecipients(rtf, 'Sent Items', 'check sent date of this message', recipients));
    user = await newUser();
    task = await importInto(file, user);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports everything', () => {
    expect(task.status).toBe('completed');
    expect(task.steps[0]).toMatchObject({ total: 14, copied: 14, failed: 0 });
  });

  it('the HTML de-encapsulated from the RTF body wins over the near-empty plain body', async () => {
    const m = bySubject(await messagesIn(user, 'Sent'), 'message 1').parsed;
    for (const part of RTF_HTML_PARTS) expect(m.html).toContain(part);
    expect(m.headers.get('content-type')).toMatchObject({ value: 'text/html' });
    // The other messages keep their own HTML and text bodies.
    const other = bySubject(await messagesIn(user, 'Sent'), 'message 2').parsed;
    expect(other.text).toContain('Message 2');
    expect(other.html).toContain('Message 2');
  });

  it('the 200 recipients are all there, in order, as To and Cc', async () => {
    const m = bySubject(await messagesIn(user, 'Sent'), 'check sent date of this message').parsed;
    const addresses = (a: typeof m.to) => [a ?? []].flat().flatMap((x) => x.value.map((v) => v.address));
    expect(addresses(m.to)).toEqual(recipients.filter((r) => r.type === 1).map((r) => r.address));
    expect(addresses(m.cc)).toEqual(recipients.filter((r) => r.type === 2).map((r) => r.address));
    expect([m.to ?? []].flat()[0].value[0]).toEqual({ name: 'Recipient 1', address: 'r1@example.com' });
  });
});

describe('chat: a stored upload and the import form', () => {
  const uploads = () => path.join(tern.env.TERN_DATA_DIR, 'uploads');
  const stored = (name: string, content: Buffer) => {
    fs.mkdirSync(uploads(), { recursive: true });
    const file = path.join(uploads(), `F0TEST-${name}`);
    fs.writeFileSync(file, content);
    return file;
  };
  const form = (user: string, items = ['emails']) => ({
    destination: { type: 'imap', login: user, password: `${user}pass`, host: '127.0.0.1', port: String(dovecot.imapPort), tls: false },
    items,
  });

  it('imports like any task; the upload is kept for rollback, then deleted when the window closes', async () => {
    const user = await newUser();
    const file = stored('aspose-outlook.pst', fs.readFileSync(fixture('aspose-outlook.pst')));
    const created = await importPst(tern.service, { file, fileName: 'aspose-outlook.pst', values: form(user) }, tern.actor);
    const done = await tern.waitFor(created.id);
    expect(done).toMatchObject({ status: 'completed', source: 'pst:aspose-outlook.pst' });
    expect(done.steps[0]).toMatchObject({ copied: 14 });
    expect(fs.existsSync(file)).toBe(true);

    const closed = await tern.service.purgeExpired(Date.parse(done.rollbackUntil!) + 1);
    expect(closed).toContain(done.id);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a refused upload is deleted at once; a refused item kind comes back next to the items field', async () => {
    const user = await newUser();
    const empty = stored('empty.pst', Buffer.alloc(0));
    await expect(importPst(tern.service, { file: empty, fileName: 'empty.pst', values: form(user) }, tern.actor)).rejects.toMatchObject({ code: 'BAD_UPLOAD' });
    expect(fs.existsSync(empty)).toBe(false);

    const file = stored('dist-list.pst', fs.readFileSync(fixture('java-libpst-dist-list.pst')));
    const err = await importPst(tern.service, { file, fileName: 'dist-list.pst', values: form(user, ['emails', 'contactGroups']) }, tern.actor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormErrors);
    expect((err as FormErrors).errors).toEqual({ items: 'Contact groups cannot be migrated to this destination: IMAP accounts carry e-mails only.' });
  });

  it('a wrong destination password is reported on the password field, never echoed', async () => {
    const user = await newUser();
    const file = stored('again.pst', fs.readFileSync(fixture('pstsdk-sample2-ansi.pst')));
    const values = { ...form(user), destination: { ...form(user).destination, password: 'N0tTheP4ss' } };
    const err = (await importPst(tern.service, { file, fileName: 'again.pst', values }, tern.actor).catch((e: unknown) => e)) as FormErrors;
    expect(Object.keys(err.errors)).toEqual(['destination.password']);
    expect(err.errors['destination.password']).toMatch(/^Destination account: imap server 127\.0\.0\.1:\d+ refused the login for pst\d+/);
    expect(JSON.stringify(err.errors)).not.toContain('N0tTheP4ss');
  });

  it('an HTTPS link is required for a download', async () => {
    await expect(importPstFromUrl(tern.service, { url: 'http://files.example.com/mail.pst', values: form('x') }, tern.actor)).rejects.toMatchObject({
      code: 'BAD_UPLOAD',
      userMessage: 'Only https:// links are accepted for a .pst file (got http).',
    });
  });
});

describe('neutral items for an Exchange destination', () => {
  const itemsOf = async (pst: PstSession, kind: PstItemKind) => {
    const { refs, unreadable } = await pst.itemRefs(kind);
    return { items: await pst.readItems(refs), unreadable };
  };

  it('reads the contact, the distribution list and the appointment of java-libpst-dist-list.pst in the reader thread', async () => {
    const pst = await openPst(fixture('java-libpst-dist-list.pst'), 'java-libpst-dist-list.pst');
    try {
      const contacts = await itemsOf(pst, 'contact');
      expect(contacts.unreadable).toBe(0);
      expect(contacts.items).toEqual([expect.objectContaining({ kind: 'contact', folder: 'Contacts', displayName: 'contact name 1' })]);
      const lists = await itemsOf(pst, 'distList');
      expect(lists.items).toEqual([
        expect.objectContaining({
          kind: 'distList',
          folder: 'Contacts',
          displayName: 'test dist list',
          members: [
            { name: 'contact name 1', address: 'contact1@rjohnson.id.au', addressType: 'SMTP' },
            { name: 'dist name 1', address: 'dist1@rjohnson.id.au', addressType: 'SMTP' },
            { name: 'dist name 2', address: 'dist2@rjohnson.id.au', addressType: 'SMTP' },
          ],
        }),
      ]);
      const events = await itemsOf(pst, 'appointment');
      expect(events.items).toEqual([
        expect.objectContaining({
          kind: 'appointment',
          folder: 'Calendar',
          subject: 'Test appointment',
          start: '2016-08-02T15:00:00.000Z',
          end: '2016-08-02T15:30:00.000Z',
          isRecurring: true,
          recurrencePattern: 'every Tuesday from 8:00 AM to 8:30 AM',
          recurrenceBlob: expect.stringMatching(/^BDAEM/),
          timeZone: '(UTC-08:00) Pacific Time (US & Canada)',
          reminderMinutes: 15,
        }),
      ]);
    } finally {
      await pst.close();
    }
  });

  it('reads the contact and the appointment of aspose-outlook.pst with their fields', async () => {
    const pst = await openPst(fixture('aspose-outlook.pst'), 'aspose-outlook.pst');
    try {
      const [contact] = (await itemsOf(pst, 'contact')).items;
      expect(contact).toMatchObject({
        kind: 'contact',
        displayName: 'Saqib Razzaq',
        givenName: 'Saqib',
        surname: 'Razzaq',
        companyName: 'Aspose',
        jobTitle: 'Developer',
        emails: [{ address: 'saqib.razzaq@xp.local', displayName: 'Saqib Razzaq', type: 'SMTP' }],
        phones: { business: '1110001234', home: '1112223333', mobile: '3334443333' },
        fileAs: 'Razzaq, Saqib',
      });
      const [event] = (await itemsOf(pst, 'appointment')).items;
      expect(event).toMatchObject({ kind: 'appointment', subject: 'Weekly meeting', location: 'Room 5', start: '2011-06-22T05:30:00.000Z', end: '2011-06-22T06:00:00.000Z' });
      expect((await itemsOf(pst, 'task')).items).toEqual([]);
    } finally {
      await pst.close();
    }
  });
});
