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
import { checked, select, startSlackHarness, text, type FakeView } from './support/slack-harness';

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

describe('the Slack form: a calendars-and-contacts server next to each mail account', () => {
  it('makes the same mail + DAV task as --from-dav/--to-dav, the DAV logins being the sides\' own', async () => {
    await radicale.request('carol', 'DELETE', '/carol/contacts/');
    await radicale.request('carol', 'MKCOL', '/carol/contacts/', `<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype></D:prop></D:set></D:mkcol>`, { 'Content-Type': 'application/xml' });
    const slack = await startSlackHarness(redis.url);
    try {
      const opened = slack.fake.callsTo('views.open').length;
      await slack.slash('U0DAVUSER', '');
      const call = await slack.fake.waitFor('views.open', () => slack.fake.callsTo('views.open').length > opened);
      const view = { ...(call.body.view as FakeView), id: call.response.view.id };
      expect((view.blocks ?? []).map((b) => b.block_id)).toEqual(expect.arrayContaining(['source.dav', 'destination.dav']));
      const side = (s: string, user: string) => ({
        [`${s}.type`]: select('imap'),
        [`${s}.login`]: text(user),
        [`${s}.password`]: text(`${user}pass`),
        [`${s}.host`]: text('127.0.0.1'),
        [`${s}.port`]: text(String(dovecot.imapPort)),
        [`${s}.options`]: checked(),
        [`${s}.dav`]: text(`http://127.0.0.1:${radicale.port}/`),
      });
      const res = await slack.submit(view, 'U0DAVUSER', { ...side('source', 'alice'), ...side('destination', 'carol'), items: checked('emails', 'contacts', 'contactGroups'), notify: text(null) });
      expect(res.status).toBe(200);
      const update = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && /T-[0-9A-Z]{8}/.test(JSON.stringify(c.body.view)), 30_000);
      const taskId = /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(JSON.stringify(update.body.view))![0];
      const task = await slack.tern.waitFor(taskId);
      expect(task.sourceEndpoint.pim).toMatchObject({ protocol: 'dav', host: '127.0.0.1', port: radicale.port, user: 'alice' });
      expect(task.destinationEndpoint.pim).toMatchObject({ protocol: 'dav', user: 'carol' });
      const card = slack.fake.callsTo('chat.postMessage').find((c) => !c.body.thread_ts && JSON.stringify(c.body.blocks).includes(taskId));
      expect(JSON.stringify(card?.body.blocks)).toContain(`alice on IMAP 127.0.0.1:${dovecot.imapPort} + calendars and contacts on 127.0.0.1:${radicale.port}`);
      const steps = Object.fromEntries(task.steps.map((s) => [s.kind, s]));
      expect(steps.emails).toMatchObject({ status: 'done', copied: 1 });
      expect(steps.contacts).toMatchObject({ status: 'done', copied: 2, failed: 0 });
      expect(steps.contactGroups).toMatchObject({ status: 'done', copied: 2, failed: 0 });
      expect((await radicale.files('carol/contacts')).size).toBe(4);
      expect(JSON.stringify(slack.fake.callsTo('chat.postMessage'))).not.toContain('alicepass');
    } finally {
      await slack.close();
    }
  });
});
