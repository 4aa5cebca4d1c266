// Slack end to end: the real Bolt app behind its HTTP receiver, the fake Slack Web API, real
// Dovecot and Redis. Requests are signed and shaped as Slack sends them; everything the bot says
// is read back from the fake.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox, type MailboxSnapshot } from './support/mailbox';
import { account } from './support/tern';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { postSigned, postSlashCommand } from './support/slack-requests';
import { CHANNEL, SIGNING_SECRET, checked, everythingSent, select, startSlackHarness, text, type FakeView, type SlackHarness, type StateValue } from './support/slack-harness';
import type { FakeSlackCall } from './fakes/slack-api';
import { ACTION_IDS } from '../adapters/slack/render-card';
import { IMPORT_ACTION } from '../adapters/slack/listeners/actions';
import { DETECT_ACTION } from '../adapters/slack/render-modal';
import { downloadSlackFile } from '../adapters/slack/download';
import { startFakeEws, type FakeEws } from './fakes/ews';
import { until as waitUntil } from './support/until';

const REQUESTER = 'U0REQUESTER';
const STRANGER = 'U0STRANGER';
const ADMIN = 'U0ADMIN';
const WRONG_PASSWORD = 'Wr0ng-Pa55-slack';

let slash: DovecotServer;
let dotted: DovecotServer;
let redis: TestRedis;
let slack: SlackHarness;
let proxy: LatencyProxy;
let bobBefore: MailboxSnapshot;

const day = (n: number) => new Date(Date.UTC(2024, 4, n, 9, 30, 0));

beforeAll(async () => {
  [slash, dotted, redis] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), startRedis()]);
  // One lane: folders go one after the other, so a cancel always finds some not started.
  slack = await startSlackHarness(redis.url, { SLACK_ADMIN_USERS: ADMIN, TERN_MAX_UPLOAD_BYTES: String(50 * 1024 * 1024), TERN_CONNECTIONS_PER_ACCOUNT: '1' });
  const alice = account(slash, 'alice');
  for (const [folder, n] of [['INBOX', 3], ['Projects', 2], ['Projects/2024', 1]] as const) {
    for (let i = 0; i < n; i++) await seedMessage(alice, folder, makeMessage({ subject: `${folder} ${i}`, date: day(i + 1) }), { flags: i ? [] : ['\\Seen'], internalDate: day(i + 1) });
  }
  await seedMessage(account(dotted, 'bob'), 'INBOX', makeMessage({ subject: "Bob's own", date: day(20) }), { internalDate: day(20) });
  bobBefore = await snapshotMailbox(account(dotted, 'bob'));
  // carol's mailbox is big enough, behind a slow link, to be cancelled mid-run.
  const carol = account(slash, 'carol');
  for (const folder of ['INBOX', 'A', 'B', 'C']) {
    for (let i = 0; i < 8; i++) await seedMessage(carol, folder, makeMessage({ subject: `${folder} ${i}`, date: day(i + 1) }), { internalDate: day(i + 1) });
  }
  proxy = await startLatencyProxy(dotted.imapPort, 120);
});

afterAll(async () => {
  await slack?.close();
  await proxy?.close();
  await Promise.all([slash?.stop(), dotted?.stop(), redis?.stop()]);
});

/** The form filled in for an account pair; `destinationPort` lets a test go through the slow proxy. */
function formValues(o: { sourceUser: string; sourcePassword: string; destinationUser?: string; destinationPort?: number; items?: string[] }): Record<string, StateValue> {
  return {
    'source.type': select('imap'),
    'source.login': text(o.sourceUser),
    'source.password': text(o.sourcePassword),
    'source.host': text('127.0.0.1'),
    'source.port': text(String(slash.imapPort)),
    'source.options': checked(),
    'destination.type': select('imap'),
    'destination.login': text(o.destinationUser ?? 'bob'),
    'destination.password': text(`${o.destinationUser ?? 'bob'}pass`),
    'destination.host': text('127.0.0.1'),
    'destination.port': text(String(o.destinationPort ?? dotted.imapPort)),
    'destination.options': checked(),
    items: checked(...(o.items ?? ['emails'])),
    notify: text(null),
  };
}

