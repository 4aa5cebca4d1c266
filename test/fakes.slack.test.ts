import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, verifySlackRequest } from '@slack/bolt';
import { ErrorCode, WebClient, WebClientEvent, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './fakes/slack-api';
import { postEvent, postInteraction, postSigned, postSlashCommand, signSlackRequest } from './support/slack-requests';

/** The Slack error code a rejected WebClient call carries. */
async function platformError(call: Promise<unknown>): Promise<string> {
  const err = (await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  )) as WebAPIPlatformError;
  expect(err.code).toBe(ErrorCode.PlatformError);
  return err.data.error;
}

const modal = (title: string, extra: object = {}) => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: title },
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } }],
  ...extra,
});

describe('fake Slack Web API driven by the real WebClient', () => {
  let fake: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    fake = await startFakeSlack();
    client = new WebClient('xoxb-test', { slackApiUrl: fake.url, logLevel: LogLevel.ERROR });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('answers auth.test with the bot identity and records the bearer token', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({
      ok: true,
      user_id: fake.identity.botUserId,
      bot_id: fake.identity.botId,
      team_id: fake.identity.teamId,
      team: fake.identity.teamName,
      user: fake.identity.botUserName,
      url: `https://${fake.identity.teamDomain}.slack.com/`,
    });
    // WebClient surfaces the x-oauth-scopes header.
    expect(res.response_metadata?.scopes).toEqual([...fake.scopes]);
    expect(fake.callsTo('auth.test')).toHaveLength(1);
    expect(fake.calls[0].token).toBe('xoxb-test');
  });

  it('rejects a wrong token with invalid_auth', async () => {
    const stranger = new WebClient('xoxb-wrong', { slackApiUrl: fake.url, logLevel: LogLevel.ERROR });
    expect(await platformError(stranger.auth.test())).toBe('invalid_auth');
    expect(fake.calls[0].response).toEqual({ ok: false, error: 'invalid_auth' });
  });

  it('answers not_authed without a token, and unknown_method for methods it lacks', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: fake.url, logLevel: LogLevel.ERROR });
    expect(await platformError(anonymous.auth.test())).toBe('not_authed');
    expect(await platformError(client.apiCall('conversations.frobnicate'))).toBe('unknown_method');
  });

  it('posts messages with blocks, threads replies and hands out increasing ts', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Moving *ada@old* → *ada@new*' } }];
    const card = await client.chat.postMessage({ channel: 'C0CARDS', text: 'Moving ada', blocks });
    expect(card.ok).toBe(true);
    expect(card.channel).toBe('C0CARDS');
    expect(card.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(card.message).toMatchObject({ text: 'Moving ada', blocks, bot_id: fake.identity.botId });

    const reply = await client.chat.postMessage({ channel: 'C0CARDS', thread_ts: card.ts!, text: 'Inbox done' });
    expect(Number(reply.ts)).toBeGreaterThan(Number(card.ts));
    expect(reply.message?.thread_ts).toBe(card.ts);

    // WebClient form-encodes and JSON-stringifies blocks: the fake hands them back as objects.
    const [first, second] = fake.callsTo('chat.postMessage');
    expect(first.body.blocks).toEqual(blocks);
    expect(second.body.thread_ts).toBe(card.ts);
    expect(fake.message('C0CARDS', card.ts!)).toMatchObject({ text: 'Moving ada', blocks, edits: 0 });
  });

  it('updates a known message and refuses an unknown ts', async () => {
    const card = await client.chat.postMessage({ channel: 'C0CARDS', text: 'Queued', blocks: [{ type: 'divider' }] });
    const updated = await client.chat.update({ channel: 'C0CARDS', ts: card.ts!, text: 'Running' });
    expect(updated).toMatchObject({ ok: true, channel: 'C0CARDS', ts: card.ts, text: 'Running' });
    // Blocks left out of the update are kept, as Slack does.
    expect(fake.message('C0CARDS', card.ts!)).toMatchObject({ text: 'Running', blocks: [{ type: 'divider' }], edits: 1 });
    expect(await platformError(client.chat.update({ channel: 'C0CARDS', ts: '1.000001', text: 'x' }))).toBe('message_not_found');
  });

  it('posts ephemeral messages', async () => {
    const res = await client.chat.postEphemeral({ channel: 'C0CARDS', user: 'U0ADA', text: 'Only you can see this' });
    expect(res.ok).toBe(true);
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.callsTo('chat.postEphemeral')[0].body).toMatchObject({ channel: 'C0CARDS', user: 'U0ADA' });
  });

  it('opens and updates views, by view_id and by external_id, and checks hashes', async () => {
    const opened = await client.views.open({ trigger_id: '1.2.abc', view: modal('Migrate a mailbox', { external_id: 'form-1' }) });
    const id = opened.view!.id!;
    expect(id).toMatch(/^V/);
    expect(opened.view).toMatchObject({ type: 'modal', root_view_id: id, external_id: 'form-1', state: { values: {} } });
    expect(fake.callsTo('views.open')[0].body.view.blocks[0].type).toBe('section');

    const byId = await client.views.update({ view_id: id, hash: opened.view!.hash, view: modal('Checking…') });
    expect(byId.view?.title?.text).toBe('Checking…');
    expect(byId.view?.hash).not.toBe(opened.view!.hash);
    const byExternal = await client.views.update({ external_id: 'form-1', view: modal('Ready') });
    expect(byExternal.view?.id).toBe(id);
    expect(fake.views.get(id)?.title.text).toBe('Ready');

    // A stale hash means someone else updated the view in between.
    expect(await platformError(client.views.update({ view_id: id, hash: opened.view!.hash, view: modal('Late') }))).toBe('hash_conflict');
    expect(await platformError(client.views.update({ view_id: 'V404', view: modal('Nope') }))).toBe('not_found');
  });

  it('rejects a modal Slack would reject (title over 24 characters)', async () => {
    const err = await client.views.open({ trigger_id: '1.2.abc', view: modal('Migrate a whole mailbox now') }).catch((e: WebAPIPlatformError) => e);
    expect((err as WebAPIPlatformError).data.error).toBe('invalid_arguments');
    expect((err as WebAPIPlatformError).data.response_metadata?.messages?.[0]).toMatch(/title\/text/);
  });

  it('pushes a view on the stack', async () => {
    const pushed = await client.views.push({ trigger_id: '1.2.def', view: modal('Details') });
    expect(fake.views.get(pushed.view!.id!)).toMatchObject({ title: { text: 'Details' } });
  });

  it('serves files.info and downloads only with the bot token', async () => {
    const content = Buffer.from('!BDN fake pst bytes');
    fake.addFile({ id: 'F0PST', name: 'archive.pst', mimetype: 'application/vnd.ms-outlook', content });
    const info = await client.files.info({ file: 'F0PST' });
    expect(info.file).toMatchObject({ id: 'F0PST', name: 'archive.pst', size: content.length, filetype: 'pst' });
    const url = info.file!.url_private_download!;
    expect(url.startsWith(fake.origin)).toBe(true);

    const withToken = await fetch(url, { headers: { Authorization: `Bearer ${fake.botToken}` } });
    expect(withToken.headers.get('content-type')).toBe('application/vnd.ms-outlook');
    expect(Number(withToken.headers.get('content-length'))).toBe(content.length);
    expect(Buffer.from(await withToken.arrayBuffer())).toEqual(content);

    const without = await fetch(url);
    expect(without.status).toBe(200);
    expect(without.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await without.text()).toMatch(/<html/i);
    expect(fake.downloads.map((d) => d.served)).toEqual([true, false]);

    expect(await platformError(client.files.info({ file: 'F0NONE' }))).toBe('file_not_found');
  });

  it('acts out a missing files:read scope', async () => {
    fake.addFile({ id: 'F0PST', name: 'a.pst', mimetype: 'application/octet-stream', content: Buffer.from('x') });
    fake.scopes.delete('files:read');
    try {
      expect(await platformError(client.files.info({ file: 'F0PST' }))).toBe('missing_scope');
      const page = await fetch(`${fake.origin}/files/F0PST/a.pst`, { headers: { Authorization: `Bearer ${fake.botToken}` } });
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    } finally {
      fake.scopes.add('files:read');
    }
  });

  it('accepts JSON bodies with the token in the header, as Slack does', async () => {
    const res = await fetch(`${fake.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({ channel: 'C0JSON', text: 'hi', blocks: [{ type: 'divider' }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0JSON' });
    expect(fake.callsTo('chat.postMessage')[0].body.blocks).toEqual([{ type: 'divider' }]);
  });

  it('waitFor resolves on a later call and rejects on timeout', async () => {
    const waiting = fake.waitFor('chat.postMessage', (c) => c.body.text === 'second');
    await client.chat.postMessage({ channel: 'C1', text: 'first' });
    await client.chat.postMessage({ channel: 'C1', text: 'second' });
    expect((await waiting).body.text).toBe('second');
    await expect(fake.waitFor('views.open', undefined, 50)).rejects.toThrow(/no matching views.open/);
  });

  it('answers 429 with Retry-After; WebClient waits and retries until chat.update succeeds', async () => {
    const card = await client.chat.postMessage({ channel: 'C0CARDS', text: 'Queued' });
    fake.rateLimit('chat.update', { count: 2, retryAfterSeconds: 1 });
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (sec: number) => waits.push(sec));

    const started = Date.now();
    const res = await client.chat.update({ channel: 'C0CARDS', ts: card.ts!, text: 'Running' });
    const elapsed = Date.now() - started;
    client.removeAllListeners(WebClientEvent.RATE_LIMITED);

    expect(res.ok).toBe(true);
    expect(waits).toEqual([1, 1]);
    const attempts = fake.callsTo('chat.update');
    expect(attempts.map((c) => c.rateLimited ?? false)).toEqual([true, true, false]);
    expect(attempts[0].response).toEqual({ ok: false, error: 'ratelimited' });
    // Each retry waits at least Retry-After (plus p-retry's own back-off on top).
    expect(attempts[2].at - attempts[0].at).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    // waitFor skips the attempts that were turned away.
    expect(await fake.waitFor('chat.update')).toBe(attempts[2]);
  });

  it('raw 429 on the wire: status, Retry-After header and body', async () => {
    fake.rateLimit('auth.test', { count: 1, retryAfterSeconds: 7 });
    const res = await fetch(`${fake.url}auth.test`, { method: 'POST', headers: { Authorization: `Bearer ${fake.botToken}` } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
  });
});

describe('Slack request signing', () => {
  it("reproduces Slack's published example signature", () => {
    // The worked example from https://api.slack.com/authentication/verifying-requests-from-slack
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
      '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
      '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest(secret, body, 1531420618)).toEqual({
      'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'X-Slack-Request-Timestamp': '1531420618',
    });
  });

  it('signs any body so that crypto and Bolt both verify it', () => {
    const secret = 'shh-test-secret';
    const body = JSON.stringify({ type: 'event_callback', event: { type: 'app_mention', text: 'héllo ✓' } });
    const ts = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest(secret, body, ts);
    const expected = createHmac('sha256', secret).update(Buffer.from(`v0:${ts}:${body}`, 'utf8')).digest('hex');
    expect(headers['X-Slack-Signature']).toBe(`v0=${expected}`);
    expect(headers['X-Slack-Request-Timestamp']).toBe(String(ts));
    expect(() =>
      verifySlackRequest({
        signingSecret: secret,
        body,
        headers: { 'x-slack-signature': headers['X-Slack-Signature'], 'x-slack-request-timestamp': ts },
      }),
    ).not.toThrow();
  });
});

describe('signed requests reach a real Bolt HTTP receiver talking to the fake', () => {
  const secret = 'bolt-signing-secret';
  let fake: FakeSlack;
  let app: App;
  let endpoint: string;
  const seen: { command?: string; action?: string; retryNum?: number; eventText?: string } = {};

  beforeAll(async () => {
    fake = await startFakeSlack();
    app = new App({
      token: fake.botToken,
      signingSecret: secret,
      clientOptions: { slackApiUrl: fake.url },
      logLevel: LogLevel.ERROR,
    });
    app.command('/migrate', async ({ command, ack, client }) => {
      await ack();
      seen.command = command.text;
      await client.views.open({ trigger_id: command.trigger_id, view: modal('Migrate') });
    });
    app.action('go', async ({ ack, action }) => {
      await ack();
      seen.action = 'value' in action ? action.value : undefined;
    });
    app.event('app_mention', async ({ event, context }) => {
      seen.eventText = event.text;
      seen.retryNum = context.retryNum;
    });
    // Port 0: Bolt's HTTPReceiver hands back its node:http server, so we can read the real port.
    const server = (await app.start(0)) as unknown as Server;
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  it('runs a slash command, whose listener opens a modal through the fake', async () => {
    const res = await postSlashCommand(endpoint, secret, { text: 'ada@old.example', trigger_id: '9.9.trigger' });
    expect(res.status).toBe(200);
    const open = await fake.waitFor('views.open');
    expect(open.body.trigger_id).toBe('9.9.trigger');
    expect(open.body.view.title.text).toBe('Migrate');
    expect(seen.command).toBe('ada@old.example');
    // Bolt checked the token with auth.test before dispatching.
    expect(fake.callsTo('auth.test').length).toBeGreaterThan(0);
  });

  it('delivers a block action', async () => {
    const res = await postInteraction(endpoint, secret, {
      type: 'block_actions',
      user: { id: 'U0ADA', username: 'ada', team_id: 'T0TERNTEST' },
      team: { id: 'T0TERNTEST', domain: 'tern-test' },
      api_app_id: 'A0TERNAPP',
      trigger_id: '9.9.action',
      container: { type: 'message', message_ts: '1.000100', channel_id: 'C0CARDS' },
      channel: { id: 'C0CARDS', name: 'mail-moves' },
      actions: [{ type: 'button', action_id: 'go', block_id: 'b', value: 'task-1', action_ts: '1.2' }],
    });
    expect(res.status).toBe(200);
    expect(seen.action).toBe('task-1');
  });

  it('delivers an event with its retry number', async () => {
    const res = await postEvent(
      endpoint,
      secret,
      {
        type: 'event_callback',
        token: 'unused',
        team_id: 'T0TERNTEST',
        api_app_id: 'A0TERNAPP',
        event_id: 'Ev01',
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'app_mention', user: 'U0ADA', text: '<@U0TERNBOT> status', ts: '1.000200', channel: 'C0CARDS', event_ts: '1.000200' },
      },
      { retryNum: 2 },
    );
    expect(res.status).toBe(200);
    await expect.poll(() => seen.eventText).toBe('<@U0TERNBOT> status');
    expect(seen.retryNum).toBe(2);
  });

  it('answers the url_verification challenge as JSON', async () => {
    const res = await postEvent(endpoint, secret, { type: 'url_verification', token: 'unused', challenge: 'c-123' });
    expect(res).toMatchObject({ status: 200, body: { challenge: 'c-123' } });
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('refuses a request signed with the wrong secret, or a stale one', async () => {
    const body = new URLSearchParams({ command: '/migrate', text: 'x' }).toString();
    const forged = await postSigned(endpoint, 'not-the-secret', body, 'application/x-www-form-urlencoded');
    expect(forged.status).toBe(401);
    const stale = await postSigned(endpoint, secret, body, 'application/x-www-form-urlencoded', {}, Math.floor(Date.now() / 1000) - 600);
    expect(stale.status).toBe(401);
  });
});
