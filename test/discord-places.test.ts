// Where people really type /migrate in Discord: a channel where the bot may not post, and a DM
// with the bot. The real discord.js Client against the Discord stand-in, real Dovecot and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { startDns, type TestDns } from './support/dns-server';
import { startTern, type TestTern } from './support/tern';
import { APP_ID, DM_CHANNEL, VIEW_ONLY_PERMISSIONS, buttonInteraction, modalInteraction, nextId, slashInteraction, startFakeDiscord, type DiscordCall, type FakeDiscord, type InteractionPlace } from './fakes/discord';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { createDiscordBot, type DiscordBot } from '../adapters/discord/app';
import { COMMANDS } from '../adapters/discord/definitions';

const USER = '930000000000000001';
const LOCKED = '930000000000000099';

let dovecot: DovecotServer;
let redis: TestRedis;
let fake: FakeDiscord;
let tern: TestTern;
let bot: DiscordBot;
let dns: TestDns;

beforeAll(async () => {
  [dovecot, redis, fake, dns] = await Promise.all([startDovecot('slash'), startRedis(), startFakeDiscord(), startDns()]);
  tern = await startTern(redis.url, { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.api, TERN_DNS_SERVERS: dns.address });
  const config = loadConfig(tern.env);
  bot = createDiscordBot({ ...config, discord: config.discord! }, tern.service, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false }), { editIntervalMs: 100 });
  await bot.start();
  await tern.startWorker();
});

afterAll(async () => {
  await bot?.stop();
  await tern?.close();
  await Promise.all([dovecot?.stop(), redis?.stop(), fake?.close(), dns?.close()]);
});

const json = (v: unknown) => JSON.stringify(v) ?? '';
const taskIdIn = (s: string) => /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(s)?.[0];
const customIds = (components: any[]): string[] => components.flatMap((r) => (r.components ?? []).map((c: any) => c.custom_id));

async function interact(interaction: any): Promise<DiscordCall> {
  fake.dispatchInteraction(interaction);
  return fake.waitFor(`the answer to ${interaction.data.custom_id ?? interaction.data.name}`, () => fake.callsTo('POST', new RegExp(`^/interactions/${interaction.id}/`))[0]);
}

const messageOf = (call: DiscordCall) => ({ ...fake.payload({ id: nextId(), channel_id: DM_CHANNEL, content: call.body.data?.content ?? '', embeds: [], components: call.body.data?.components ?? [], edits: 0 }), flags: 64 });
const account = (login: string) => ({ type: ['imap'], login, password: `${login}pass`, host: '127.0.0.1', port: `${dovecot.imapPort}+plain` });

/** The whole form from /migrate start to Start; returns the created task's ID. */
async function migrate(place: InteractionPlace): Promise<string> {
  const opened = await interact(slashInteraction(USER, 'start', [], place));
  expect(opened.body.type, json(opened.body)).toBe(9);
  const formId = opened.body.data.custom_id.split(':')[2];
  const afterSource = await interact(modalInteraction(USER, opened.body.data.custom_id, account('alice'), [], undefined, place));
  const openDest = await interact(buttonInteraction(USER, customIds(afterSource.body.data.components)[0], messageOf(afterSource), [], place));
  const afterDest = await interact(modalInteraction(USER, openDest.body.data.custom_id, account('bob'), [], messageOf(afterSource), place));
  const openItems = await interact(buttonInteraction(USER, customIds(afterDest.body.data.components)[0], messageOf(afterDest), [], place));
  const confirm = await interact(modalInteraction(USER, openItems.body.data.custom_id, { items: ['emails'], notify: '' }, [], messageOf(afterDest), place));
  const before = fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/).length;
  await interact(buttonInteraction(USER, `tern:form:${formId}:start`, messageOf(confirm), [], place));
  const created = await fake.waitFor('the created task', () => fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/)[before], 30_000);
  return taskIdIn(created.body.content)!;
}

describe('intents', () => {
  it('the bot asks for no privileged intent (MessageContent) unless DISCORD_READ_MESSAGES needs it', () => {
    expect(fake.identifies.length).toBeGreaterThan(0);
    for (const d of fake.identifies) expect(d.intents & (1 << 15), 'MessageContent').toBe(0);
  });
});

describe('a channel where the bot may not post', () => {
  it('/migrate start says which permissions are missing and what to do; no form, no task', async () => {
    fake.denied.add(LOCKED);
    const tasks = (await tern.service.list({ id: `discord:${USER}`, label: '', admin: false })).length;
    const answer = await interact(slashInteraction(USER, 'start', [], { channel: LOCKED, appPermissions: VIEW_ONLY_PERMISSIONS }));
    expect(answer.body.type).toBe(4);
    expect(answer.body.data.flags).toBe(64);
    expect(answer.body.data.content).toContain('Tern cannot post in this channel (it lacks Send Messages, Embed Links, Create Public Threads, Send Messages in Threads)');
    expect(await tern.service.list({ id: `discord:${USER}`, label: '', admin: false })).toHaveLength(tasks);
  });
});

