// Discord end to end: the real discord.js Client logged in to the fake Discord (REST + gateway),
// the real service, queue and worker, real Dovecot and Redis. Interactions arrive as gateway
// dispatches, exactly as Discord sends them; every answer is read back from the fake's REST log.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { startRedis, type TestRedis } from './support/redis';
import { contentView, makeMessage, seedMessage, snapshotMailbox, type MailboxSnapshot } from './support/mailbox';
import { account, startTern, type TestTern } from './support/tern';
import { startLatencyProxy, type LatencyProxy } from './support/latency-proxy';
import { ADMIN_ROLE, APP_ID, CHANNEL, GUILD, buttonInteraction, modalInteraction, nextId, slashInteraction, startFakeDiscord, type DiscordCall, type FakeDiscord } from './fakes/discord';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { createDiscordBot, registerCommands, type DiscordBot } from '../adapters/discord/app';

const REQUESTER = '910000000000000001';
const STRANGER = '910000000000000002';
const ADMIN = '910000000000000003';
const WRONG = 'Wr0ng-Discord-Pw';

let slash: DovecotServer;
let dotted: DovecotServer;
let redis: TestRedis;
let fake: FakeDiscord;
let tern: TestTern;
let bot: DiscordBot;
let proxy: LatencyProxy;
let bobBefore: MailboxSnapshot;

const day = (n: number) => new Date(Date.UTC(2024, 6, n, 10, 0, 0));

beforeAll(async () => {
  [slash, dotted, redis, fake] = await Promise.all([startDovecot('slash'), startDovecot('dot-inbox-prefix'), startRedis(), startFakeDiscord()]);
  // One lane: folders go one after the other, so a cancel always finds some not started.
  tern = await startTern(redis.url, { TERN_CONNECTIONS_PER_ACCOUNT: '1', DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.api, DISCORD_ADMIN_ROLES: ADMIN_ROLE });
  const config = loadConfig(tern.env);
  bot = createDiscordBot({ ...config, discord: config.discord! }, tern.service, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false }), { editIntervalMs: 150 });
  await bot.start();
  await tern.startWorker();
  const alice = account(slash, 'alice');
  for (const [folder, n] of [['INBOX', 3], ['Work', 2]] as const) {
    for (let i = 0; i < n; i++) await seedMessage(alice, folder, makeMessage({ subject: `${folder} ${i}`, date: day(i + 1) }), { internalDate: day(i + 1) });
  }
  const carol = account(slash, 'carol');
  for (const folder of ['INBOX', 'A', 'B', 'C']) for (let i = 0; i < 8; i++) await seedMessage(carol, folder, makeMessage({ subject: `${folder} ${i}`, date: day(i + 1) }), { internalDate: day(i + 1) });
  bobBefore = await snapshotMailbox(account(dotted, 'bob'));
  proxy = await startLatencyProxy(dotted.imapPort, 120);
});

afterAll(async () => {
  await bot?.stop();
  await tern?.close();
  await proxy?.close();
  await Promise.all([slash?.stop(), dotted?.stop(), redis?.stop(), fake?.close()]);
});

const json = (v: unknown) => JSON.stringify(v) ?? '';
const callbacks = (after = 0) => fake.callsTo('POST', /^\/interactions\/\d+\/[^/]+\/callback$/).slice(after);

/** Dispatches an interaction and returns the callback the bot answered it with. */
async function interact(interaction: any): Promise<DiscordCall> {
  fake.dispatchInteraction(interaction);
  return fake.waitFor(`the answer to ${interaction.data.custom_id ?? interaction.data.name}`, () => fake.callsTo('POST', new RegExp(`^/interactions/${interaction.id}/`))[0]);
}

/** The message the bot's answer made (for interactions on its buttons). */
function messageOf(call: DiscordCall): any {
  return { ...fake.payload({ id: nextId(), channel_id: CHANNEL, content: call.body.data?.content ?? '', embeds: [], components: call.body.data?.components ?? [], edits: 0 }), flags: 64 };
}

