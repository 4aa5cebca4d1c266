// The whole Slack path for end-to-end tests: the real Bolt app (HTTP receiver on a free port,
// Web API pointed at the fake Slack), the real service, queue and worker, and helpers that POST
// what Slack would POST (signed slash commands, interactions and events).
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { createSlackBot, type SlackBot } from '../../adapters/slack/app';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../fakes/slack-api';
import { postEvent, postInteraction, postSlashCommand, randomTriggerId, type SlackHttpResult } from './slack-requests';
import { freePort } from './ports';
import { startTern, type TestTern } from './tern';

export const CHANNEL = 'C0TERNCHAN';
export const SIGNING_SECRET = 'test-signing-secret-4f1c9a';

export interface SlackHarness {
  fake: FakeSlack;
  tern: TestTern;
  bot: SlackBot;
  /** Bolt's single HTTP endpoint. */
  eventsUrl: string;
  /** `/migrate <text>` typed by `user` in `channel` (default CHANNEL; a D… id is a DM with the bot). */
  slash(user: string, text: string, channel?: string): Promise<SlackHttpResult>;
  /** Private answers sent to `user` through response URLs. */
  privateTo(user: string): string[];
  /** Submits the modal `view` (as last sent to Slack) with the given input values. */
  submit(view: FakeView, user: string, values: Record<string, StateValue>): Promise<SlackHttpResult>;
  /** Clicks a button of a message the bot posted. */
  click(user: string, message: { channel: string; ts: string }, actionId: string, value: string): Promise<SlackHttpResult>;
  event(event: Record<string, unknown>, opts?: { eventId?: string; retryNum?: number }): Promise<SlackHttpResult>;
  /** Clicks a button inside an open modal, whose inputs hold `values`. */
  clickInView(user: string, view: FakeView, values: Record<string, StateValue>, actionId: string, value: string): Promise<SlackHttpResult>;
  /** Stops the bot; `startBot` then starts a new one, as a restarted process would. */
  stopBot(): Promise<void>;
  startBot(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeView {
  id: string;
  callback_id?: string;
  private_metadata?: string;
  blocks?: Array<Record<string, unknown>>;
}

export type StateValue =
  | { type: 'plain_text_input'; value: string | null }
  | { type: 'static_select'; selected_option: { value: string; text: { type: 'plain_text'; text: string } } }
  | { type: 'checkboxes'; selected_options: Array<{ value: string; text: { type: 'plain_text'; text: string } }> };

export const text = (value: string | null): StateValue => ({ type: 'plain_text_input', value });
export const select = (value: string): StateValue => ({ type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: value } } });
export const checked = (...values: string[]): StateValue => ({ type: 'checkboxes', selected_options: values.map((value) => ({ value, text: { type: 'plain_text', text: value } })) });

/** One side of the /migrate modal filled for an IMAP account on 127.0.0.1 (plain, the port given) that logs in with a password. */
export const imapFormSide = (side: 'source' | 'destination', login: string, password: string, port: number): Record<string, StateValue> => ({
  [`${side}.type`]: select('imap'),
  [`${side}.login`]: text(login),
  [`${side}.password`]: text(password),
  [`${side}.host`]: text('127.0.0.1'),
  [`${side}.port`]: text(String(port)),
  [`${side}.options`]: checked(),
});

export async function startSlackHarness(redisUrl: string, env: Record<string, string> = {}): Promise<SlackHarness> {
  const fake = await startFakeSlack();
  const port = await freePort();
  const tern = await startTern(redisUrl, {
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    PORT: String(port),
    ...env,
  });
  const config = loadConfig(tern.env);
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false });
  const newBot = () => createSlackBot({ ...config, slack: config.slack! }, tern.service, log, { editIntervalMs: 200, pacing: { postMs: 100 }, retryConfig: { retries: 10, minTimeout: 0, maxTimeout: 1 } });
  let bot = newBot();
  let running = true;
  await bot.start();
  await tern.startWorker();
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;

  return {
    fake,
    tern,
    get bot() {
      return bot;
    },
    eventsUrl,
    ...slackActions(fake, eventsUrl),
    async stopBot() {
      await bot.stop();
      running = false;
    },
    async startBot() {
      bot = newBot();
      await bot.start();
      running = true;
    },
    async close() {
      if (running) await bot.stop();
      await tern.close();
      await fake.close();
    },
  };
}

