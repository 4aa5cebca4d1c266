// Honest outcomes: a task whose items failed does not say "completed". A folder the destination
// will not create fails alone with the server's words; a full mailbox stops the copy with its
// quota, instead of failing message after message. Real Dovecots; one with a quota.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox, withImap } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { taskText } from '../adapters/cli/render';
import { exitCodeOf } from '../adapters/cli/follow';
import { finalReport } from '../commands/views';

let source: DovecotServer;
let destination: DovecotServer;
let small: DovecotServer;
let redis: TestRedis;
let tern: TestTern;

beforeAll(async () => {
  [source, destination, small, redis] = await Promise.all([startDovecot('dot-inbox-prefix'), startDovecot('slash'), startDovecot('slash', { quotaKb: 160 }), startRedis()]);
  tern = await startTern(redis.url);
  await tern.startWorker();
});

afterAll(async () => {
  await tern?.close();
  await Promise.all([source?.stop(), destination?.stop(), small?.stop(), redis?.stop()]);
});

describe('a folder the destination will not create', () => {
  it('fails alone, with the server\'s words; the rest is copied; the task ends completed with errors (exit code 3)', async () => {
    const src = account(source, 'alice');
    await seedMessage(src, 'INBOX.Weird', makeMessage({ subject: 'Kept out 1' }), {});
    await seedMessage(src, 'INBOX.Weird', makeMessage({ subject: 'Kept out 2' }), {});
    await seedMessage(src, 'INBOX.Fine', makeMessage({ subject: 'Goes through' }), {});
    // Something in the way where Dovecot would put the folder: it answers NO [SERVERBUG] to CREATE.
    await withImap(account(destination, 'alice'), (c) => c.mailboxCreate('Seed'));
    fs.writeFileSync(path.join(destination.dir, 'mail/alice/Maildir/Weird'), 'not a folder');

    const done = await tern.waitFor((await migrate(tern.service, { from: imapUrl(source, 'alice'), to: imapUrl(destination, 'alice') }, tern.actor)).id);
    expect(done.status, done.error).toBe('completed_with_errors');
    expect(exitCodeOf(done.status)).toBe(3);
    const weird = done.folders.find((f) => f.sourceFolder === 'INBOX.Weird')!;
    expect(weird).toMatchObject({ status: 'failed', sourceCount: 2, copied: 0, failed: 2 });
    expect(weird.failures).toEqual([{ reason: expect.stringMatching(/^Destination: The destination refused to create the folder "Weird": Internal error occurred/), count: 2 }]);
    expect(done.folders.find((f) => f.sourceFolder === 'INBOX.Fine')).toMatchObject({ status: 'done', copied: 1, failed: 0 });
    expect(contentView(await snapshotMailbox(account(destination, 'alice'))).Fine).toHaveLength(1);
    // Said where people look: the CLI's status, the chat's final report.
    expect(taskText(done)).toMatch(/failed: 2 × Destination: The destination refused to create the folder "Weird"/);
    expect(finalReport(done).join('\n')).toMatch(/2 failed: Destination: The destination refused to create the folder "Weird"/);
  });
});

describe('a destination mailbox that fills up', () => {
  it('stops the copy with the quota ("full (N MB of M MB)") instead of failing every message left', async () => {
    const src = account(source, 'bob');
    await withImap(src, async (c) => {
      for (let i = 0; i < 40; i++) await c.append('INBOX', makeMessage({ subject: `Bulky ${i}`, bodyBytes: 10 * 1024 }), []);
    });
    const done = await tern.waitFor((await migrate(tern.service, { from: imapUrl(source, 'bob'), to: imapUrl(small, 'bob') }, tern.actor)).id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^Destination: the mailbox is full \(\d+ KB of 160 KB\), so the copy stopped\. Free some space or raise its quota/);
    const inbox = done.folders.find((f) => f.sourceFolder === 'INBOX')!;
    expect(inbox).toMatchObject({ status: 'failed', failed: 40 - inbox.copied });
    // Some went in before it was full, the one refused is counted with the server's words, and the rest were never tried.
    expect(inbox.copied).toBeGreaterThan(0);
    expect(inbox.copied).toBeLessThan(40);
    expect(inbox.failures?.[0]?.reason).toMatch(/refused by the destination: .*quota/i);
    const landed = contentView(await snapshotMailbox(account(small, 'bob'))).INBOX ?? [];
    expect(landed.length).toBe(inbox.copied);
  });
});