const customIds = (components: any[]): string[] => components.flatMap((r) => (r.components ?? []).map((c: any) => c.custom_id));

interface AccountInput {
  type: string;
  login: string;
  password: string;
  port: number;
}

const modalValues = (a: AccountInput) => ({ type: [a.type], login: a.login, password: a.password, host: '127.0.0.1', port: `${a.port}+plain` });

/** Walks the form: /migrate start → source → destination → items → confirm; returns the confirm message and the form id. */
async function fillForm(user: string, source: AccountInput, destination: AccountInput): Promise<{ confirm: DiscordCall; formId: string }> {
  const opened = await interact(slashInteraction(user, 'start'));
  expect(opened.body.type).toBe(9);
  const formId = opened.body.data.custom_id.split(':')[2];
  const afterSource = await interact(modalInteraction(user, opened.body.data.custom_id, modalValues(source)));
  expect(afterSource.body.type).toBe(4);
  const openDest = await interact(buttonInteraction(user, customIds(afterSource.body.data.components)[0], messageOf(afterSource)));
  expect(openDest.body).toMatchObject({ type: 9, data: { custom_id: `tern:form:${formId}:destination` } });
  const afterDest = await interact(modalInteraction(user, openDest.body.data.custom_id, modalValues(destination), [], messageOf(afterSource)));
  expect(afterDest.body.type).toBe(7);
  const openItems = await interact(buttonInteraction(user, customIds(afterDest.body.data.components)[0], messageOf(afterDest)));
  const confirm = await interact(modalInteraction(user, openItems.body.data.custom_id, { items: ['emails'], notify: '' }, [], messageOf(afterDest)));
  return { confirm, formId };
}

/** Presses Start and returns the deferred edit of the form's message (errors or the created task). */
async function start(user: string, formId: string, confirm: DiscordCall): Promise<DiscordCall> {
  const before = fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/).length;
  const click = buttonInteraction(user, `tern:form:${formId}:start`, messageOf(confirm));
  const ack = await interact(click);
  expect(ack.body.type).toBe(6); // deferred: the logins are checked after
  return fake.waitFor('the result of Start', () => fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/)[before], 30_000);
}

const taskIdIn = (s: string) => /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(s)?.[0];

function cardOf(taskId: string): { id: string; thread: string } {
  const post = fake.callsTo('POST', new RegExp(`^/channels/${CHANNEL}/messages$`)).find((c) => json(c.body.embeds).includes(taskId))!;
  expect(post, `a card for ${taskId}`).toBeDefined();
  const msg = fake.messages.get(post.response.id)!;
  // A thread started from a message has the message's ID (as on Discord).
  return { id: msg.id, thread: msg.id };
}

const threadOf = (thread: string) => fake.callsTo('POST', new RegExp(`^/channels/${thread}/messages$`)).map((c) => String(c.body.content));

describe('tern discord register', () => {
  it('bulk-overwrites the /migrate command; a second run is harmless', async () => {
    const config = loadConfig(tern.env).discord!;
    expect(await registerCommands(config, GUILD)).toBe(1);
    expect(await registerCommands(config, GUILD)).toBe(1);
    const puts = fake.callsTo('PUT', new RegExp(`^/applications/${APP_ID}/guilds/${GUILD}/commands$`));
    expect(puts).toHaveLength(2);
    expect(puts[0].body).toEqual(puts[1].body);
    const subs = puts[0].body[0].options.map((o: { name: string }) => o.name);
    expect(subs).toEqual(['start', 'status', 'cancel', 'rollback', 'retry', 'list', 'help', 'import-pst', 'batch']);
    expect(puts[0].authorization).toBe(`Bot ${fake.token}`);
  });
});

