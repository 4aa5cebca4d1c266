// A batch CSV in Discord: the real discord.js Client logged in to the Discord stand-in, the real
// service, queue and worker, real Dovecot and Redis. /migrate batch with the CSV attached checks
// every row privately (refusals by line and column), Start queues the good rows as one batch and
// posts its card, which follows the tasks by itself to the end; one task is cancelled and another
// rolled back by ID from the card, then the rest with Roll back all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { account, startTern, type TestTern } from './support/tern';
import { makeMessage, seedMessage, withImap } from './support/mailbox';
import { until } from './support/until';
import { APP_ID, BOT_ID, CHANNEL, buttonInteraction, modalInteraction, nextId, slashInteraction, startFakeDiscord, type DiscordCall, type FakeDiscord } from './fakes/discord';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { createDiscordBot, type DiscordBot } from '../adapters/discord/app';

const REQUESTER = '910000000000000011';
const STRANGER = '910000000000000012';

let dovecot: DovecotServer;
let redis: TestRedis;
let fake: FakeDiscord;
let tern: TestTern;
let bot: DiscordBot;
let newBot: () => DiscordBot;

beforeAll(async () => {
  [dovecot, redis, fake] = await Promise.all([startDovecot('slash'), startRedis(), startFakeDiscord()]);
  for (const u of ['s1', 's2', 's3', 'd1', 'd2', 'd3']) await dovecot.addUser(u, `${u}pass`);
  for (const u of ['s1', 's2', 's3']) for (let i = 0; i < 2; i++) await seedMessage(account(dovecot, u), 'INBOX', makeMessage({ subject: `${u} ${i}`, messageId: `<${u}.${i}@discord-batch.test>` }));
  const secrets = Object.fromEntries(['s1', 's2', 's3', 'd1', 'd2', 'd3'].map((u) => [`TERN_PW_${u.toUpperCase()}`, `${u}pass`]));
  tern = await startTern(redis.url, { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.api, DISCORD_READ_MESSAGES: '1', ...secrets });
  const config = loadConfig(tern.env);
  newBot = () => createDiscordBot({ ...config, discord: config.discord! }, tern.service, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false }), { editIntervalMs: 150 });
  bot = newBot();
  await bot.start();
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await tern?.close();
  await Promise.all([dovecot?.stop(), redis?.stop(), fake?.close()]);
});

const json = (v: unknown) => JSON.stringify(v) ?? '';
const customIds = (components: any[]): string[] => components.flatMap((r) => (r.components ?? []).map((c: any) => c.custom_id));
const countIn = (u: string) => withImap(account(dovecot, u), async (c) => (await c.mailboxOpen('INBOX', { readOnly: true })).exists);

/** Dispatches an interaction and returns the callback the bot answered it with. */
async function interact(interaction: any): Promise<DiscordCall> {
  fake.dispatchInteraction(interaction);
  return fake.waitFor(`the answer to ${interaction.data.custom_id ?? interaction.data.name}`, () => fake.callsTo('POST', new RegExp(`^/interactions/${interaction.id}/`))[0]);
}

/** The n-th edit of a deferred answer (its "@original" message), for the interaction's token. */
const originalEdit = (interaction: any, n = 0) => fake.waitFor('the deferred answer', () => fake.callsTo('PATCH', new RegExp(`^/webhooks/${APP_ID}/${interaction.token}/messages/@original$`))[n], 60_000);

/** A private message of the bot as Discord would include it in a click on it. */
const ephemeral = (body: any) => ({ ...fake.payload({ id: nextId(), channel_id: CHANNEL, content: body.content ?? '', embeds: [], components: body.components ?? [], edits: 0 }), flags: 64 });