/** Opens the form with /migrate and returns the modal as the bot sent it. */
async function openForm(user: string): Promise<FakeView> {
  const before = slack.fake.callsTo('views.open').length;
  const res = await slack.slash(user, '');
  expect(res.status).toBe(200);
  const call = await slack.fake.waitFor('views.open', () => slack.fake.callsTo('views.open').length > before);
  return { ...(call.body.view as FakeView), id: call.response.view.id };
}

/** Submits the form and waits for the views.update that follows the "checking" view. */
async function submitAndWait(view: FakeView, user: string, values: Record<string, StateValue>): Promise<{ ack: unknown; update: FakeSlackCall }> {
  const before = slack.fake.callsTo('views.update').filter((c) => c.body.view_id === view.id).length;
  const res = await slack.submit(view, user, values);
  expect(res.status).toBe(200);
  const update = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && slack.fake.callsTo('views.update').filter((x) => x.body.view_id === view.id).indexOf(c) >= before, 30_000);
  return { ack: res.body, update };
}

const viewText = (view: unknown) => JSON.stringify(view) ?? '';
const taskIdIn = (s: string) => /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(s)?.[0];

/** The card message of a task, as the fake holds it now. */
function cardOf(taskId: string) {
  const post = slack.fake.callsTo('chat.postMessage').find((c) => !c.body.thread_ts && viewText(c.body.blocks).includes(taskId));
  expect(post, `a card for ${taskId}`).toBeDefined();
  return { channel: post!.response.channel as string, ts: post!.response.ts as string };
}

function threadOf(card: { channel: string; ts: string }): string[] {
  return slack.fake.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === card.ts && !c.rateLimited).map((c) => String(c.body.text));
}

/** Private answers: through response URLs (chat.postEphemeral fails in DMs, so the bot does not use it). */
function ephemeralsTo(user: string): string[] {
  return slack.privateTo(user);
}

const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000) => waitUntil(what, probe, timeoutMs, 100);