describe('/migrate start: modals → wrong password (Fix) → task → embed, thread, report', () => {
  let taskId: string;

  it('walks the form; a refused login comes back with Fix buttons, without the password', async () => {
    const { confirm, formId } = await fillForm(REQUESTER, { type: 'imap', login: 'alice', password: WRONG, port: slash.imapPort }, { type: 'imap', login: 'bob', password: 'bobpass', port: dotted.imapPort });
    expect(confirm.body.type).toBe(7);
    expect(confirm.body.data.content).toContain('Ready to start');
    expect(customIds(confirm.body.data.components)).toContain(`tern:form:${formId}:start`);
    const result = await start(REQUESTER, formId, confirm);
    expect(result.body.content).toContain(`127.0.0.1:${slash.imapPort} refused the login for alice`);
    expect(customIds(result.body.components)).toEqual([`tern:form:${formId}:fix-source`, `tern:form:${formId}:fix-destination`, `tern:form:${formId}:fix-items`, `tern:form:${formId}:signin-source`, `tern:form:${formId}:signin-destination`]);
    expect(json(fake.calls)).not.toContain(WRONG);

    // Fix reopens the source modal pre-filled, the password excepted.
    const fix = await interact(buttonInteraction(REQUESTER, `tern:form:${formId}:fix-source`, messageOf(confirm)));
    expect(fix.body.type).toBe(9);
    const fields = json(fix.body.data.components);
    expect(fields).toContain('"value":"alice"');
    const password = fix.body.data.components.find((c: any) => c.component.custom_id === 'password');
    expect(password.component.value).toBeUndefined();
    expect(password.description).toMatch(/not masked/);
    const fixed = await interact(modalInteraction(REQUESTER, fix.body.data.custom_id, modalValues({ type: 'imap', login: 'alice', password: 'alicepass', port: slash.imapPort }), [], messageOf(confirm)));
    expect(fixed.body.data.content).toContain('Ready to start');
    const created = await start(REQUESTER, formId, fixed);
    taskId = taskIdIn(created.body.content)!;
    expect(created.body.content).toContain(`Task **\`${taskId}\`** created`);
  });

  it('posts one public embed with the task ID and buttons, edits it, and reports in its thread', async () => {
    const card = await fake.waitFor('the card', () => fake.callsTo('POST', new RegExp(`^/channels/${CHANNEL}/messages$`)).find((c) => json(c.body.embeds).includes(taskId)) && cardOf(taskId));
    const first = fake.callsTo('POST', new RegExp(`^/channels/${CHANNEL}/messages$`)).find((c) => json(c.body.embeds).includes(taskId))!;
    expect(first.body.embeds[0].description).toContain(`Task ID: \`${taskId}\``);
    expect(customIds(first.body.components)).toContain(`tern:cancel:${taskId}`);
    expect(first.authorization).toBe(`Bot ${fake.token}`);
    expect((await tern.waitFor(taskId)).status).toBe('completed');
    const thread = await fake.waitFor('the final report', () => {
      const t = threadOf(card.thread);
      return t.some((l) => l.startsWith('Completed')) && t;
    });
    expect(thread).toContain('▶ E-mails started');
    expect(fake.messages.get(card.id)!.thread, 'a thread was started from the card').toBe(card.id);
    expect(thread.find((l) => l.startsWith('Completed'))).toContain('INBOX → INBOX: 3 at the source, 3 copied');
    await bot.cards.idle();
    const embed = await fake.waitFor('the completed embed', () => {
      const m = fake.messages.get(card.id)!;
      return m.edits > 0 && json(m.embeds).includes('Completed') && m;
    });
    expect(json(embed.embeds)).toContain('100%');
    expect(customIds(embed.components)).toEqual([`tern:rollback:${taskId}`, `tern:refresh:${taskId}`]);
  });

  it('Rollback: a stranger is refused; the requester confirms, and the destination is restored', async () => {
    const card = cardOf(taskId);
    const message = fake.payload(fake.messages.get(card.id)!);
    const refused = await interact(buttonInteraction(STRANGER, `tern:rollback:${taskId}`, message));
    expect(refused.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(refused.body.data.content).toMatch(/Only the person who started/);
    const question = await interact(buttonInteraction(REQUESTER, `tern:rollback:${taskId}`, message));
    expect(customIds(question.body.data.components)).toEqual([`tern:rollback-yes:${taskId}`]);
    expect((await tern.service.view(taskId)).status).toBe('completed');
    const yes = await interact(buttonInteraction(REQUESTER, `tern:rollback-yes:${taskId}`, messageOf(question)));
    expect(yes.body.type).toBe(7);
    await tern.waitFor(taskId, (t) => t.status === 'rolled_back');
    expect(contentView(await snapshotMailbox(account(dotted, 'bob')))).toEqual(contentView(bobBefore));
    await fake.waitFor('the rollback in the thread', () => threadOf(card.thread).some((l) => l.includes('rolled back')));
    expect(threadOf(card.thread).some((l) => l.includes(`Rollback asked by <@${REQUESTER}>`))).toBe(true);
  });
});

describe('Cancel from the embed', () => {
  it('a stranger is refused; the requester cancels: the folder in progress ends, the rest is cancelled', async () => {
    const { confirm, formId } = await fillForm(REQUESTER, { type: 'imap', login: 'carol', password: 'carolpass', port: slash.imapPort }, { type: 'imap', login: 'carol', password: 'carolpass', port: proxy.port });
    const taskId = taskIdIn((await start(REQUESTER, formId, confirm)).body.content)!;
    await tern.waitFor(taskId, (t) => t.status === 'running' && t.steps[0].copied > 0);
    const card = await fake.waitFor('the card', () => fake.callsTo('POST', new RegExp(`^/channels/${CHANNEL}/messages$`)).some((c) => json(c.body.embeds).includes(taskId)) && cardOf(taskId));
    const message = fake.payload(fake.messages.get(card.id)!);
    const refused = await interact(buttonInteraction(STRANGER, `tern:cancel:${taskId}`, message));
    expect(refused.body.data.flags).toBe(64);
    expect((await tern.service.view(taskId)).cancelling).toBe(false);
    // A member with an admin role may follow it without the source address; the requester cancels.
    const asAdmin = await interact(slashInteraction(ADMIN, 'status', [{ name: 'task', type: 3, value: taskId }], { roles: [ADMIN_ROLE] }));
    expect(json(asAdmin.body.data.embeds)).toContain(taskId);
    const byRequester = await interact(buttonInteraction(REQUESTER, `tern:cancel:${taskId}`, message));
    expect(byRequester.body.data.content).toMatch(/cancelling|cancelled/);
    const final = await tern.waitFor(taskId);
    expect(final.status).toBe('cancelled');
    expect(final.folders.some((f) => f.status === 'done')).toBe(true);
    expect(final.folders.some((f) => f.status === 'cancelled')).toBe(true);
    await fake.waitFor('the cancelled report', () => threadOf(card.thread).some((l) => l.startsWith('Cancelled')));
    // A second cancel: a clear answer.
    const again = await interact(buttonInteraction(REQUESTER, `tern:cancel:${taskId}`, message));
    expect(again.body.data.content).toMatch(/already/);
  });
});

describe('Autodetect in the form', () => {
  it('the server type select offers Autodetect, and the confirm step shows what was detected', async () => {
    const opened = await interact(slashInteraction(REQUESTER, 'start'));
    const select = opened.body.data.components.find((c: any) => c.component.custom_id === 'type').component;
    expect(select.options.map((o: any) => o.value)).toEqual(['auto', 'imap', 'pop3', 'exchange', 'dav', 'graph']);
    expect(select.options.find((o: any) => o.default).value).toBe('auto');
    const afterSource = await interact(modalInteraction(REQUESTER, opened.body.data.custom_id, { type: ['auto'], login: 'someone@fastmail.com', password: 'x', host: '', port: '' }));
    const openDest = await interact(buttonInteraction(REQUESTER, customIds(afterSource.body.data.components)[0], messageOf(afterSource)));
    const afterDest = await interact(modalInteraction(REQUESTER, openDest.body.data.custom_id, modalValues({ type: 'imap', login: 'bob', password: 'bobpass', port: dotted.imapPort }), [], messageOf(afterSource)));
    const openItems = await interact(buttonInteraction(REQUESTER, customIds(afterDest.body.data.components)[0], messageOf(afterDest)));
    // Detection is network work: the step is deferred first (Discord allows 3 s), the confirm view follows.
    const before = fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/).length;
    const deferred = await interact(modalInteraction(REQUESTER, openItems.body.data.custom_id, { items: ['emails'], notify: '' }, [], messageOf(afterDest)));
    expect(deferred.body.type).toBe(6);
    const confirm = await fake.waitFor('the confirm view', () => fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/)[before], 30_000);
    expect(confirm.body.content).toContain('**Source detected:** Found IMAP imap.fastmail.com:993 (TLS) — preset Fastmail (domain fastmail.com), high confidence.');
  });
});

