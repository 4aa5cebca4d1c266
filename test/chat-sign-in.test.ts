// OAuth2 sign-in from the chat forms: "Sign in with another provider" in the Slack modal and in
// Discord's form, a real authorization server (oidc-provider) approving or denying the device code
// by a scripted browser, and Dovecot checking each token by introspection (its oauth2 passdb).
// The link and code arrive privately; the task starts once the sign-in is done; a denied code is
// one private sentence naming the side, and nothing is queued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from './support/dovecot';
import { DEVICE_CLIENT, startAuthServer, type AuthServer } from './support/oidc';
import { startRedis, type TestRedis } from './support/redis';
import { until } from './support/until';
import { CHECK_ACTION, PLAN_CALLBACK } from '../adapters/slack/render-modal';
import { makeMessage, seedMessage, snapshotMailbox } from './support/mailbox';
import { account, startTern, type TestTern } from './support/tern';
import { CHANNEL as SLACK_CHANNEL, checked, everythingSent, select, startSlackHarness, text, type FakeView, type SlackHarness, type StateValue } from './support/slack-harness';
import { ADMIN_ROLE, APP_ID, buttonInteraction, modalInteraction, nextId, CHANNEL as DISCORD_CHANNEL, slashInteraction, startFakeDiscord, type DiscordCall, type FakeDiscord } from './fakes/discord';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/log';
import { createDiscordBot, type DiscordBot } from '../adapters/discord/app';
import { keptInRedis } from './support/chat-keeps';
import fs from 'node:fs';
import path from 'node:path';
import { IMPORT_ACTION } from '../adapters/slack/listeners/actions';

const SCOPE = 'openid offline_access mail';
const REQUESTER = 'U0SIGNER';
const DISCORD_USER = '910000000000000011';

let auth: AuthServer;
let dovecot: DovecotServer;
let redis: TestRedis;

beforeAll(async () => {
  auth = await startAuthServer();
  [dovecot, redis] = await Promise.all([startDovecot('slash', { oauth2: { introspectionUrl: auth.introspectionUrl } }), startRedis()]);
  for (let i = 0; i < 3; i++) await seedMessage(account(dovecot, 'alice'), 'INBOX', makeMessage({ subject: `alice ${i}`, body: `b${i}` }));
}, 60_000);

afterAll(async () => {
  await Promise.all([dovecot?.stop(), redis?.stop()]);
  await auth?.stop();
});