describe('/migrate batch with a CSV attached', () => {
  it('checks every row, queues the good ones on Start, keeps the card live across a bot restart, acts on one task by ID and rolls back the rest', async () => {
    const url = (u: string) => `imap://${u}@127.0.0.1:${dovecot.imapPort}`;
    const row = (s: string, d: string, sp = `env:TERN_PW_${s.toUpperCase()}`) => `${url(s)},${url(d)},${sp},env:TERN_PW_${d.toUpperCase()}`;
    const csv = ['source,destination,source_password,destination_password', row('s1', 'd1'), row('s2', 'd2'), row('s3', 'd3'), row('s3', 'd1', 'hunter2'), row('s2', 'd3', 'env:TERN_PW_MISSING')].join('\n');
    fake.files.set('move.csv', Buffer.from(csv));
    const attId = nextId();
    const fileUrl = `${fake.origin}/cdn/move.csv`;
    const command = slashInteraction(REQUESTER, 'batch', [{ name: 'file', type: 11, value: attId }], { resolved: { attachments: { [attId]: { id: attId, filename: 'move.csv', size: csv.length, url: fileUrl, proxy_url: fileUrl, content_type: 'text/csv' } } } });
    const ack = await interact(command);
    expect(ack.body).toMatchObject({ type: 5, data: { flags: 64 } }); // deferred, private: the logins take longer than 3 s

    // The check: counts, each refusal by line and column, Start / Cancel; nothing queued yet.
    const checked = (await originalEdit(command)).body;
    expect(checked.content).toContain('**move.csv** checked: 3 rows can be queued, 2 refused. Nothing is queued before Start.');
    expect(checked.content).toMatch(/line 5, column source\\_password: source\\_password must be a reference/);
    expect(checked.content).toContain('line 6, column source\\_password: The environment variable TERN\\_PW\\_MISSING is not set');
    const [startId, dropId] = customIds(checked.components);
    expect(startId).toMatch(/^tern:batch:start:/);
    expect(dropId).toMatch(/^tern:batch:drop:/);
    expect(await tern.service.list(tern.actor, { all: true })).toEqual([]);

    // Someone else cannot start another person's check.
    const theirs = await interact(buttonInteraction(STRANGER, startId, ephemeral(checked)));
    expect(theirs.body.data.content).toContain('This check has expired (15 minutes) or is not yours');

    // Start: one batch, its card posted in the channel.
    const start = buttonInteraction(REQUESTER, startId, ephemeral(checked));
    expect((await interact(start)).body.type).toBe(6);
    const queued = (await originalEdit(start)).body;
    const batchId = /Batch \*\*`(B-[0-9A-Z]{8})`\*\* queued: 3 tasks, 2 rows not queued/.exec(queued.content)?.[1];
    expect(batchId, queued.content).toBeDefined();
    const post = await fake.waitFor('the batch card', () => fake.callsTo('POST', new RegExp(`^/channels/${CHANNEL}/messages$`)).find((c) => json(c.body.embeds).includes(batchId!)));
    const cardId = post.response.id as string;
    const card = () => fake.messages.get(cardId)!;
    expect(card().embeds[0].title).toBe(`Batch ${batchId} · move.csv`);
    expect(card().embeds[0].description).toContain('3 tasks: 3 queued');
    expect(card().embeds[0].description).toContain('Not queued: line 5, column source\\_password');
    expect(customIds(card().components)).toEqual([`tern:batch:cancel:${batchId}`, `tern:batch:task:${batchId}`, `tern:batch:refresh:${batchId}`]);
    const tasks = (await tern.service.batches.summary(batchId!)).tasks;
    expect(tasks.map((t) => t.line)).toEqual([2, 3, 4]);
    const [t1, t2, t3] = tasks.map((t) => t.id);

    // One task…: the third is cancelled by its ID before any worker takes it; an ID not in the batch is refused.
    const oneTask = async (user: string, task: string, action: 'cancel' | 'rollback') => {
      const opened = await interact(buttonInteraction(user, `tern:batch:task:${batchId}`, fake.payload(card())));
      expect(opened.body).toMatchObject({ type: 9, data: { custom_id: `tern:batch:task-modal:${batchId}` } });
      return (await interact(modalInteraction(user, `tern:batch:task-modal:${batchId}`, { task, action: [action] }))).body.data.content as string;
    };
    expect(await oneTask(REQUESTER, 'T-00000000', 'cancel')).toContain(`"T-00000000" is not a task of ${batchId}`);
    expect(await oneTask(REQUESTER, t3.toLowerCase(), 'cancel')).toBe(`Cancel asked for ${t3} of ${batchId}.`);
    expect((await tern.waitFor(t3)).status).toBe('cancelled');

    // The bot restarts (a new process would know nothing of the card but what is kept in Redis);
    // the worker runs the other two; the card follows them without any click and ends on the final state.
    await bot.stop();
    bot = newBot();
    await bot.start();
    await tern.startWorker();
    for (const t of [t1, t2]) expect((await tern.waitFor(t)).status).toBe('completed');
    await until('the card showing the batch ended', () => card().embeds[0].title.endsWith('· ended'));
    await bot.batchCards.idle();
    expect(card().embeds[0].description).toMatch(/^3 tasks: (2 completed · 1 cancelled|1 cancelled · 2 completed)\n4 items copied/);
    expect(customIds(card().components)).toEqual([`tern:batch:rollback:${batchId}`, `tern:batch:task:${batchId}`, `tern:batch:refresh:${batchId}`]);
    expect(await countIn('d1')).toBe(2);
    expect(await countIn('d2')).toBe(2);
    expect(await countIn('d3')).toBe(0);

    // A stranger may neither act on one task nor roll back all.
    expect(await oneTask(STRANGER, t1, 'rollback')).toContain(`Only the person who started ${t1}`);
    const refused = await interact(buttonInteraction(STRANGER, `tern:batch:rollback:${batchId}`, fake.payload(card())));
    expect(refused.body.data.content).toBe(`Only the person who started ${batchId} or an admin can roll it back.`);

    // One task rolled back by ID: only its copies go.
    expect(await oneTask(REQUESTER, t1, 'rollback')).toBe(`Rolling back ${t1} of ${batchId}: what it created at the destination is being removed.`);
    expect((await tern.waitFor(t1, (t) => t.status === 'rolled_back')).status).toBe('rolled_back');
    expect(await countIn('d1')).toBe(0);
    expect(await countIn('d2')).toBe(2);

    // Roll back all asks first, then rolls back every ended task left.
    const question = await interact(buttonInteraction(REQUESTER, `tern:batch:rollback:${batchId}`, fake.payload(card())));
    expect(customIds(question.body.data.components)).toEqual([`tern:batch:rollback-yes:${batchId}`]);
    const yes = await interact(buttonInteraction(REQUESTER, `tern:batch:rollback-yes:${batchId}`, ephemeral(question.body.data)));
    expect(yes.body.data.content).toBe(`Rolling back 2 tasks of ${batchId}: what they created is being removed.`);
    for (const t of [t2, t3]) await tern.waitFor(t, (x) => x.status === 'rolled_back');
    expect(await countIn('d2')).toBe(0);
    await until('the card showing every task rolled back', () => card().embeds[0].description.startsWith('3 tasks: 3 rolled back'));
    expect(json(fake.calls.map((c) => c.body))).not.toMatch(/hunter2|s1pass|d1pass/);
  }, 240_000);

  it('a .csv in a message that mentions the bot gets Check rows…, which checks it as /migrate batch does', async () => {
    const csv = ['source,destination,source_password,destination_password', `imap://s1@127.0.0.1:${dovecot.imapPort},imap://d2@127.0.0.1:${dovecot.imapPort},env:TERN_PW_S1,env:TERN_PW_D2`].join('\n');
    fake.files.set('team.csv', Buffer.from(csv));
    const posted = fake.postUserMessage(REQUESTER, `<@${BOT_ID}> the team's moves`, [{ filename: 'team.csv', size: csv.length, url: `${fake.origin}/cdn/team.csv`, content_type: 'text/csv' }]);
    const offer = await fake.waitFor('the offer', () => fake.callsTo('POST', new RegExp(`^/channels/${CHANNEL}/messages$`)).find((c) => c.body.message_reference?.message_id === posted.id));
    expect(offer.body.content).toBe('team.csv can be run as a batch of migrations, one per row: run `/migrate batch` with it, or press Check rows….');
    const [checkId] = customIds(offer.body.components);
    expect(checkId).toBe(`tern:batch:check-message:${CHANNEL}-${posted.id}`);
    const click = buttonInteraction(REQUESTER, checkId, fake.payload(fake.messages.get(offer.response.id)!));
    expect((await interact(click)).body).toMatchObject({ type: 5, data: { flags: 64 } });
    const checked = (await originalEdit(click)).body;
    expect(checked.content).toContain('**team.csv** checked: 1 row can be queued, 0 refused. Nothing is queued before Start.');
    expect(customIds(checked.components)[0]).toMatch(/^tern:batch:start:/);
  });

  it('refuses a file that is not a .csv, and says why a whole file cannot be read', async () => {
    const attId = nextId();
    const notCsv = await interact(slashInteraction(REQUESTER, 'batch', [{ name: 'file', type: 11, value: attId }], { resolved: { attachments: { [attId]: { id: attId, filename: 'move.xlsx', size: 5, url: `${fake.origin}/cdn/move.xlsx`, proxy_url: '', content_type: 'application/octet-stream' } } } }));
    expect(notCsv.body.data.content).toMatch(/^move\.xlsx is not a \.csv file/);

    fake.files.set('bad.csv', Buffer.from('source,dest\na,b\n'));
    const badId = nextId();
    const bad = slashInteraction(REQUESTER, 'batch', [{ name: 'file', type: 11, value: badId }], { resolved: { attachments: { [badId]: { id: badId, filename: 'bad.csv', size: 16, url: `${fake.origin}/cdn/bad.csv`, proxy_url: '', content_type: 'text/csv' } } } });
    expect((await interact(bad)).body.type).toBe(5);
    const said = (await originalEdit(bad)).body;
    expect(said.content).toBe('Line 1: unknown column "dest". The columns are source, destination, items, notify, source\\_password, destination\\_password (source and destination required).');
    expect(said.components).toEqual([]);
  });
});