describe('calendars and contacts on their own server', () => {
  it('the items step asks for each side\'s CalDAV/CardDAV server; the confirm step shows them, and Start refuses a wrong one by field', async () => {
    const opened = await interact(slashInteraction(REQUESTER, 'start'));
    const formId = opened.body.data.custom_id.split(':')[2];
    const afterSource = await interact(modalInteraction(REQUESTER, opened.body.data.custom_id, modalValues({ type: 'imap', login: 'alice', password: 'alicepass', port: slash.imapPort })));
    const openDest = await interact(buttonInteraction(REQUESTER, customIds(afterSource.body.data.components)[0], messageOf(afterSource)));
    const afterDest = await interact(modalInteraction(REQUESTER, openDest.body.data.custom_id, modalValues({ type: 'imap', login: 'bob', password: 'bobpass', port: dotted.imapPort }), [], messageOf(afterSource)));
    const openItems = await interact(buttonInteraction(REQUESTER, customIds(afterDest.body.data.components)[0], messageOf(afterDest)));
    const asked = openItems.body.data.components.map((c: any) => c.component.custom_id);
    expect(asked).toEqual(['items', 'notify', 'source-dav', 'destination-dav']);
    const confirm = await interact(modalInteraction(REQUESTER, openItems.body.data.custom_id, { items: ['contacts'], notify: '', 'source-dav': 'https://dav.example.com/dav/', 'destination-dav': 'imaps://bob@127.0.0.1' }, [], messageOf(afterDest)));
    expect(confirm.body.data.content).toContain('alice — IMAP 127.0.0.1:' + slash.imapPort + ' (STARTTLS); calendars and contacts: https://dav.example.com/dav/');
    const result = await start(REQUESTER, formId, confirm);
    expect(result.body.content).toContain('Destination: the calendars and contacts server takes a CalDAV/CardDAV account');
    expect(json(fake.calls)).not.toContain('alicepass');
  });
});