const codeIn = (s: string) => /enter the code (\S+?)[ .(]/.exec(s)?.[1];
const taskIdIn = (s: string) => /T-[0-9A-HJKMNP-TV-Z]{8}/.exec(s)?.[0];
const ADMIN = { id: 'test:admin', label: 'admin', admin: true };
const tasksIn = async (t: TestTern) => (await t.service.list(ADMIN, { all: true })).length;
const inbox = async (user: string) => (await snapshotMailbox(account(dovecot, user))).folders.find((f) => f.path === 'INBOX')?.messages.length ?? 0;

describe('Slack: sign in with another provider from the modal', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlackHarness(redis.url);
  }, 60_000);
  afterAll(async () => slack?.close());

  const openForm = async (): Promise<FakeView> => {
    const before = slack.fake.callsTo('views.open').length;
    await slack.slash(REQUESTER, '');
    const call = await slack.fake.waitFor('views.open', () => slack.fake.callsTo('views.open').length > before);
    return { ...(call.body.view as FakeView), id: call.response.view.id };
  };
  const values = (sourceUser: string, destinationUser: string): Record<string, StateValue> => ({
    'source.type': select('imap'),
    'source.login': text(sourceUser),
    'source.signIn': select('other'),
    'source.issuer': text(auth.issuer),
    'source.clientId': text(DEVICE_CLIENT),
    'source.scope': text(SCOPE),
    'source.password': text(null),
    'source.host': text('127.0.0.1'),
    'source.port': text(String(dovecot.imapPort)),
    'source.options': checked(),
    'destination.type': select('imap'),
    'destination.login': text(destinationUser),
    'destination.signIn': select('password'),
    'destination.password': text(`${destinationUser}pass`),
    'destination.host': text('127.0.0.1'),
    'destination.port': text(String(dovecot.imapPort)),
    'destination.options': checked(),
    items: checked('emails'),
    notify: text(null),
  });
  const ephemerals = () => slack.fake.callsTo('chat.postEphemeral').filter((c) => c.body.user === REQUESTER).map((c) => String(c.body.text));

  it('the modal offers the sign-in choices next to the password', async () => {
    const view = await openForm();
    const signIn = view.blocks!.find((b) => b.block_id === 'source.signIn')!;
    for (const label of ['Password', 'Sign in with Microsoft', 'Sign in with Google', 'Sign in with another provider']) expect(JSON.stringify(signIn)).toContain(label);
    expect(view.blocks!.map((b) => b.block_id)).toEqual(expect.arrayContaining(['source.issuer', 'source.clientId', 'destination.signIn']));
  });

  it('sends the code privately, starts the task once it is approved, and the task completes', async () => {
    const view = await openForm();
    const res = await slack.submit(view, REQUESTER, values('alice', 'bob'));
    expect(res.status).toBe(200);
    const codeCall = await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && !!codeIn(String(c.body.text)), 20_000);
    const said = String(codeCall.body.text);
    expect(codeCall.body.channel).toBe(SLACK_CHANNEL);
    expect(said).toContain(`To sign in the source account alice, open ${auth.issuer}/device and enter the code`);
    // Meanwhile the modal says what it waits for; no task yet.
    const waiting = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && JSON.stringify(c.body.view).includes('Waiting for you to sign in the source account'));
    expect(waiting).toBeDefined();
    await auth.approve(codeIn(said)!, 'alice');
    const done = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && !!taskIdIn(JSON.stringify(c.body.view)), 30_000);
    const taskId = taskIdIn(JSON.stringify(done.body.view))!;
    expect(slack.fake.callsTo('chat.postMessage').some((c) => c.body.channel === SLACK_CHANNEL && JSON.stringify(c.body.blocks ?? '').includes(taskId))).toBe(true);
    const task = await slack.tern.waitFor(taskId);
    expect(task).toMatchObject({ status: 'completed', steps: [{ copied: 3 }] });
    expect(await inbox('bob')).toBeGreaterThanOrEqual(3);
    expect(everythingSent(slack.fake)).not.toContain('bobpass');
    expect(everythingSent(slack.fake)).not.toMatch(/access_token|refresh_token/);
  }, 90_000);

  it('a denied code: one private sentence naming the side and what to do, nothing queued', async () => {
    const before = await tasksIn(slack.tern);
    const view = await openForm();
    await slack.submit(view, REQUESTER, values('bob', 'carol'));
    const codeCall = await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && String(c.body.text).includes('source account bob') && !!codeIn(String(c.body.text)), 20_000);
    await auth.deny(codeIn(String(codeCall.body.text))!);
    const sentence = `Source account bob: the sign-in at 127.0.0.1:${new URL(auth.issuer).port} was denied: nothing was started. Run /migrate again and approve it.`;
    await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && String(c.body.text) === sentence, 30_000);
    expect(ephemerals().filter((t) => t === sentence)).toHaveLength(1);
    expect(await tasksIn(slack.tern)).toBe(before);
  }, 90_000);

  /** Both sides chose another provider: the destination's fields as the source's. */
  const bothSignIn = (sourceUser: string, destinationUser: string): Record<string, StateValue> => ({
    ...values(sourceUser, destinationUser),
    'destination.signIn': select('other'),
    'destination.issuer': text(auth.issuer),
    'destination.clientId': text(DEVICE_CLIENT),
    'destination.scope': text(SCOPE),
    'destination.password': text(null),
  });
  const codeFor = (side: string, user: string) =>
    slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && String(c.body.text).includes(`${side} account ${user},`) && !!codeIn(String(c.body.text)), 20_000).then((c) => codeIn(String(c.body.text))!);

  it('both sides sign in at once: both codes are sent together, and the task starts only once both are approved', async () => {
    const before = await tasksIn(slack.tern);
    const view = await openForm();
    await slack.submit(view, REQUESTER, bothSignIn('carol', 'bob'));
    // Both codes arrive before either is approved: the sign-ins run side by side.
    const [sourceCode, destinationCode] = await Promise.all([codeFor('source', 'carol'), codeFor('destination', 'bob')]);
    await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && JSON.stringify(c.body.view).includes('Waiting for you to sign in the source and destination accounts'));
    await auth.approve(sourceCode, 'carol');
    // One side signed in is not enough: nothing is queued while the destination waits.
    await until('the source sign-in stored', () => slack.tern.service.hasSignIn({ protocol: 'imap', host: '127.0.0.1', port: dovecot.imapPort, secure: false, insecure: false, user: 'carol', password: '', auth: 'oauth2', oauth: { issuer: auth.issuer, clientId: DEVICE_CLIENT, scope: SCOPE } }));
    expect(await tasksIn(slack.tern)).toBe(before);
    await auth.approve(destinationCode, 'bob');
    const done = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && !!taskIdIn(JSON.stringify(c.body.view)), 30_000);
    const task = await slack.tern.waitFor(taskIdIn(JSON.stringify(done.body.view))!);
    expect(task).toMatchObject({ status: 'completed', sourceEndpoint: { user: 'carol', auth: 'oauth2' }, destinationEndpoint: { user: 'bob', auth: 'oauth2' } });
    expect(await tasksIn(slack.tern)).toBe(before + 1);
    expect(everythingSent(slack.fake)).not.toMatch(/access_token|refresh_token/);
  }, 90_000);

  it('both sides signing in, one denied: one private sentence naming that side, the other code dropped, nothing queued', async () => {
    const before = await tasksIn(slack.tern);
    const view = await openForm();
    await slack.submit(view, REQUESTER, bothSignIn('dora', 'emil'));
    const [, destinationCode] = await Promise.all([codeFor('source', 'dora'), codeFor('destination', 'emil')]);
    await auth.deny(destinationCode);
    const sentence = `Destination account emil: the sign-in at 127.0.0.1:${new URL(auth.issuer).port} was denied: nothing was started. Run /migrate again and approve it.`;
    await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && String(c.body.text) === sentence, 30_000);
    // Only that sentence: the source's waiting sign-in was stopped without a word of its own.
    const after = ephemerals().filter((t) => t.includes('dora') || t.includes('emil'));
    expect(after.filter((t) => !codeIn(t))).toEqual([sentence]);
    expect(await tasksIn(slack.tern)).toBe(before);
  }, 90_000);

  it('"Check first" signs the side in first (its code sent privately), then shows the plan card; nothing is queued', async () => {
    await dovecot.addUser('dave', 'davepass');
    const before = await tasksIn(slack.tern);
    const view = await openForm();
    await slack.clickInView(REQUESTER, view, values('dave', 'bob'), CHECK_ACTION, 'check');
    const code = await codeFor('source', 'dave');
    expect(ephemerals().find((t) => t.includes('source account dave,'))).toContain('the check runs once you have signed in');
    await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && JSON.stringify(c.body.view).includes('The check runs once you have signed in'));
    await auth.approve(code, 'dave');
    const plan = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && (c.body.view as FakeView & { callback_id?: string }).callback_id === PLAN_CALLBACK, 30_000);
    expect(JSON.stringify(plan.body.view)).toContain('dave');
    expect(await tasksIn(slack.tern)).toBe(before);
    expect(everythingSent(slack.fake)).not.toMatch(/access_token|refresh_token|bobpass/);
  }, 90_000);

  it('survives a bot restart: the code approved while the bot is down, the new bot finishes the sign-in, starts the task and tells the user', async () => {
    await dovecot.addUser('gina', 'ginapass');
    await seedMessage(account(dovecot, 'gina'), 'INBOX', makeMessage({ subject: 'gina 1', body: 'g1' }));
    const before = await tasksIn(slack.tern);
    const view = await openForm();
    await slack.submit(view, REQUESTER, values('gina', 'bob'));
    const code = await codeFor('source', 'gina');
    // Kept in Redis while it waits, sealed whole: no password, code or login in clear.
    const kept = await until('the sign-in kept in Redis', async () => {
      const found = (await keptInRedis(redis.url, slack.tern.env.TERN_REDIS_PREFIX)).filter((k) => k.key.includes(':chat-keep:sign-in:slack:'));
      return found.length ? found : undefined;
    });
    expect(kept).toHaveLength(1);
    expect(Object.keys(JSON.parse(kept[0].value)).sort()).toEqual(['ciphertext', 'iv', 'tag']);
    for (const clear of ['bobpass', code, 'gina', 'device']) expect(kept[0].value).not.toContain(clear);

    await slack.stopBot();
    await auth.approve(code, 'gina');
    expect(await tasksIn(slack.tern)).toBe(before);
    await slack.startBot();
    const told = await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && String(c.body.text).startsWith('You have signed in: task '), 30_000);
    const taskId = taskIdIn(String(told.body.text))!;
    expect(await slack.tern.waitFor(taskId)).toMatchObject({ status: 'completed', sourceEndpoint: { user: 'gina', auth: 'oauth2' } });
    expect(slack.fake.callsTo('chat.postMessage').some((c) => c.body.channel === SLACK_CHANNEL && JSON.stringify(c.body.blocks ?? '').includes(taskId))).toBe(true);
    expect(await tasksIn(slack.tern)).toBe(before + 1);
    // Done: no longer kept.
    expect((await keptInRedis(redis.url, slack.tern.env.TERN_REDIS_PREFIX)).filter((k) => k.key.includes(':chat-keep:sign-in:'))).toEqual([]);
  }, 90_000);

  /** A .pst shared in the channel, Import… clicked, and its form submitted with a destination that signs in at the test issuer. */
  async function importWithSignIn(fileId: string, name: string, ts: string, login: string): Promise<FakeView> {
    const pst = fs.readFileSync(path.resolve('../shared/fixtures/pst/aspose-outlook.pst'));
    slack.fake.addFile({ id: fileId, name, mimetype: 'application/vnd.ms-outlook', content: pst, sharedIn: { channel: SLACK_CHANNEL, ts: `${ts}0` } });
    await slack.click(REQUESTER, { channel: SLACK_CHANNEL, ts: `${ts}1` }, IMPORT_ACTION, JSON.stringify({ fileId, name, channel: SLACK_CHANNEL }));
    const open = await slack.fake.waitFor('views.open', (c) => c.body.view.callback_id === 'tern_import_pst' && JSON.stringify(c.body.view).includes(name));
    const view: FakeView = { ...(open.body.view as FakeView), id: open.response.view.id };
    const destination = Object.fromEntries(Object.entries(values('x', login)).filter(([k]) => k.startsWith('destination.') || k === 'items' || k === 'notify'));
    await slack.submit(view, REQUESTER, { ...destination, 'destination.signIn': select('other'), 'destination.issuer': text(auth.issuer), 'destination.clientId': text(DEVICE_CLIENT), 'destination.scope': text(SCOPE), 'destination.password': text(null) });
    return view;
  }

  it('a PST import whose destination chose a provider: the code is sent privately, the import starts once it is approved', async () => {
    await dovecot.addUser('hana', 'hanapass');
    const view = await importWithSignIn('F0PSTSIGN1', 'signed.pst', '1795000000.00090', 'hana');
    const said = String((await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && String(c.body.text).includes('destination account hana,') && !!codeIn(String(c.body.text)), 30_000)).body.text);
    expect(said).toContain('the import starts once you have signed in');
    await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && JSON.stringify(c.body.view).includes('The import starts once you have signed in'));
    await auth.approve(codeIn(said)!, 'hana');
    const done = await slack.fake.waitFor('views.update', (c) => c.body.view_id === view.id && !!taskIdIn(JSON.stringify(c.body.view)), 30_000);
    const task = await slack.tern.waitFor(taskIdIn(JSON.stringify(done.body.view))!);
    expect(task).toMatchObject({ status: 'completed', source: 'pst:signed.pst', destinationEndpoint: { user: 'hana', auth: 'oauth2' } });
    expect(task.steps[0]).toMatchObject({ kind: 'emails', copied: 14, failed: 0 });
    expect(everythingSent(slack.fake)).not.toMatch(/access_token|refresh_token/);
  }, 90_000);

  it('a PST import whose sign-in is denied: the file is never fetched, nothing is left in the uploads, nothing queued', async () => {
    const before = await tasksIn(slack.tern);
    // A login of its own, so the code and the refusal found are this test's.
    await importWithSignIn('F0PSTDENY1', 'denied.pst', '1795000000.00095', 'ines');
    const said = String((await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && String(c.body.text).includes('destination account ines,') && !!codeIn(String(c.body.text)), 30_000)).body.text);
    await auth.deny(codeIn(said)!);
    await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && /^Destination account ines: the sign-in .* was denied/.test(String(c.body.text)), 30_000);
    expect(slack.fake.downloads.some((d) => d.fileId === 'F0PSTDENY1')).toBe(false);
    const uploads = path.join(slack.tern.env.TERN_DATA_DIR, 'uploads');
    expect(fs.existsSync(uploads) ? fs.readdirSync(uploads).filter((f) => f.includes('denied')) : []).toEqual([]);
    expect(await tasksIn(slack.tern)).toBe(before);
  }, 90_000);

  it('a code that expires before anyone signs in: one private sentence saying to start again in time, nothing queued', async () => {
    // An issuer whose device codes live 2 s: the first poll finds the code expired.
    const quick = await startAuthServer({ deviceCodeTtl: 2 });
    try {
      const before = await tasksIn(slack.tern);
      const view = await openForm();
      await slack.submit(view, REQUESTER, { ...values('bob', 'carol'), 'source.issuer': text(quick.issuer) });
      const sentence = `Source account bob: the sign-in code expired before the sign-in at 127.0.0.1:${new URL(quick.issuer).port} was completed: run /migrate again and enter the new code in time.`;
      await slack.fake.waitFor('chat.postEphemeral', (c) => c.body.user === REQUESTER && String(c.body.text) === sentence, 30_000);
      expect(await tasksIn(slack.tern)).toBe(before);
    } finally {
      await quick.stop();
    }
  }, 60_000);
});

