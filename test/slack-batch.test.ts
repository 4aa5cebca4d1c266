// A CSV shared in Slack: the real Bolt app behind its HTTP receiver, the Slack stand-in, real
// Dovecot and Redis. The thread offers Check rows / Queue batch; the batch card shows the counts
// and takes Cancel all / Roll back all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { account } from './support/tern';
import { makeMessage, seedMessage, withImap } from './support/mailbox';
import { CHANNEL, select, startSlackHarness, text, type FakeView, type SlackHarness } from './support/slack-harness';
import { BATCH_ACTIONS } from '../adapters/slack/render-batch';
import { until } from './support/until';

const REQUESTER = 'U0BATCHER';
const STRANGER = 'U0STRANGER';
let dovecot: DovecotServer;
let redis: TestRedis;
let slack: SlackHarness;

beforeAll(async () => {
  [dovecot, redis] = await Promise.all([startDovecot('slash'), startRedis()]);
  for (const u of ['bs1', 'bs2', 'bd1', 'bd2']) await dovecot.addUser(u, `${u}pass`);
  for (const u of ['bs1', 'bs2']) for (let i = 0; i < 2; i++) await seedMessage(account(dovecot, u), 'INBOX', makeMessage({ subject: `${u} ${i}` }));
  slack = await startSlackHarness(redis.url, { TERN_PW_BS1: 'bs1pass', TERN_PW_BS2: 'bs2pass', TERN_PW_BD: 'bd1pass', TERN_PW_BD2: 'bd2pass' });
}, 120_000);
afterAll(async () => {
  await slack?.close();
  await Promise.all([dovecot?.stop(), redis?.stop()]);
});

const blockText = (blocks: unknown) => JSON.stringify(blocks ?? []);
const buttonsOf = (blocks: unknown) => (blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>).flatMap((b) => b.elements ?? []);