describe('rate limits', () => {
  it('429s on embed edits: the migration completes and the final embed is right', async () => {
    fake.rateLimit(/^PATCH \/channels\/\d+\/messages\/\d+$/, 3, 0.2);
    const { confirm, formId } = await fillForm(REQUESTER, { type: 'imap', login: 'alice', password: 'alicepass', port: slash.imapPort }, { type: 'imap', login: 'carol', password: 'carolpass', port: dotted.imapPort });
    const taskId = taskIdIn((await start(REQUESTER, formId, confirm)).body.content)!;
    expect((await tern.waitFor(taskId)).status).toBe('completed');
    const card = cardOf(taskId);
    await fake.waitFor('the completed embed', () => json(fake.messages.get(card.id)!.embeds).includes('Completed'), 30_000);
    expect(fake.calls.filter((c) => c.rateLimited)).toHaveLength(3);
  });
});

describe('subcommands answer ephemerally', () => {
  it('status needs the source address for someone else; list; help; unknown task', async () => {
    const [task] = await tern.service.list({ id: `discord:${REQUESTER}`, label: '', admin: false });
    const noEmail = await interact(slashInteraction(STRANGER, 'status', [{ name: 'task', type: 3, value: task.id }]));
    expect(noEmail.body.data).toMatchObject({ flags: 64, content: expect.stringContaining('give its source e-mail address') });
    const withEmail = await interact(slashInteraction(STRANGER, 'status', [{ name: 'task', type: 3, value: task.id }, { name: 'email', type: 3, value: task.sourceEndpoint.user }]));
    expect(json(withEmail.body.data.embeds)).toContain(task.id);
    const unknown = await interact(slashInteraction(REQUESTER, 'cancel', [{ name: 'task', type: 3, value: 'T-ZZZZZZZZ' }]));
    expect(unknown.body.data.content).toContain('There is no task T-ZZZZZZZZ');
    const list = await interact(slashInteraction(REQUESTER, 'list'));
    expect(list.body.data.content).toContain(task.id);
    const help = await interact(slashInteraction(REQUESTER, 'help'));
    expect(help.body.data.content).toContain('/migrate start');
  });
});