describe('Discord: sign in with another provider from the form', () => {
  let fake: FakeDiscord;
  let tern: TestTern;
  let bot: DiscordBot;
  beforeAll(async () => {
    fake = await startFakeDiscord();
    tern = await startTern(redis.url, { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.api, DISCORD_ADMIN_ROLES: ADMIN_ROLE });
    const config = loadConfig(tern.env);
    bot = createDiscordBot({ ...config, discord: config.discord! }, tern.service, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false }), { editIntervalMs: 150 });
    await bot.start();
    await tern.startWorker();
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
    await tern?.close();
    await fake?.close();
  });

  const interact = async (interaction: any): Promise<DiscordCall> => {
    fake.dispatchInteraction(interaction);
    return fake.waitFor(`the answer to ${interaction.data.custom_id ?? interaction.data.name}`, () => fake.callsTo('POST', new RegExp(`^/interactions/${interaction.id}/`))[0]);
  };
  const messageOf = (call: DiscordCall): any => ({ ...fake.payload({ id: nextId(), channel_id: DISCORD_CHANNEL, content: call.body.data?.content ?? '', embeds: [], components: call.body.data?.components ?? [], edits: 0 }), flags: 64 });
  const customIds = (components: any[]): string[] => components.flatMap((r) => (r.components ?? []).map((c: any) => c.custom_id));
  const followUps = () => fake.callsTo('POST', /^\/webhooks\/\d+\/[^/]+$/).map((c) => ({ content: String(c.body.content ?? ''), flags: c.body.flags }));
  const originals = () => fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/).map((c) => String(c.body.content ?? ''));

  /** /migrate start → source (no password) → destination → items → source sign-in → Start (or Check first). */
  async function startWithSignIn(sourceUser: string, destinationUser: string, action: 'start' | 'check' = 'start'): Promise<void> {
    const opened = await interact(slashInteraction(DISCORD_USER, 'start'));
    const formId = opened.body.data.custom_id.split(':')[2];
    const account = (login: string, password: string) => ({ type: ['imap'], login, password, host: '127.0.0.1', port: `${dovecot.imapPort}+plain` });
    const afterSource = await interact(modalInteraction(DISCORD_USER, opened.body.data.custom_id, account(sourceUser, '')));
    const openDest = await interact(buttonInteraction(DISCORD_USER, customIds(afterSource.body.data.components)[0], messageOf(afterSource)));
    const afterDest = await interact(modalInteraction(DISCORD_USER, openDest.body.data.custom_id, account(destinationUser, `${destinationUser}pass`), [], messageOf(afterSource)));
    const openItems = await interact(buttonInteraction(DISCORD_USER, customIds(afterDest.body.data.components)[0], messageOf(afterDest)));
    const confirm = await interact(modalInteraction(DISCORD_USER, openItems.body.data.custom_id, { items: ['emails'], notify: '' }, [], messageOf(afterDest)));
    // Without a password or a sign-in, the source cannot start yet.
    expect(confirm.body.data.content).toContain('Source: enter the password');
    expect(customIds(confirm.body.data.components)).toContain(`tern:form:${formId}:signin-source`);
    const openSignIn = await interact(buttonInteraction(DISCORD_USER, `tern:form:${formId}:signin-source`, messageOf(confirm)));
    expect(openSignIn.body).toMatchObject({ type: 9, data: { custom_id: `tern:form:${formId}:signin-source` } });
    expect(JSON.stringify(openSignIn.body.data)).toContain('Sign in with another provider');
    const ready = await interact(modalInteraction(DISCORD_USER, `tern:form:${formId}:signin-source`, { signIn: ['other'], issuer: auth.issuer, clientId: DEVICE_CLIENT, scope: SCOPE }, [], messageOf(confirm)));
    expect(ready.body.data.content).toContain('Ready to start');
    expect(ready.body.data.content).toContain(`sign in at ${auth.issuer}`);
    expect(customIds(ready.body.data.components)).toContain(`tern:form:${formId}:${action}`);
    const ack = await interact(buttonInteraction(DISCORD_USER, `tern:form:${formId}:${action}`, messageOf(ready)));
    expect(ack.body.type).toBe(6);
  }

  it('sends the code in an ephemeral follow-up, starts the task once it is approved, and the task completes', async () => {
    await startWithSignIn('alice', 'carol');
    const codeMsg = await fake.waitFor('the sign-in code', () => followUps().find((f) => codeIn(f.content)), 20_000);
    expect(codeMsg.flags).toBe(64);
    expect(codeMsg.content).toContain('To sign in the source account alice, open');
    await fake.waitFor('the waiting line', () => originals().find((c) => c.includes('Waiting for you to sign in the source account')));
    await auth.approve(codeIn(codeMsg.content)!, 'alice');
    const created = await fake.waitFor('the created task', () => originals().find((c) => taskIdIn(c)), 30_000);
    const task = await tern.waitFor(taskIdIn(created)!);
    expect(task).toMatchObject({ status: 'completed', steps: [{ copied: 3 }] });
    expect(await inbox('carol')).toBeGreaterThanOrEqual(3);
    expect(fake.callsTo('POST', new RegExp(`^/channels/${DISCORD_CHANNEL}/messages$`)).some((c) => JSON.stringify(c.body.embeds ?? '').includes(task.id))).toBe(true);
    expect(JSON.stringify(fake.calls.map((c) => c.body))).not.toMatch(/carolpass|access_token|refresh_token/);
  }, 90_000);

  it('survives a bot restart: the code approved while the bot is down, the new bot finishes the sign-in, starts the task and answers the form', async () => {
    await dovecot.addUser('ivy', 'ivypass');
    await seedMessage(account(dovecot, 'ivy'), 'INBOX', makeMessage({ subject: 'ivy 1', body: 'i1' }));
    const before = await tasksIn(tern);
    await startWithSignIn('ivy', 'carol');
    const codeMsg = await fake.waitFor('the sign-in code', () => followUps().find((f) => f.content.includes('source account ivy,') && codeIn(f.content)), 20_000);
    // Kept in Redis while it waits, sealed whole: no password, code, login or interaction token in clear.
    const kept = await until('the sign-in kept in Redis', async () => {
      const found = (await keptInRedis(redis.url, tern.env.TERN_REDIS_PREFIX)).filter((k) => k.key.includes(':chat-keep:sign-in:discord:'));
      return found.length ? found : undefined;
    });
    expect(kept).toHaveLength(1);
    expect(Object.keys(JSON.parse(kept[0].value)).sort()).toEqual(['ciphertext', 'iv', 'tag']);
    for (const clear of ['carolpass', codeIn(codeMsg.content)!, 'ivy', 'device']) expect(kept[0].value).not.toContain(clear);

    await bot.stop();
    await auth.approve(codeIn(codeMsg.content)!, 'ivy');
    expect(await tasksIn(tern)).toBe(before);
    const config = loadConfig(tern.env);
    bot = createDiscordBot({ ...config, discord: config.discord! }, tern.service, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false }), { editIntervalMs: 150 });
    await bot.start();
    const told = await fake.waitFor('the follow-up after the restart', () => followUps().find((f) => f.content.startsWith('You have signed in: task ')), 30_000);
    expect(told.flags).toBe(64);
    const taskId = taskIdIn(told.content)!;
    expect(originals().some((c) => c.includes(taskId))).toBe(true);
    expect(await tern.waitFor(taskId)).toMatchObject({ status: 'completed', sourceEndpoint: { user: 'ivy', auth: 'oauth2' } });
    await fake.waitFor('the card in the channel', () => fake.callsTo('POST', new RegExp(`^/channels/${DISCORD_CHANNEL}/messages$`)).some((c) => JSON.stringify(c.body.embeds ?? '').includes(taskId)) || undefined);
    expect(await tasksIn(tern)).toBe(before + 1);
    expect((await keptInRedis(redis.url, tern.env.TERN_REDIS_PREFIX)).filter((k) => k.key.includes(':chat-keep:sign-in:'))).toEqual([]);
  }, 90_000);

  it('a denied code: one ephemeral sentence naming the side, nothing queued', async () => {
    const before = await tasksIn(tern);
    await startWithSignIn('bob', 'alice');
    const codeMsg = await fake.waitFor('the sign-in code', () => followUps().find((f) => f.content.includes('source account bob') && codeIn(f.content)), 20_000);
    await auth.deny(codeIn(codeMsg.content)!);
    const denied = await fake.waitFor('the denied sentence', () => followUps().find((f) => f.content.includes('was denied')), 30_000);
    expect(denied.flags).toBe(64);
    expect(denied.content).toMatch(/^Source account bob: the sign-in at 127\.0\.0\.1:\d+ was denied: nothing was started\. Run \/migrate again and approve it\.$/);
    expect(await tasksIn(tern)).toBe(before);
  }, 90_000);

  it('"Check first" signs the side in first (its code in an ephemeral follow-up), then shows the plan; nothing is queued', async () => {
    const before = await tasksIn(tern);
    await startWithSignIn('carol', 'bob', 'check');
    const codeMsg = await fake.waitFor('the sign-in code', () => followUps().find((f) => f.content.includes('source account carol') && codeIn(f.content)), 20_000);
    expect(codeMsg.flags).toBe(64);
    expect(codeMsg.content).toContain('the check runs once you have signed in');
    await fake.waitFor('the waiting line', () => originals().find((c) => c.includes('Waiting for you to sign in the source account') && c.includes('The check runs once you have signed in')));
    await auth.approve(codeIn(codeMsg.content)!, 'carol');
    const plan = await fake.waitFor('the plan', () => fake.callsTo('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/).find((c) => String(c.body.content ?? '').includes('carol') && customIds(c.body.components ?? []).some((id) => id.endsWith(':start'))), 30_000);
    expect(String(plan.body.content)).toContain('bob');
    expect(await tasksIn(tern)).toBe(before);
    expect(JSON.stringify(fake.calls.map((c) => c.body))).not.toMatch(/bobpass|access_token|refresh_token/);
  }, 90_000);
});