describe('a batch CSV shared in Slack', () => {
  it('is checked row by row, queued as one batch with a live card, one task rolled back by ID and the rest with Roll back all', async () => {
    const url = (u: string) => `imap://${u}@127.0.0.1:${dovecot.imapPort}`;
    const csv = ['source,destination,source_password,destination_password', `${url('bs1')},${url('bd1')},env:TERN_PW_BS1,env:TERN_PW_BD`, `${url('bs2')},${url('bd2')},env:TERN_PW_BS2,env:TERN_PW_BD2`, `${url('bs2')},${url('bd1')},hunter2,env:TERN_PW_BD`].join('\n');
    slack.fake.addFile({ id: 'F0BATCHCSV', name: 'move.csv', mimetype: 'text/csv', content: Buffer.from(csv), sharedIn: { channel: CHANNEL, ts: '1795000000.000200' } });
    await slack.event({ type: 'file_shared', file_id: 'F0BATCHCSV', user_id: REQUESTER, file: { id: 'F0BATCHCSV' }, channel_id: CHANNEL, event_ts: `${Date.now() / 1000}` });
    const offer = await slack.fake.waitFor('chat.postMessage', (c) => blockText(c.body.blocks).includes(BATCH_ACTIONS.run));
    expect(offer.body).toMatchObject({ channel: CHANNEL, thread_ts: '1795000000.000200' });
    const value = buttonsOf(offer.body.blocks).find((b) => b.action_id === BATCH_ACTIONS.check)!.value;

    await slack.click(REQUESTER, { channel: CHANNEL, ts: offer.response.ts }, BATCH_ACTIONS.check, value);
    await until('the dry run answer', () => slack.privateTo(REQUESTER).some((t) => t.startsWith('Checked move.csv')));
    const checked = slack.privateTo(REQUESTER).find((t) => t.startsWith('Checked move.csv'))!;
    expect(checked).toContain('2 row(s) would be queued, 1 refused. Nothing was queued.');
    expect(checked).toMatch(/line 4, column source_password: source_password must be a reference/);
    expect(checked).not.toContain('hunter2');
    expect(await slack.tern.service.list(slack.tern.actor, { all: true })).toEqual([]);

    await slack.click(REQUESTER, { channel: CHANNEL, ts: offer.response.ts }, BATCH_ACTIONS.run, value);
    const card = await slack.fake.waitFor('chat.postMessage', (c) => String(c.body.text).startsWith('Batch B-'), 30_000);
    expect(card.body).toMatchObject({ channel: CHANNEL, thread_ts: '1795000000.000200' });
    expect(blockText(card.body.blocks)).toContain('Not queued: line 4, column source_password');
    const batchId = /Batch (B-[0-9A-Z]{8})/.exec(String(card.body.text))![1];
    const tasks = (await slack.tern.service.batches.summary(batchId)).tasks;
    expect(tasks.map((t) => t.line)).toEqual([2, 3]);
    for (const t of tasks) await slack.tern.waitFor(t.id);

    // No click on the card: it follows its tasks by itself, and its last edit shows the batch ended.
    const cardNow = () => slack.fake.messages.get(`${CHANNEL}:${card.response.ts}`)!;
    await until('the card showing the batch ended', () => cardNow().edits > 0 && String(cardNow().text).endsWith('· ended'));
    await slack.bot.batchCards.idle();
    const last = cardNow();
    expect(blockText(last.blocks)).toContain('2 tasks: 2 completed');
    expect(blockText(last.blocks)).toContain('4 items copied');
    expect(blockText(last.blocks)).toContain('Not queued: line 4, column source_password');
    expect(buttonsOf(last.blocks).map((b) => b.action_id)).toEqual([BATCH_ACTIONS.rollback, BATCH_ACTIONS.task, BATCH_ACTIONS.refresh]);
    expect(slack.fake.calls.filter((c) => c.method === 'chat.update' && c.body.ts === card.response.ts).length).toBe(last.edits);

    // Refresh redraws the card in place; someone else may not roll it back.
    const edits = last.edits;
    await slack.click(REQUESTER, { channel: CHANNEL, ts: card.response.ts }, BATCH_ACTIONS.refresh, batchId);
    await until('the refreshed card', () => cardNow().edits > edits);
    expect(blockText(cardNow().blocks)).toContain('2 tasks: 2 completed');
    await slack.click(STRANGER, { channel: CHANNEL, ts: card.response.ts }, BATCH_ACTIONS.rollback, batchId);
    await until('the refusal', () => slack.privateTo(STRANGER).some((t) => t.includes(`Only the person who started ${batchId}`)));

    // One task…: the first task rolled back by its ID (an ID from elsewhere is refused on the field); the other stays.
    const oneTask = async (task: string) => {
      const before = slack.fake.callsTo('views.open').length;
      await slack.click(REQUESTER, { channel: CHANNEL, ts: card.response.ts }, BATCH_ACTIONS.task, batchId);
      const opened = await slack.fake.waitFor('views.open', () => slack.fake.callsTo('views.open').length > before);
      const view = { ...(opened.body.view as FakeView), id: opened.response.view.id };
      expect(view.private_metadata).toBe(batchId);
      return (await slack.submit(view, REQUESTER, { task: text(task), action: select('rollback') })).body;
    };
    expect(await oneTask('T-00000000')).toEqual({ response_action: 'errors', errors: { task: expect.stringContaining(`"T-00000000" is not a task of ${batchId}`) } });
    expect(JSON.stringify(await oneTask(tasks[0].id))).toContain(`Rolling back ${tasks[0].id} of ${batchId}`);
    await slack.tern.waitFor(tasks[0].id, (x) => x.status === 'rolled_back');
    expect(await withImap(account(dovecot, 'bd1'), async (c) => (await c.mailboxOpen('INBOX', { readOnly: true })).exists)).toBe(0);
    expect(await withImap(account(dovecot, 'bd2'), async (c) => (await c.mailboxOpen('INBOX', { readOnly: true })).exists)).toBe(2);
    await until('the card counting the rolled-back task', () => blockText(cardNow().blocks).includes('1 rolled back'));

    await slack.click(REQUESTER, { channel: CHANNEL, ts: card.response.ts }, BATCH_ACTIONS.rollback, batchId);
    for (const t of tasks) await slack.tern.waitFor(t.id, (x) => x.status === 'rolled_back');
    for (const u of ['bd1', 'bd2']) expect(await withImap(account(dovecot, u), async (c) => (await c.mailboxOpen('INBOX', { readOnly: true })).exists)).toBe(0);
  }, 180_000);
});