describe('/migrate: modal → wrong password → corrected → card, progress, thread, report', () => {
  let taskId: string;
  let card: { channel: string; ts: string };

  it('opens the modal with every field, and says that the password inputs are not masked', async () => {
    const view = await openForm(REQUESTER);
    expect(view.callback_id).toBe('tern_migrate');
    const ids = (view.blocks ?? []).map((b) => b.block_id).filter(Boolean);
    for (const id of ['source.type', 'source.login', 'source.password', 'source.host', 'source.port', 'source.options', 'destination.type', 'destination.password', 'items', 'notify']) {
      expect(ids).toContain(id);
    }
    const password = view.blocks!.find((b) => b.block_id === 'source.password')!;
    expect(viewText(password.hint)).toMatch(/not masked/);
    const items = view.blocks!.find((b) => b.block_id === 'items')!;
    expect(viewText(items)).toContain('contactGroups');
    expect(viewText(items)).toContain('outOfOffice');
  });

  it('a malformed field comes back at once as a field error (response_action: errors)', async () => {
    const view = await openForm(REQUESTER);
    const values = { ...formValues({ sourceUser: 'alice', sourcePassword: 'alicepass' }), 'source.port': text('not-a-port') };
    const res = await slack.submit(view, REQUESTER, values);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_action: 'errors', errors: { 'source.port': expect.any(String) } });
  });

  it('a refused login comes back on the form, naming the server and the user, without the password', async () => {
    const view = await openForm(REQUESTER);
    const { ack, update } = await submitAndWait(view, REQUESTER, formValues({ sourceUser: 'alice', sourcePassword: WRONG_PASSWORD }));
    expect(viewText(ack)).toContain('Checking the accounts');
    const shown = viewText(update.body.view);
    expect(shown).toContain(`127.0.0.1:${slash.imapPort} refused the login for alice`);
    expect(shown).toContain('type the passwords again');
    expect(everythingSent(slack.fake)).not.toContain(WRONG_PASSWORD);
    expect(everythingSent(slack.fake)).not.toContain('alicepass');
  });

  it('the corrected form starts the task: confirmation with the task ID, one public card in the channel', async () => {
    const view = await openForm(REQUESTER);
    const { update } = await submitAndWait(view, REQUESTER, formValues({ sourceUser: 'alice', sourcePassword: 'alicepass' }));
    taskId = taskIdIn(viewText(update.body.view))!;
    expect(taskId, viewText(update.body.view)).toBeDefined();
    card = cardOf(taskId);
    expect(card.channel).toBe(CHANNEL);
    const posted = slack.fake.callsTo('chat.postMessage').find((c) => c.response.ts === card.ts)!;
    const blocks = viewText(posted.body.blocks);
    expect(blocks).toContain(`\`${taskId}\``);
    expect(blocks).toContain(`<@${REQUESTER}>`);
    expect(blocks).toContain(ACTION_IDS.cancel);
  });

  it('edits the card as the task runs and ends it with the completed state and the report in the thread', async () => {
    await slack.tern.waitFor(taskId);
    const thread = await until('the final report in the thread', () => {
      const t = threadOf(card);
      return t.some((l) => l.startsWith('Completed')) && t;
    });
    expect(thread.some((l) => l.includes('E-mails started'))).toBe(true);
    expect(thread).toContain('✅ E-mails done: 6 copied · 0 already there · 0 failed of 6 · 1.8 KB');
    const report = thread.find((l) => l.startsWith('Completed'))!;
    expect(report).toContain('INBOX → INBOX: 3 at the source, 3 copied, 0 already there, 0 failed, 4 at the destination');
    expect(report).toContain('Projects/2024 → INBOX.Projects.2024: 1 at the source, 1 copied');
    await slack.bot.cards.idle();
    const finalCard = await until('the completed card', () => {
      const m = slack.fake.message(card.channel, card.ts);
      return m && viewText(m.blocks).includes('Completed') && m;
    });
    expect(finalCard.edits).toBeGreaterThan(0);
    const blocks = viewText(finalCard.blocks);
    expect(blocks).toContain('100%');
    expect(blocks).toContain(ACTION_IDS.rollback);
    expect(blocks).not.toContain(ACTION_IDS.cancel);
    // The rollback button asks for confirmation in Slack's own dialog.
    const rollbackButton = (finalCard.blocks as Array<{ elements?: Array<Record<string, unknown>> }>).flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION_IDS.rollback);
    expect(rollbackButton?.confirm).toBeDefined();
  });

  it('Rollback by someone else is refused (ephemeral); by the requester it restores the destination', async () => {
    await slack.click(STRANGER, card, ACTION_IDS.rollback, taskId);
    await until('the refusal', () => ephemeralsTo(STRANGER).length > 0);
    expect(ephemeralsTo(STRANGER).at(-1)).toMatch(/only|not allowed|started it|may/i);
    expect((await slack.tern.service.view(taskId)).status).toBe('completed');

    await slack.click(REQUESTER, card, ACTION_IDS.rollback, taskId);
    await slack.tern.waitFor(taskId, (t) => t.status === 'rolled_back' || (t.status !== 'rolling_back' && !!t.rollbackError));
    expect((await slack.tern.service.view(taskId)).status).toBe('rolled_back');
    expect(contentView(await snapshotMailbox(account(dotted, 'bob')))).toEqual(contentView(bobBefore));
    const thread = await until('the rollback in the thread', () => {
      const t = threadOf(card);
      return t.some((l) => l.includes('rolled back')) && t;
    });
    expect(thread.some((l) => l.includes(`Rollback asked by <@${REQUESTER}>`))).toBe(true);

    // A second click: a clear answer, nothing done.
    await slack.click(REQUESTER, card, ACTION_IDS.rollback, taskId);
    await until('the second answer', () => ephemeralsTo(REQUESTER).some((l) => /rolled back|already/i.test(l)));
  });
});