describe('/migrate import-pst', () => {
  const pst = fs.readFileSync(path.resolve('../shared/fixtures/pst/aspose-outlook.pst'));
  let server: https.Server;
  let previous: Dispatcher;
  let base: string;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-discord-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const cert = fs.readFileSync(path.join(dir, 'cert.pem'));
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(pst.length) });
      res.end(pst);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    previous = getGlobalDispatcher();
    setGlobalDispatcher(new Agent({ connect: { ca: cert } }));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    setGlobalDispatcher(previous);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function importThrough(option: { name: string; type: number; value: string }, resolved: unknown, destinationUser: string): Promise<string> {
    const opened = await interact(slashInteraction(REQUESTER, 'import-pst', [option], { resolved }));
    expect(opened.body).toMatchObject({ type: 9, data: { title: 'Destination account (2/3)' } });
    const formId = opened.body.data.custom_id.split(':')[2];
    const afterDest = await interact(modalInteraction(REQUESTER, opened.body.data.custom_id, modalValues({ type: 'imap', login: destinationUser, password: `${destinationUser}pass`, port: dotted.imapPort })));
    const openItems = await interact(buttonInteraction(REQUESTER, customIds(afterDest.body.data.components)[0], messageOf(afterDest)));
    const confirm = await interact(modalInteraction(REQUESTER, openItems.body.data.custom_id, { items: ['emails'], notify: '' }, [], messageOf(afterDest)));
    expect(confirm.body.data.content).toContain('Ready to start');
    const created = await start(REQUESTER, formId, confirm);
    const taskId = taskIdIn(created.body.content);
    expect(taskId, created.body.content).toBeDefined();
    return taskId!;
  }

  it('with an attachment: downloaded from the CDN, imported as a task with its embed', async () => {
    fake.files.set('aspose-outlook.pst', pst);
    const attId = nextId();
    const url = `${fake.origin}/cdn/aspose-outlook.pst`;
    const taskId = await importThrough({ name: 'file', type: 11, value: attId }, { attachments: { [attId]: { id: attId, filename: 'aspose-outlook.pst', size: pst.length, url, proxy_url: url, content_type: 'application/vnd.ms-outlook' } } }, 'bob');
    const final = await tern.waitFor(taskId);
    expect(final).toMatchObject({ status: 'completed', source: 'pst:aspose-outlook.pst' });
    expect(final.steps[0]).toMatchObject({ copied: 14, failed: 0 });
    cardOf(taskId);
  });

  it('with an https link, for files above the upload limit', async () => {
    const taskId = await importThrough({ name: 'url', type: 3, value: `${base}/exports/aspose-outlook.pst` }, undefined, 'carol');
    const final = await tern.waitFor(taskId);
    expect(final).toMatchObject({ status: 'completed', source: 'pst:aspose-outlook.pst' });
    expect(final.steps[0].copied).toBe(14);
  });

  it('refuses a non-.pst attachment and a plain http link', async () => {
    const attId = nextId();
    const notPst = await interact(slashInteraction(REQUESTER, 'import-pst', [{ name: 'file', type: 11, value: attId }], { resolved: { attachments: { [attId]: { id: attId, filename: 'notes.txt', size: 5, url: `${fake.origin}/cdn/notes.txt`, proxy_url: '', content_type: 'text/plain' } } } }));
    expect(notPst.body.data.content).toBe('notes.txt is not a .pst file.');
    const http = await interact(slashInteraction(REQUESTER, 'import-pst', [{ name: 'url', type: 3, value: 'http://example.com/a.pst' }]));
    expect(http.body.data.content).toBe('The link must start with https://.');
  });
});

