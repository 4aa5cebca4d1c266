// Re-runs of the same migration (issue 21, instant re-runs): the per-folder sync state the last
// pass left lets an unchanged folder be passed with a STATUS a side, a changed one with only its
// new messages read, and source flag changes carried to the destination; a folder whose
// UIDVALIDITY changed is compared in full again. Nothing is ever copied twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox, withImap } from './support/mailbox';
import { account, imapUrl, startTern, type TestTern } from './support/tern';
import { migrate } from '../commands/migrate';
import { commandSpy, type CommandSpy } from './support/command-spy';

let source: DovecotServer;
let destination: DovecotServer;
let redis: TestRedis;
let tern: TestTern;
let spy: CommandSpy;

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash', { users: 'dora:dorapass' }), startDovecot('dot-inbox-prefix', { users: 'dora:dorapass' }), startRedis()]);
  spy = await commandSpy(source.imapPort);
  tern = await startTern(redis.url);
  await tern.startWorker();
});

afterAll(async () => {
  await tern?.close();
  await spy?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

const day = (n: number) => new Date(Date.UTC(2024, 2, n, 8, 0, 0));
const from = () => `imap://dora:dorapass@127.0.0.1:${spy.port}`;
const to = () => imapUrl(destination, 'dora');

/** One migration from the source (through the spy) to the destination; the source commands it sent. */
async function pass() {
  spy.commands.length = 0;
  const done = await tern.waitFor((await migrate(tern.service, { from: from(), to: to() }, tern.actor)).id);
  expect(done.status, done.error).toBe('completed');
  return { done, fetches: spy.commands.filter((c) => c.endsWith('FETCH')).length, commands: [...spy.commands] };
}

describe('the same migration again', () => {
  beforeAll(async () => {
    const dora = account(source, 'dora');
    for (let i = 0; i < 12; i++) await seedMessage(dora, 'INBOX', makeMessage({ subject: `Inbox ${i}`, date: day(i + 1) }), { flags: i % 3 ? ['\\Seen'] : [], internalDate: day(i + 1) });
    for (let i = 0; i < 8; i++) await seedMessage(dora, 'Work', makeMessage({ subject: `Work ${i}`, date: day(i + 1) }), { flags: ['\\Seen'], internalDate: day(i + 1) });
  });

  it('passes unchanged folders without reading a message, copies only new ones, carries flag changes, and compares in full after a UIDVALIDITY change', async () => {
    const first = await pass();
    expect(first.done.steps[0]).toMatchObject({ total: 20, copied: 20, alreadyPresent: 0, failed: 0 });

    // Nothing changed: no FETCH at the source at all, nothing copied.
    const idle = await pass();
    expect(idle.done.steps[0]).toMatchObject({ total: 20, copied: 0, alreadyPresent: 20, failed: 0 });
    expect(idle.fetches).toBe(0);
    // Dovecot has LIST-STATUS: every folder's state came with the folder list, so no folder was even opened.
    expect(idle.commands.filter((c) => /^(SELECT|EXAMINE|STATUS)$/.test(c))).toEqual([]);

    // At the source: 8 flag changes in INBOX (as in the issue), 3 new messages; Work untouched.
    const dora = account(source, 'dora');
    await withImap(dora, async (c) => {
      await c.mailboxOpen('INBOX');
      await c.messageFlagsAdd('1:4', ['\\Flagged'], { uid: true });
      await c.messageFlagsRemove('5:6', ['\\Seen'], { uid: true });
      await c.messageFlagsAdd('7:8', ['\\Answered', '$Label1'], { uid: true });
    });
    for (let i = 0; i < 3; i++) await seedMessage(dora, 'INBOX', makeMessage({ subject: `Late ${i}`, date: day(20 + i) }), { flags: ['\\Seen'], internalDate: day(20 + i) });

    const changed = await pass();
    expect(changed.done.steps[0]).toMatchObject({ total: 23, copied: 3, alreadyPresent: 20, failed: 0 });
    expect(changed.done.folders.find((f) => f.sourceFolder === 'INBOX')).toMatchObject({ sourceCount: 15, copied: 3, alreadyPresent: 12, destinationCount: 15 });
    // Only INBOX was read: its new messages, their bodies, and its changed flags.
    expect(changed.fetches).toBeLessThanOrEqual(3);
    const src = contentView(await snapshotMailbox(dora));
    let dst = contentView(await snapshotMailbox(account(destination, 'dora')));
    expect(dst.INBOX).toEqual(src.INBOX); // every flag as at the source, each message once
    expect(dst['INBOX.Work']).toEqual(src.Work);

    // Work deleted and made again with the same messages: another UIDVALIDITY, so a full comparison, which copies nothing.
    const work = await withImap(dora, async (c) => {
      await c.mailboxOpen('Work');
      const kept = [];
      for await (const m of c.fetch('1:*', { source: true, flags: true, internalDate: true })) kept.push(m);
      await c.mailboxClose();
      await c.mailboxDelete('Work');
      await c.mailboxCreate('Work');
      for (const m of kept) await c.append('Work', m.source!, [...m.flags!], m.internalDate);
      return kept.length;
    });
    expect(work).toBe(8);
    const renewed = await pass();
    expect(renewed.done.steps[0]).toMatchObject({ total: 23, copied: 0, alreadyPresent: 23, failed: 0 });
    expect(renewed.done.folders.find((f) => f.sourceFolder === 'Work')).toMatchObject({ sourceCount: 8, copied: 0, alreadyPresent: 8, destinationCount: 8 });
    dst = contentView(await snapshotMailbox(account(destination, 'dora')));
    expect(dst['INBOX.Work']).toEqual(src.Work);

    // And the state that full comparison saved serves the next pass again.
    expect((await pass()).fetches).toBe(0);
  });
});