describe('Detect settings in the modal', () => {
  it('fills server, port and TLS of that side from the address, says where they came from, never sends the password back', async () => {
    const view = await openForm(REQUESTER);
    const typed = { ...formValues({ sourceUser: 'someone@fastmail.com', sourcePassword: 'Typed-Secret-9' }), 'source.host': text(null), 'source.port': text(null), 'source.type': select('auto') };
    const before = slack.fake.callsTo('views.update').length;
    expect((await slack.clickInView(REQUESTER, view, typed, DETECT_ACTION, 'source')).status).toBe(200);
    const update = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && slack.fake.callsTo('views.update').indexOf(c) >= before);
    const blocks = update.body.view.blocks as Array<Record<string, any>>;
    const block = (id: string) => blocks.find((b) => b.block_id === id);
    expect(block('source.host~1')?.element.initial_value).toBe('imap.fastmail.com');
    expect(block('source.port~1')?.element.initial_value).toBe('993');
    expect(block('source.type~1')?.element.initial_option.value).toBe('imap');
    expect((block('source.options~1')?.element.initial_options ?? []).map((o: { value: string }) => o.value)).toContain('tls');
    expect(block('source.login~1')?.element.initial_value).toBe('someone@fastmail.com');
    // The other side keeps what was typed.
    expect(block('destination.host~1')?.element.initial_value).toBe('127.0.0.1');
    expect(viewText(blocks)).toContain('Found IMAP imap.fastmail.com:993 (TLS) — preset Fastmail (domain fastmail.com), high confidence.');
    expect(block('source.password')?.element.initial_value).toBeUndefined();
    expect(everythingSent(slack.fake)).not.toContain('Typed-Secret-9');

    // Field errors after the update name the new blocks.
    const updated: FakeView = { ...update.body.view, id: view.id };
    // Slack's state names the blocks of the view on screen: the renamed ones after the update.
    const ids = new Set(blocks.map((b) => b.block_id));
    const state = Object.fromEntries(Object.entries(typed).map(([k, v]) => [ids.has(`${k}~1`) ? `${k}~1` : k, v]));
    const res = await slack.submit(updated, REQUESTER, { ...state, 'source.port~1': text('port?') });
    expect(res.body).toMatchObject({ response_action: 'errors', errors: { 'source.port~1': expect.stringContaining('port') } });
  });
});

describe('Cancel from the card', () => {
  it('a stranger is refused; the requester cancels: the folder in progress ends, the rest is cancelled', async () => {
    const view = await openForm(REQUESTER);
    const { update } = await submitAndWait(view, REQUESTER, formValues({ sourceUser: 'carol', sourcePassword: 'carolpass', destinationUser: 'carol', destinationPort: proxy.port }));
    const taskId = taskIdIn(viewText(update.body.view))!;
    const card = cardOf(taskId);
    await slack.tern.waitFor(taskId, (t) => t.status === 'running' && t.steps[0].copied > 0);

    await slack.click(STRANGER, card, ACTION_IDS.cancel, taskId);
    await until('the refusal', () => ephemeralsTo(STRANGER).length > 1);
    expect((await slack.tern.service.view(taskId)).cancelling).toBe(false);

    await slack.click(REQUESTER, card, ACTION_IDS.cancel, taskId);
    const final = await slack.tern.waitFor(taskId);
    expect(final.status).toBe('cancelled');
    expect(final.folders.filter((f) => f.status === 'done').length).toBeGreaterThan(0);
    expect(final.folders.some((f) => f.status === 'cancelled')).toBe(true);
    for (const f of final.folders.filter((x) => x.status === 'done')) expect(f.copied + f.alreadyPresent).toBe(f.sourceCount);
    const thread = await until('the cancelled report', () => {
      const t = threadOf(card);
      return t.some((l) => l.startsWith('Cancelled')) && t;
    });
    expect(thread.some((l) => l.includes(`Cancel asked by <@${REQUESTER}>`))).toBe(true);
    await slack.bot.cards.idle();
    const m = await until('the cancelled card', () => {
      const msg = slack.fake.message(card.channel, card.ts);
      return msg && viewText(msg.blocks).includes('Cancelled') && msg;
    });
    // In each reader's time zone (Slack's date token), UTC for clients that cannot.
    expect(viewText(m.blocks)).toMatch(new RegExp(`Cancel asked by <@${REQUESTER}> at <!date\\^\\d+\\^\\{time\\}\\|\\d\\d:\\d\\d UTC>`));
  });
});