describe('a DM with the bot', () => {
  it('the command is offered in DMs', () => {
    expect(COMMANDS[0]).toMatchObject({ contexts: [0, 1] });
  });

  it('the whole flow: form, card in the DM, replies answering the card, buttons, a private help', async () => {
    const help = await interact(slashInteraction(USER, 'help', [], { dm: true }));
    expect(help.body.data).toMatchObject({ flags: 64, content: expect.stringContaining('/migrate start') });
    const taskId = await migrate({ dm: true });
    expect(taskId).toBeDefined();
    const card = await fake.waitFor('the card in the DM', () => [...fake.messages.values()].find((m) => m.channel_id === DM_CHANNEL && json(m.embeds).includes(taskId)));
    expect((await tern.waitFor(taskId)).status).toBe('completed');
    const replies = () => fake.callsTo('POST', new RegExp(`^/channels/${DM_CHANNEL}/messages$`)).filter((c) => c.body.message_reference?.message_id === card.id);
    const report = await fake.waitFor('the final report answering the card', () => replies().find((c) => String(c.body.content).startsWith('Completed')));
    expect(report.body.content).toContain(`<@${USER}>`);
    expect(replies().some((c) => c.body.content === '▶ E-mails started')).toBe(true);
    // Retry (here a delta pass of a completed task): a private answer, the same task runs again.
    const retried = await interact(buttonInteraction(USER, `tern:retry:${taskId}`, fake.payload(card), [], { dm: true }));
    expect(retried.body.data).toMatchObject({ flags: 64, content: expect.stringContaining(`Retrying ${taskId}: what failed is tried again (pass 2)`) });
    expect(await tern.waitFor(taskId)).toMatchObject({ status: 'completed', pass: 2 });
    const question = await interact(buttonInteraction(USER, `tern:rollback:${taskId}`, fake.payload(card), [], { dm: true }));
    expect(customIds(question.body.data.components)).toEqual([`tern:rollback-yes:${taskId}`]);
    await interact(buttonInteraction(USER, `tern:rollback-yes:${taskId}`, messageOf(question), [], { dm: true }));
    await tern.waitFor(taskId, (t) => t.status === 'rolled_back');
  });
});

describe('bad input on buttons: one private sentence, nothing changed', () => {
  it('an unknown task ID, a malformed one, a click on a finished task', async () => {
    const msg = fake.payload({ id: nextId(), channel_id: DM_CHANNEL, content: '', embeds: [], components: [], edits: 0 });
    const unknown = await interact(buttonInteraction(USER, 'tern:cancel:T-ZZZZZZZZ', msg, [], { dm: true }));
    expect(unknown.body).toMatchObject({ type: 4, data: { flags: 64, content: 'There is no task T-ZZZZZZZZ. Check the ID: `/migrate list` in chat or `tern list` in a terminal shows yours.' } });
    const garbage = await interact(buttonInteraction(USER, 'tern:refresh:garbage', msg, [], { dm: true }));
    expect(garbage.body.data).toMatchObject({ flags: 64, content: '"garbage" is not a task ID: task IDs look like T-7K3M9QXA.' });
    const [done] = (await tern.service.list({ id: `discord:${USER}`, label: '', admin: false })).filter((t) => t.status === 'rolled_back');
    const late = await interact(buttonInteraction(USER, `tern:cancel:${done.id}`, msg, [], { dm: true }));
    expect(late.body.data).toMatchObject({ flags: 64, content: `${done.id} has already ended (rolled back); there is nothing to cancel.` });
    expect((await tern.service.view(done.id)).status).toBe('rolled_back');
  });
});

describe('my tasks: /migrate list', () => {
  it('lists the person\'s recent tasks with state, counts and the buttons that apply', async () => {
    const mine = await tern.service.list({ id: `discord:${USER}`, label: '', admin: false });
    const list = await interact(slashInteraction(USER, 'list', [], { dm: true }));
    expect(list.body.data.flags).toBe(64);
    for (const t of mine) expect(list.body.data.content).toContain(t.id);
    expect(list.body.data.content).toMatch(/Rolled back · \d+% · \d+\/\d+ items · <t:\d+:R>/);
    const ids = customIds(list.body.data.components);
    expect(ids).toContain(`tern:refresh:${mine[0].id}`);
    expect(ids).not.toContain(`tern:cancel:${mine[0].id}`);
  });
});

describe('answer in time', () => {
  it('autodetection behind a slow DNS: the form step is deferred within Discord\'s 3 s, then the confirm view arrives', async () => {
    dns.slow(3_500);
    try {
      const opened = await interact(slashInteraction(USER, 'start', [], { dm: true }));
      const afterSource = await interact(modalInteraction(USER, opened.body.data.custom_id, { type: ['auto'], login: 'someone@slow-dns.test', password: 'x', host: '', port: '' }, [], undefined, { dm: true }));
      const openDest = await interact(buttonInteraction(USER, customIds(afterSource.body.data.components)[0], messageOf(afterSource), [], { dm: true }));
      const afterDest = await interact(modalInteraction(USER, openDest.body.data.custom_id, account('bob'), [], messageOf(afterSource), { dm: true }));
      const openItems = await interact(buttonInteraction(USER, customIds(afterDest.body.data.components)[0], messageOf(afterDest), [], { dm: true }));
      const before = fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/).length;
      const items = modalInteraction(USER, openItems.body.data.custom_id, { items: ['emails'], notify: '' }, [], messageOf(afterDest), { dm: true });
      const ack = await interact(items);
      expect(ack.response?.code, 'answered within the window').toBeUndefined();
      expect(ack.body.type).toBe(6);
      const confirm = await fake.waitFor('the confirm view', () => fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/)[before], 60_000);
      expect(confirm.body.content).toContain('**Source detected:**');
    } finally {
      dns.slow(0);
    }
  });
});
