// Slack "Check first": the real Bolt app, the fake Slack Web API, real Dovecots and Redis. The
// form's options go with it; the plan card (a modal) has Start and Cancel; nothing is written
// before Start, and no password is ever sent to Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account } from './support/tern';
import { checked, everythingSent, select, startSlackHarness, text, type FakeView, type SlackHarness, type StateValue } from './support/slack-harness';
import { CHECK_ACTION } from '../adapters/slack/render-modal';
import { keptInRedis } from './support/chat-keeps';

const REQUESTER = 'U0PLANNER';
const SECRET = 'Plan-Secret-77';
let source: DovecotServer;
let destination: DovecotServer;
let redis: TestRedis;
let slack: SlackHarness;

const day = (s: string) => new Date(`${s}T09:00:00Z`);

beforeAll(async () => {
  [source, destination, redis] = await Promise.all([startDovecot('slash', { users: `alice:${SECRET} bob:bobpass` }), startDovecot('dot-inbox-prefix'), startRedis()]);
  slack = await startSlackHarness(redis.url);
  await slack.tern.startWorker();
  const alice = account(source, 'alice', SECRET);
  await seedMessage(alice, 'INBOX', makeMessage({ subject: 'Old', date: day('2023-05-01') }), { internalDate: day('2023-05-01') });
  await seedMessage(alice, 'INBOX', makeMessage({ subject: 'New', date: day('2024-05-01') }), { internalDate: day('2024-05-01') });
  await seedMessage(alice, 'Spam', makeMessage({ subject: 'Spam', date: day('2024-05-02') }), { internalDate: day('2024-05-02') });
});

afterAll(async () => {
  await slack?.close();
  await Promise.all([source?.stop(), destination?.stop(), redis?.stop()]);
});

function filled(extra: Record<string, StateValue> = {}): Record<string, StateValue> {
  return {
    'source.type': select('imap'),
    'source.login': text('alice'),
    'source.password': text(SECRET),
    'source.host': text('127.0.0.1'),
    'source.port': text(String(source.imapPort)),
    'source.options': checked(),
    'destination.type': select('imap'),
    'destination.login': text('bob'),
    'destination.password': text('bobpass'),
    'destination.host': text('127.0.0.1'),
    'destination.port': text(String(destination.imapPort)),
    'destination.options': checked(),
    items: checked('emails'),
    notify: text(null),
    'options.since': text('2024-01-01'),
    'options.before': text(null),
    'options.folders': text(null),
    'options.excludeFolders': text('Spam'),
    'options.maxSize': text(null),
    'options.newestFirst': checked(),
    ...extra,
  };
}

async function openForm(): Promise<FakeView> {
  const before = slack.fake.callsTo('views.open').length;
  expect((await slack.slash(REQUESTER, '')).status).toBe(200);
  const call = await slack.fake.waitFor('views.open', () => slack.fake.callsTo('views.open').length > before);
  return { ...(call.body.view as FakeView), id: call.response.view.id };
}

/** The next views.update of that view whose title is `title`. */
async function nextView(view: FakeView, title: string, since: number) {
  const call = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && slack.fake.callsTo('views.update').indexOf(c) >= since && c.body.view.title?.text === title, 30_000);
  return { ...(call.body.view as FakeView & { title: { text: string } }), id: view.id };
}

describe('Check first in the Slack form', () => {
  it('shows option fields; a bad option is said by its field', async () => {
    const view = await openForm();
    const ids = (view.blocks ?? []).map((b) => b.block_id);
    expect(ids).toEqual(expect.arrayContaining(['options.since', 'options.before', 'options.folders', 'options.excludeFolders', 'options.maxSize', 'options.newestFirst', 'check']));
    const since = slack.fake.callsTo('views.update').length;
    await slack.clickInView(REQUESTER, view, filled({ 'options.since': text('last year') }), CHECK_ACTION, 'check');
    const again = await nextView(view, 'Migrate a mailbox', since);
    expect(JSON.stringify(again.blocks)).toContain('--since \\"last year\\" is not a day');
  });

  it('turns the form into a plan card; Start creates the task with the options; nothing was written before', async () => {
    const before = await snapshotMailbox(account(destination, 'bob'));
    const view = await openForm();
    const since = slack.fake.callsTo('views.update').length;
    await slack.clickInView(REQUESTER, view, filled(), CHECK_ACTION, 'check');
    const card = await nextView(view, 'Migration plan', since);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('1 messages');
    expect(shown).toMatch(/INBOX → INBOX: 1 \(.+\), 1 to copy, 0 already there/);
    expect(shown).toContain('1 outside the date range');
    expect(shown).toContain('Options: received since 2024-01-01 · not folders: Spam');
    expect(shown).not.toContain('Spam →');
    expect(await snapshotMailbox(account(destination, 'bob'))).toEqual(before);
    expect(await slack.tern.service.list({ id: 'x', label: 'x', admin: true }, { all: true })).toEqual([]);

    // Start: the modal's submit.
    const started = slack.fake.callsTo('views.update').length;
    expect((await slack.submit(card, REQUESTER, {})).status).toBe(200);
    const created = await nextView(card, 'Migration started', started);
    const taskId = /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(JSON.stringify(created.blocks))![0];
    const done = await slack.tern.waitFor(taskId);
    expect(done.status, done.error).toBe('completed');
    expect(done.options).toEqual({ since: '2024-01-01', excludeFolders: ['Spam'] });
    expect(done.folders.find((f) => f.sourceFolder === 'INBOX')).toMatchObject({ copied: 1 });
    expect(everythingSent(slack.fake)).not.toContain(SECRET);

    // The plan was used: a second Start of the same card is refused, nothing more is created.
    const again = slack.fake.callsTo('views.update').length;
    const res = await slack.submit(card, REQUESTER, {});
    expect(JSON.stringify(res.body)).toContain('This plan is no longer kept');
    expect(slack.fake.callsTo('views.update').length).toBe(again);
  });

  it("a plan card's Start works after the bot restarted; its form is kept sealed in Redis meanwhile", async () => {
    const view = await openForm();
    const since = slack.fake.callsTo('views.update').length;
    await slack.clickInView(REQUESTER, view, filled(), CHECK_ACTION, 'check');
    const card = await nextView(view, 'Migration plan', since);
    // Kept in Redis, sealed whole: neither password nor login in clear.
    const kept = (await keptInRedis(redis.url, slack.tern.env.TERN_REDIS_PREFIX)).filter((k) => k.key.includes(':chat-keep:plan:slack:'));
    expect(kept).toHaveLength(1);
    expect(Object.keys(JSON.parse(kept[0].value)).sort()).toEqual(['ciphertext', 'iv', 'tag']);
    expect(kept[0].value).not.toContain(SECRET);
    expect(kept[0].value).not.toContain('bobpass');

    await slack.stopBot();
    await slack.startBot();
    const started = slack.fake.callsTo('views.update').length;
    expect((await slack.submit(card, REQUESTER, {})).status).toBe(200);
    const created = await nextView(card, 'Migration started', started);
    const taskId = /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(JSON.stringify(created.blocks))![0];
    expect((await slack.tern.waitFor(taskId)).status).toBe('completed');
    // Start took the form out of Redis.
    expect((await keptInRedis(redis.url, slack.tern.env.TERN_REDIS_PREFIX)).filter((k) => k.key.includes(':chat-keep:plan:'))).toEqual([]);
  });
});