describe('a restarted bot', () => {
  it('keeps editing the same card and thread, and posts each milestone once', async () => {
    const view = await openForm(REQUESTER);
    const { update } = await submitAndWait(view, REQUESTER, formValues({ sourceUser: 'alice', sourcePassword: 'alicepass', destinationPort: proxy.port }));
    const taskId = taskIdIn(viewText(update.body.view))!;
    const card = cardOf(taskId);
    await until('the step start in the thread', () => threadOf(card).includes('▶ E-mails started'));
    await slack.stopBot();
    // The task goes on without a bot; a new bot process picks the card up from the store.
    expect((await slack.tern.waitFor(taskId)).status).toBe('completed');
    expect(threadOf(card).some((l) => l.startsWith('Completed'))).toBe(false);
    await slack.startBot();
    const thread = await until('the final report', () => {
      const t = threadOf(card);
      return t.some((l) => l.startsWith('Completed')) && t;
    });
    expect(thread.filter((l) => l === '▶ E-mails started')).toHaveLength(1);
    expect(thread.filter((l) => l.startsWith('Completed'))).toHaveLength(1);
    await until('the completed card', () => viewText(slack.fake.message(card.channel, card.ts)?.blocks).includes('Completed'));
    const cards = slack.fake.callsTo('chat.postMessage').filter((c) => !c.body.thread_ts && viewText(c.body.blocks).includes(taskId));
    expect(cards).toHaveLength(1);
  });
});

describe('rate limits', () => {
  it('a 429 storm on chat.update: Retry-After is honoured, the migration completes, the final card is right', async () => {
    slack.fake.rateLimit('chat.update', { count: 4, retryAfterSeconds: 1 });
    const view = await openForm(REQUESTER);
    const { update } = await submitAndWait(view, REQUESTER, formValues({ sourceUser: 'alice', sourcePassword: 'alicepass', destinationUser: 'carol' }));
    const taskId = taskIdIn(viewText(update.body.view))!;
    const card = cardOf(taskId);
    expect((await slack.tern.waitFor(taskId)).status).toBe('completed');
    const m = await until('the completed card', () => {
      const msg = slack.fake.message(card.channel, card.ts);
      return msg && viewText(msg.blocks).includes('Completed') && msg;
    }, 30_000);
    expect(viewText(m.blocks)).toContain('100%');
    const updates = slack.fake.callsTo('chat.update');
    expect(updates.filter((c) => c.rateLimited).length).toBe(4);
    // After a 429 the next attempt waited at least the Retry-After second.
    const firstLimited = updates.findIndex((c) => c.rateLimited);
    const retry = updates.slice(firstLimited + 1).find((c) => c.body.ts === updates[firstLimited].body.ts);
    expect(retry!.at - updates[firstLimited].at).toBeGreaterThanOrEqual(950);
  });
});

describe('/migrate subcommands answer in ephemeral messages', () => {
  it('help, list, bad syntax, unknown and malformed IDs, a wrong source address', async () => {
    const before = ephemeralsTo(STRANGER).length;
    const tasks = await slack.tern.service.list({ id: 'admin', label: 'admin', admin: true }, { all: true });
    const someone = tasks.find((t) => t.source.includes('alice'))!;
    for (const t of ['help', 'list', 'frobnicate', 'status T-ZZZZZZZZ', 'cancel xyz', `status ${someone.id} nobody@example.com`, `status ${someone.id}`]) {
      const res = await slack.slash(STRANGER, t);
      expect(res.status).toBe(200);
    }
    const answers = await until('seven answers', () => {
      const a = ephemeralsTo(STRANGER).slice(before);
      return a.length >= 7 && a;
    });
    // Escaped for mrkdwn: Slack shows it as typed.
    expect(answers[0]).toContain('/migrate status &lt;task-id&gt; &lt;source-email&gt;');
    expect(answers[1]).toMatch(/no tasks/i);
    expect(answers[2]).toContain('Unknown subcommand "frobnicate"');
    expect(answers[3]).toMatch(/T-ZZZZZZZZ/);
    expect(answers[4]).toContain('"xyz" is not a task ID');
    expect(answers[5]).not.toContain(someone.destination);
    expect(answers[6]).toMatch(/source e-mail address/);
    // The requester sees their own tasks.
    await slack.slash(REQUESTER, 'list');
    await until('the list', () => ephemeralsTo(REQUESTER).some((l) => l.includes(someone.id)));
  });
});

