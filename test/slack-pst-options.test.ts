// The Slack PST import form has the migration's options (reused from the /migrate form): a real
// .pst shared in the channel, imported from the form with "Received on or after" set, into a real
// Dovecot: only the newer messages arrive, and the report says how many the options left out.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { withImap } from './support/mailbox';
import { account, projectRoot } from './support/tern';
import { CHANNEL, checked, select, startSlackHarness, text, type FakeView, type SlackHarness } from './support/slack-harness';
import { IMPORT_ACTION } from '../adapters/slack/listeners/actions';

const REQUESTER = 'U0REQUESTER';
// tika-testPST.pst: 7 messages at the top of the file, received 2014-02-24 (1), 2014-02-25 (2),
// 2014-02-26 (3) and 2020-11-26 (1).
const PST = fs.readFileSync(path.resolve(projectRoot, '../shared/fixtures/pst/tika-testPST.pst'));

let dovecot: DovecotServer;
let redis: TestRedis;
let slack: SlackHarness;

beforeAll(async () => {
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  slack = await startSlackHarness(redis.url, { TERN_MAX_UPLOAD_BYTES: String(50 * 1024 * 1024) });
  await dovecot.addUser('newer', 'newerpass');
}, 120_000);

afterAll(async () => {
  await slack?.close();
  await Promise.all([dovecot?.stop(), redis?.stop()]);
});

const viewText = (view: unknown) => JSON.stringify(view) ?? '';

/** Every message of the account: its folder and received date. */
const receivedDates = () =>
  withImap(account(dovecot, 'newer'), async (c) => {
    const out: string[] = [];
    for (const box of await c.list()) {
      const lock = await c.getMailboxLock(box.path, { readOnly: true });
      try {
        for await (const m of c.fetch('1:*', { internalDate: true })) out.push(new Date(m.internalDate as Date).toISOString());
      } catch {
        // an empty mailbox
      } finally {
        lock.release();
      }
    }
    return out.sort();
  });

describe('a .pst imported from the Slack form with options', () => {
  it('offers the options, and "Received on or after" copies only the newer messages', async () => {
    slack.fake.addFile({ id: 'F0TIKAPST1', name: 'tika.pst', mimetype: 'application/vnd.ms-outlook', content: PST, sharedIn: { channel: CHANNEL, ts: '1795000000.000200' } });
    await slack.event({ type: 'file_shared', file_id: 'F0TIKAPST1', user_id: REQUESTER, file: { id: 'F0TIKAPST1' }, channel_id: CHANNEL, event_ts: `${Date.now() / 1000}` });
    const offer = await slack.fake.waitFor('chat.postMessage', (c) => viewText(c.body.blocks).includes(IMPORT_ACTION));
    const button = (offer.body.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>).flatMap((b) => b.elements ?? []).find((e) => e.action_id === IMPORT_ACTION)!;
    await slack.click(REQUESTER, { channel: CHANNEL, ts: offer.response.ts }, IMPORT_ACTION, button.value);
    const open = await slack.fake.waitFor('views.open', (c) => c.body.view.callback_id === 'tern_import_pst');
    const view: FakeView = { ...open.body.view, id: open.response.view.id };
    const blockIds = (view.blocks ?? []).map((b) => b.block_id);
    for (const id of ['options.since', 'options.before', 'options.folders', 'options.excludeFolders', 'options.maxSize', 'options.newestFirst']) expect(blockIds).toContain(id);
    expect(viewText(view.blocks)).toContain('e-mails* only');

    const before = slack.fake.callsTo('views.update').length;
    const res = await slack.submit(view, REQUESTER, {
      'destination.type': select('imap'),
      'destination.login': text('newer'),
      'destination.password': text('newerpass'),
      'destination.host': text('127.0.0.1'),
      'destination.port': text(String(dovecot.imapPort)),
      'destination.options': checked(),
      items: checked('emails'),
      notify: text(null),
      'options.since': text('2014-02-26'),
      'options.before': text(null),
      'options.folders': text(null),
      'options.excludeFolders': text(null),
      'options.maxSize': text(null),
      'options.newestFirst': checked(),
    });
    expect(res.status).toBe(200);
    const update = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && slack.fake.callsTo('views.update').indexOf(c) >= before && /T-[0-9A-HJKMNP-TV-Z]{8}/.test(viewText(c.body.view)), 60_000);
    const taskId = /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(viewText(update.body.view))![0];

    const done = await slack.tern.waitFor(taskId);
    expect(done.status, done.error).toBe('completed');
    expect(done.options).toEqual({ since: '2014-02-26' });
    expect(done.steps[0]).toMatchObject({ kind: 'emails', total: 4, copied: 4, failed: 0 });
    expect(done.folders.map((f) => f.note ?? '').join(' ')).toMatch(/3 outside the date range left out/);
    const dates = await receivedDates();
    expect(dates).toHaveLength(4);
    expect(dates.every((d) => d >= '2014-02-26')).toBe(true);
  });

  it('a day that is not a day comes back next to its field, and nothing is imported', async () => {
    const { importPst } = await import('../commands/import-pst');
    const { FormErrors } = await import('../commands/migrate-form');
    const values = { destination: { type: 'imap', login: 'newer', password: 'newerpass', host: '127.0.0.1', port: String(dovecot.imapPort), tls: false }, items: ['emails'], options: { since: '26/02/2014' } };
    const err = await importPst(slack.tern.service, { file: '/nonexistent.pst', fileName: 'x.pst', values }, slack.tern.actor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormErrors);
    expect((err as InstanceType<typeof FormErrors>).errors['options.since']).toMatch(/is not a day: write it as YYYY-MM-DD/);
  });
});