/** What a person does in Slack (slash commands, form submits, clicks, events), as signed requests to a Bolt HTTP receiver. */
export type SlackActions = Pick<SlackHarness, 'slash' | 'privateTo' | 'submit' | 'click' | 'clickInView' | 'event'>;

/** Signed requests to the Bolt receiver at `eventsUrl` (in this process or another), answered through the fake's response URLs. */
export function slackActions(fake: FakeSlack, eventsUrl: string): SlackActions {
  const team = { id: fake.identity.teamId, domain: fake.identity.teamDomain };
  const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: team.id });
  let events = 0;
  return {
    slash: (userId, text, channel = CHANNEL) => postSlashCommand(eventsUrl, SIGNING_SECRET, { text, user_id: userId, channel_id: channel, response_url: fake.responseUrl(userId) }),
    privateTo: (userId) => fake.responses.filter((r) => r.user === userId).map((r) => String(r.body.text)),
    submit: (view, userId, values) =>
      postInteraction(eventsUrl, SIGNING_SECRET, {
        type: 'view_submission',
        team,
        user: user(userId),
        api_app_id: fake.identity.appId,
        token: 'legacy-verification-token',
        trigger_id: randomTriggerId(),
        view: {
          ...view,
          type: 'modal',
          team_id: team.id,
          app_id: fake.identity.appId,
          bot_id: fake.identity.botId,
          state: { values: Object.fromEntries(Object.entries(values).map(([blockId, v]) => [blockId, { value: v }])) },
        },
        response_urls: [],
        is_enterprise_install: false,
      }),
    click: (userId, message, actionId, value) =>
      postInteraction(eventsUrl, SIGNING_SECRET, {
        type: 'block_actions',
        team,
        user: user(userId),
        api_app_id: fake.identity.appId,
        token: 'legacy-verification-token',
        trigger_id: randomTriggerId(),
        container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
        channel: { id: message.channel, name: 'mail-moves' },
        message: { type: 'message', ts: message.ts, text: '' },
        response_url: fake.responseUrl(userId),
        actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, text: { type: 'plain_text', text: actionId }, action_ts: `${Date.now() / 1000}` }],
      }),
    clickInView: (userId, view, values, actionId, value) =>
      postInteraction(eventsUrl, SIGNING_SECRET, {
        type: 'block_actions',
        team,
        user: user(userId),
        api_app_id: fake.identity.appId,
        token: 'legacy-verification-token',
        trigger_id: randomTriggerId(),
        container: { type: 'view', view_id: view.id },
        view: {
          ...view,
          type: 'modal',
          team_id: team.id,
          app_id: fake.identity.appId,
          bot_id: fake.identity.botId,
          hash: `${Date.now()}.abc`,
          state: { values: Object.fromEntries(Object.entries(values).map(([blockId, v]) => [blockId, { value: v }])) },
        },
        actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, text: { type: 'plain_text', text: actionId }, action_ts: `${Date.now() / 1000}` }],
      }),
    event: (event, opts = {}) =>
      postEvent(
        eventsUrl,
        SIGNING_SECRET,
        {
          token: 'legacy-verification-token',
          team_id: team.id,
          api_app_id: fake.identity.appId,
          event,
          type: 'event_callback',
          event_id: opts.eventId ?? `Ev${Date.now()}${events++}`,
          event_time: Math.floor(Date.now() / 1000),
          authorizations: [{ team_id: team.id, user_id: fake.identity.botUserId, is_bot: true, is_enterprise_install: false }],
        },
        opts.retryNum === undefined ? {} : { retryNum: opts.retryNum },
      ),
  };
}

/** Everything the bot sent to Slack, as one string: for "no password anywhere" checks. */
export function everythingSent(fake: FakeSlack): string {
  return fake.calls.map((c: FakeSlackCall) => JSON.stringify(c.body)).join('\n');
}