describe('request authenticity', () => {
  it('a forged signature and a stale timestamp get 401, and nothing happens', async () => {
    const opens = slack.fake.callsTo('views.open').length;
    const body = new URLSearchParams({ command: '/migrate', text: '', user_id: REQUESTER, channel_id: CHANNEL, trigger_id: '1.2.3' }).toString();
    expect((await postSigned(slack.eventsUrl, 'not-the-secret', body, 'application/x-www-form-urlencoded')).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await postSigned(slack.eventsUrl, SIGNING_SECRET, body, 'application/x-www-form-urlencoded', {}, stale)).status).toBe(401);
    expect((await postSlashCommand(slack.eventsUrl, SIGNING_SECRET, { text: 'help', user_id: REQUESTER })).status).toBe(200);
    expect(slack.fake.callsTo('views.open')).toHaveLength(opens);
  });
});

describe('a .pst shared in the channel', () => {
  const pst = fs.readFileSync(path.resolve('../shared/fixtures/pst/aspose-outlook.pst'));

  it('gets one Import… offer in the file\'s thread, even when Slack retries the event', async () => {
    slack.fake.addFile({ id: 'F0PSTFILE1', name: 'aspose-outlook.pst', mimetype: 'application/vnd.ms-outlook', content: pst, sharedIn: { channel: CHANNEL, ts: '1795000000.000100' } });
    slack.fake.addFile({ id: 'F0NOTPST01', name: 'notes.txt', mimetype: 'text/plain', content: Buffer.from('hello') });
    const shared = { type: 'file_shared', file_id: 'F0PSTFILE1', user_id: REQUESTER, file: { id: 'F0PSTFILE1' }, channel_id: CHANNEL, event_ts: `${Date.now() / 1000}` };
    expect((await slack.event(shared, { eventId: 'Ev0SHARE1' })).status).toBe(200);
    expect((await slack.event(shared, { eventId: 'Ev0SHARE1', retryNum: 1 })).status).toBe(200);
    await slack.event({ type: 'file_shared', file_id: 'F0NOTPST01', user_id: REQUESTER, file: { id: 'F0NOTPST01' }, channel_id: CHANNEL, event_ts: `${Date.now() / 1000}` });
    const offer = await slack.fake.waitFor('chat.postMessage', (c) => viewText(c.body.blocks).includes(IMPORT_ACTION));
    expect(String(offer.body.text)).toContain('aspose-outlook.pst');
    expect(offer.body).toMatchObject({ channel: CHANNEL, thread_ts: '1795000000.000100' });
    expect(String(offer.body.text)).toMatch(/\d+(\.\d+)? (KB|MB|KiB|MiB)/);
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.fake.callsTo('chat.postMessage').filter((c) => viewText(c.body.blocks).includes(IMPORT_ACTION))).toHaveLength(1);
  });

  it('the event is acknowledged before the file is looked up (files.info held back by a slow Slack)', async () => {
    slack.fake.addFile({ id: 'F0PSTSLOW1', name: 'slow.pst', mimetype: 'application/vnd.ms-outlook', content: pst, sharedIn: { channel: CHANNEL, ts: '1795000000.000200' } });
    const release = slack.fake.hold('files.info');
    try {
      const shared = { type: 'file_shared', file_id: 'F0PSTSLOW1', user_id: REQUESTER, file: { id: 'F0PSTSLOW1' }, channel_id: CHANNEL, event_ts: `${Date.now() / 1000}` };
      expect((await slack.event(shared)).status).toBe(200);
      expect(slack.fake.callsTo('files.info').filter((c) => c.body.file === 'F0PSTSLOW1'), 'acknowledged while files.info was still unanswered').toHaveLength(0);
    } finally {
      release();
    }
    const offer = await slack.fake.waitFor('chat.postMessage', (c) => viewText(c.body.blocks).includes(IMPORT_ACTION) && String(c.body.text).includes('slow.pst'));
    expect(offer.body).toMatchObject({ channel: CHANNEL, thread_ts: '1795000000.000200' });
  });

  it('Import… opens the destination form; submitting imports the downloaded file as a task with its card', async () => {
    const offer = await slack.fake.waitFor('chat.postMessage', (c) => viewText(c.body.blocks).includes(IMPORT_ACTION));
    const button = (offer.body.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>).flatMap((b) => b.elements ?? []).find((e) => e.action_id === IMPORT_ACTION)!;
    await slack.click(REQUESTER, { channel: CHANNEL, ts: offer.response.ts }, IMPORT_ACTION, button.value);
    const open = await slack.fake.waitFor('views.open', (c) => c.body.view.callback_id === 'tern_import_pst');
    const view: FakeView = { ...open.body.view, id: open.response.view.id };
    expect(viewText(view.blocks)).toContain('aspose-outlook.pst');
    const values = Object.fromEntries(Object.entries(formValues({ sourceUser: 'x', sourcePassword: 'x', destinationUser: 'bob' })).filter(([k]) => !k.startsWith('source.')));
    const { update } = await submitAndWait(view, REQUESTER, values);
    // The file was fetched with the bot token, in full.
    const download = slack.fake.downloads.find((d) => d.fileId === 'F0PSTFILE1');
    expect(download).toMatchObject({ served: true, token: slack.fake.botToken });
    const shown = viewText(update.body.view);
    const taskId = taskIdIn(shown);
    expect(taskId, shown).toBeDefined();
    // The import runs like any migration, with its card and thread in the channel.
    const final = await slack.tern.waitFor(taskId!);
    expect(final.status).toBe('completed');
    expect(final.source).toBe('pst:aspose-outlook.pst');
    expect(final.steps[0]).toMatchObject({ kind: 'emails', copied: 14, failed: 0 });
    const card = cardOf(taskId!);
    await until('the import report in the thread', () => threadOf(card).some((l) => l.startsWith('Completed')));
    expect(everythingSent(slack.fake)).not.toContain('bobpass');
  });

  it('a file over TERN_MAX_UPLOAD_BYTES is refused before it is downloaded', async () => {
    slack.fake.addFile({ id: 'F0HUGEPST1', name: 'huge.pst', mimetype: 'application/vnd.ms-outlook', content: pst, size: 60 * 1024 * 1024 });
    await slack.event({ type: 'file_shared', file_id: 'F0HUGEPST1', user_id: REQUESTER, file: { id: 'F0HUGEPST1' }, channel_id: CHANNEL, event_ts: `${Date.now() / 1000}` });
    const offer = await slack.fake.waitFor('chat.postMessage', (c) => viewText(c.body.blocks).includes('F0HUGEPST1'));
    const button = (offer.body.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>).flatMap((b) => b.elements ?? []).find((e) => e.action_id === IMPORT_ACTION)!;
    await slack.click(REQUESTER, { channel: CHANNEL, ts: offer.response.ts }, IMPORT_ACTION, button.value);
    const open = await slack.fake.waitFor('views.open', (c) => viewText(c.body.view).includes('huge.pst'));
    const values = Object.fromEntries(Object.entries(formValues({ sourceUser: 'x', sourcePassword: 'x' })).filter(([k]) => !k.startsWith('source.')));
    const { update } = await submitAndWait({ ...open.body.view, id: open.response.view.id }, REQUESTER, values);
    expect(viewText(update.body.view)).toContain('TERN_MAX_UPLOAD_BYTES');
    expect(slack.fake.downloads.some((d) => d.fileId === 'F0HUGEPST1')).toBe(false);
  });

  it('downloads: an HTML sign-in page is reported, not saved; the byte limit holds while streaming', async () => {
    const dir = fs.mkdtempSync(path.join(slack.tern.env.TERN_DATA_DIR, 'dl-'));
    const file = slack.fake.addFile({ id: 'F0DLTEST01', name: 'mail.pst', mimetype: 'application/vnd.ms-outlook', content: pst });
    await expect(downloadSlackFile(file.url_private_download, 'xoxb-not-the-token', { id: 'F0DLTEST01', name: 'mail.pst' }, dir, 1e9)).rejects.toThrow(/Slack answered a web page instead of mail.pst: the app needs the files:read scope/);
    await expect(downloadSlackFile(file.url_private_download, slack.fake.botToken, { id: 'F0DLTEST01', name: 'mail.pst' }, dir, 1000)).rejects.toThrow(/TERN_MAX_UPLOAD_BYTES/);
    expect(fs.readdirSync(dir)).toEqual([]);
    const saved = await downloadSlackFile(file.url_private_download, slack.fake.botToken, { id: 'F0DLTEST01', name: 'mail.pst' }, dir, 1e9);
    expect(fs.readFileSync(saved).equals(pst)).toBe(true);
    expect(fs.statSync(saved).mode & 0o777).toBe(0o600);
  });
});

