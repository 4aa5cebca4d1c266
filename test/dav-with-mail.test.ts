// Mail and DAV in one task, through the tern CLI: an IMAP account (Dovecot) for e-mail and a
// CalDAV/CardDAV account (Radicale) for the rest, on each side, moved and rolled back together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRadicale, type RadicaleServer } from './support/radicale';
import { startRedis, type TestRedis } from './support/redis';
import { seedSamples } from './support/dav-samples';
import { account, ternEnv } from './support/tern';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { lastJson, runTernBinary } from './support/tern-binary';

let dovecot: DovecotServer;
let radicale: RadicaleServer;
let redis: TestRedis;

beforeAll(async () => {
  [dovecot, radicale, redis] = await Promise.all([startDovecot('slash'), startRadicale(), startRedis()]);
  await seedSamples(radicale, 'alice');
  await seedMessage(account(dovecot, 'alice'), 'INBOX', makeMessage({ subject: 'Hello from IMAP' }));
});

afterAll(async () => {
  await Promise.all([dovecot?.stop(), radicale?.stop(), redis?.stop()]);
});

const tern = runTernBinary;


describe('--from-dav / --to-dav: mail and contacts/calendars in one task', () => {
  it('moves e-mail IMAP to IMAP and the PIM kinds DAV to DAV, the DAV logins defaulting to the side\'s password; rollback undoes both', async () => {
    const env = { ...ternEnv(redis.url), TERN_FROM_PASSWORD: 'alicepass', TERN_TO_PASSWORD: 'bobpass' };
    const args = [
      'migrate',
      '--from', `imap://alice@127.0.0.1:${dovecot.imapPort}`,
      '--from-dav', `dav+http://alice@127.0.0.1:${radicale.port}/`,
      '--to', `imap://bob@127.0.0.1:${dovecot.imapPort}`,
      '--to-dav', `dav+http://bob@127.0.0.1:${radicale.port}/`,
      '--items', 'emails,contacts,contactGroups,calendars,tasks',
      '--json',
    ];
    const run = await tern(args, env);
    expect(run.code, run.stderr).toBe(0);
    const task = lastJson(run.stdout);
    expect(task.source).toBe(`imap://alice@127.0.0.1:${dovecot.imapPort} + dav+http://alice@127.0.0.1:${radicale.port}/`);
    expect(task.destination).toBe(`imap://bob@127.0.0.1:${dovecot.imapPort} + dav+http://bob@127.0.0.1:${radicale.port}/`);
    const steps = Object.fromEntries(task.steps.map((s: { kind: string }) => [s.kind, s]));
    expect(steps.emails).toMatchObject({ status: 'done', copied: 1, failed: 0 });
    expect(steps.contacts).toMatchObject({ status: 'done', copied: 2, failed: 0 });
    expect(steps.contactGroups).toMatchObject({ status: 'done', copied: 2, failed: 0 });
    expect(steps.calendars).toMatchObject({ status: 'done', copied: 2, failed: 0 });
    expect(steps.tasks).toMatchObject({ status: 'done', copied: 1, failed: 0 });
    expect((await snapshotMailbox(account(dovecot, 'bob'))).folders.find((f) => f.path === 'INBOX')?.messages).toHaveLength(1);
    expect((await radicale.files('bob/contacts')).size).toBe(4);
    expect((await radicale.files('bob/calendar')).size).toBe(3);

    const back = await tern(['rollback', task.id, '--json'], env);
    expect(back.code, back.stderr).toBe(0);
    expect(lastJson(back.stdout).status).toBe('rolled_back');
    expect((await snapshotMailbox(account(dovecot, 'bob'))).folders.find((f) => f.path === 'INBOX')?.messages ?? []).toHaveLength(0);
    expect((await radicale.files('bob/contacts')).size).toBe(0);
    expect((await radicale.files('bob/calendar')).size).toBe(0);
  });

  it('refuses a --from-dav that is not a DAV URL, and contacts from IMAP without one, by name', async () => {
    const env = { ...ternEnv(redis.url), TERN_FROM_PASSWORD: 'alicepass', TERN_TO_PASSWORD: 'bobpass' };
    const base = ['migrate', '--from', `imap://alice@127.0.0.1:${dovecot.imapPort}`, '--to', `imap://bob@127.0.0.1:${dovecot.imapPort}`];
    const wrong = await tern([...base, '--from-dav', `imaps://alice@127.0.0.1`, '--items', 'contacts'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--from-dav takes a CalDAV/CardDAV account (dav://user@host/path or dav+http://…), not "imaps:"');
    const without = await tern([...base, '--items', 'contacts'], env);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/Contacts cannot be migrated from this source: IMAP accounts carry e-mails only/);
  });
});