it('never sent a typed password to Discord', () => {
  const sent = json(fake.calls.map((c) => c.body));
  for (const secret of ['alicepass', 'bobpass', 'carolpass', WRONG]) expect(sent).not.toContain(secret);
  expect(callbacks().length).toBeGreaterThan(10);
});

describe('Options and Check first in the Discord form', () => {
  it('takes the options, shows the plan with Start and Cancel, writes nothing before Start, and starts the task with its options', async () => {
    const before = await snapshotMailbox(account(dotted, 'carol'));
    const { confirm, formId } = await fillForm(REQUESTER, { type: 'imap', login: 'alice', password: 'alicepass', port: slash.imapPort }, { type: 'imap', login: 'carol', password: 'carolpass', port: dotted.imapPort });
    expect(customIds(confirm.body.data.components)).toEqual(expect.arrayContaining([`tern:form:${formId}:open-options`, `tern:form:${formId}:newest`, `tern:form:${formId}:check`]));
    const openOptions = await interact(buttonInteraction(REQUESTER, `tern:form:${formId}:open-options`, messageOf(confirm)));
    expect(openOptions.body).toMatchObject({ type: 9, data: { custom_id: `tern:form:${formId}:options` } });
    const withOptions = await interact(modalInteraction(REQUESTER, `tern:form:${formId}:options`, { since: '2024-07-02', before: '', folders: '', excludeFolders: 'Work', maxSize: '' }, [], messageOf(confirm)));
    expect(withOptions.body.data.content).toContain('**Options:** received since 2024-07-02 · not folders: Work');

    const edits = () => fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/);
    const sent = edits().length;
    expect((await interact(buttonInteraction(REQUESTER, `tern:form:${formId}:check`, messageOf(withOptions)))).body.type).toBe(6);
    const planned = await fake.waitFor('the plan', () => edits()[sent], 30_000);
    expect(planned.body.content).toMatch(/\*\*Migration plan:\*\*/);
    expect(planned.body.content).toMatch(/INBOX → INBOX: 2 \(.+\), \d to copy, \d already there/);
    expect(planned.body.content).not.toMatch(/Work →/);
    expect(customIds(planned.body.components)).toEqual([`tern:form:${formId}:start`, `tern:form:${formId}:cancel`]);
    expect(json(fake.calls)).not.toContain('carolpass');
    expect(await snapshotMailbox(account(dotted, 'carol'))).toEqual(before);

    const result = await start(REQUESTER, formId, { ...planned, body: { data: planned.body } } as DiscordCall);
    const taskId = taskIdIn(json(result.body))!;
    const done = await tern.waitFor(taskId);
    expect(done.status, done.error).toBe('completed');
    expect(done.options).toEqual({ since: '2024-07-02', excludeFolders: ['Work'] });
    // Earlier tests may have left some of alice's mail at carol's: what counts is that only the two selected took part.
    const inbox = done.folders.find((f) => f.sourceFolder === 'INBOX')!;
    expect(inbox.sourceCount).toBe(2);
    expect(inbox.copied + inbox.alreadyPresent).toBe(2);
  });

  it('Cancel on the plan drops the form', async () => {
    const { confirm, formId } = await fillForm(REQUESTER, { type: 'imap', login: 'alice', password: 'alicepass', port: slash.imapPort }, { type: 'imap', login: 'carol', password: 'carolpass', port: dotted.imapPort });
    const cancelled = await interact(buttonInteraction(REQUESTER, `tern:form:${formId}:cancel`, messageOf(confirm)));
    expect(cancelled.body.data.content).toBe('Cancelled: nothing was started.');
    const again = await interact(buttonInteraction(REQUESTER, `tern:form:${formId}:start`, messageOf(confirm)));
    expect(json(again.body)).toContain('This form has expired');
  });
});