describe('Microsoft Exchange from the form', () => {
  let exchange: FakeEws;
  beforeAll(async () => {
    exchange = await startFakeEws({ users: { 'ivy@ex.test': 'ivy-ex-pw', 'jon@ex.test': 'jon-ex-pw' } });
    const ivy = exchange.mailbox('ivy@ex.test');
    ivy.addMessage('Inbox', makeMessage({ subject: 'From Exchange' }), { isRead: true });
    ivy.addItem('Contacts', '<t:Contact><t:DisplayName>Kim Partner</t:DisplayName><t:EmailAddresses><t:Entry Key="EmailAddress1">kim@partner.test</t:Entry></t:EmailAddresses></t:Contact>');
  });
  afterAll(async () => {
    await exchange?.close();
    expect(exchange?.schemaErrors ?? []).toEqual([]);
    expect(exchange?.internalErrors ?? []).toEqual([]);
  });

  it('the Exchange server type takes the EWS URL; e-mails and contacts move; the card and thread end completed', async () => {
    const view = await openForm(REQUESTER);
    const values: Record<string, StateValue> = {
      ...formValues({ sourceUser: 'x', sourcePassword: 'x', items: ['emails', 'contacts'] }),
      'source.type': select('exchange'),
      'source.login': text('ivy@ex.test'),
      'source.password': text('ivy-ex-pw'),
      'source.host': text(`http://127.0.0.1:${exchange.port}/EWS/Exchange.asmx`),
      'source.port': text(null),
      'destination.type': select('exchange'),
      'destination.login': text('jon@ex.test'),
      'destination.password': text('jon-ex-pw'),
      'destination.host': text(`http://127.0.0.1:${exchange.port}/EWS/Exchange.asmx`),
      'destination.port': text(null),
    };
    const { update } = await submitAndWait(view, REQUESTER, values);
    const taskId = taskIdIn(viewText(update.body.view))!;
    expect(taskId, viewText(update.body.view)).toBeDefined();
    const card = cardOf(taskId);
    const done = await slack.tern.waitFor(taskId);
    expect(done.status).toBe('completed');
    expect(done.source).toBe(`ews+http://ivy%40ex.test@127.0.0.1:${exchange.port}/EWS/Exchange.asmx`);
    const thread = await until('the final report', () => {
      const t = threadOf(card);
      return t.some((l) => l.startsWith('Completed')) && t;
    });
    expect(thread.join('\n')).toContain('Contacts done: 1 copied');
    expect(exchange.mailbox('jon@ex.test').items('Contacts')).toHaveLength(1);
    expect(exchange.mailbox('jon@ex.test').items('Inbox')).toHaveLength(1);
    expect(everythingSent(slack.fake)).not.toContain('ex-pw');
  });
});

describe('secrets', () => {
  it('no password typed into a form ever went back to Slack', () => {
    const sent = everythingSent(slack.fake);
    for (const secret of ['alicepass', 'bobpass', 'carolpass', WRONG_PASSWORD, 'ivy-ex-pw', 'jon-ex-pw']) expect(sent).not.toContain(secret);
  });
});
