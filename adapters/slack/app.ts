import path from 'node:path';
import { PendingPlans } from '../pending-plans';
import { registerPlan } from './listeners/plan';
import { resumeSignIns } from './listeners/resume-sign-ins';
import { App, LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Config, SlackConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { TernService } from '../../src/service/service';
import { slackCards, SURFACE } from './cards';
import type { CardKeeper } from '../cards/keeper';
import type { BatchCardKeeper } from '../cards/batch-keeper';
import { slackBatchCards } from './batch-cards';
import type { SlackDeps } from './context';
import { registerCommands } from './listeners/commands';
import { registerActions } from './listeners/actions';
import { registerBatchActions } from './listeners/batch';
import { registerViews } from './listeners/views';
import { registerEvents } from './listeners/events';
import { registerWorkspaceGuard } from './listeners/workspace';
import { socketModeReceiver } from './socket-mode';
import { pacedSlack, SLACK_PACING, type SlackPacing } from './paced-client';

export interface SlackBot {
  app: App;
  cards: CardKeeper;
  batchCards: BatchCardKeeper;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Slack app: Socket Mode when SLACK_APP_TOKEN is set, otherwise Bolt's HTTP receiver on PORT
 * (signatures and timestamps checked by Bolt). Every listener is registered here.
 */
export function createSlackBot(
  config: Config & { slack: SlackConfig },
  service: TernService,
  log: Logger,
  options: {
    /** Least time between two card edits in the workspace (chat.update is Tier 3). */
    editIntervalMs?: number;
    /** The pacer's intervals (tests scale Slack's tiers down together with the stand-in's limits). */
    pacing?: Partial<SlackPacing>;
    /** Backoff between Web API retries (after a 429 the client also waits Retry-After). */
    retryConfig?: { retries: number; minTimeout?: number; maxTimeout?: number };
  } = {},
): SlackBot {
  const slack = config.slack;
  const apiUrl = slack.apiUrl ? (slack.apiUrl.endsWith('/') ? slack.apiUrl : `${slack.apiUrl}/`) : undefined;
  const app = new App({
    token: slack.botToken,
    ...(slack.appToken ? { receiver: socketModeReceiver({ appToken: slack.appToken, apiUrl, logger: boltLogger(log) }) } : { signingSecret: slack.signingSecret!, port: slack.port }),
    clientOptions: {
      ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
      ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
    },
    logger: boltLogger(log),
    logLevel: LogLevel.WARN,
  });
  // Cards get a client of their own that hands 429s to the pacer, so a rate-limited thread never
  // stalls the app's answers to people (Bolt's client pauses all its calls on a 429).
  const cardClient = new webApi.WebClient(slack.botToken, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
    rejectRateLimitedCalls: true,
    logger: boltLogger(log),
  });
  const pacing = { ...SLACK_PACING, ...(options.editIntervalMs !== undefined ? { editMs: options.editIntervalMs } : {}), ...options.pacing };
  const paced = pacedSlack(cardClient, pacing, (lane, ms) => log.info({ lane, retryAfterMs: ms }, 'Slack rate limit: waiting'));
  const feed = service.feed(SURFACE);
  const cards = slackCards(paced, service, feed, log);
  const batchCards = slackBatchCards(paced, service, feed, log, options.editIntervalMs ?? pacing.editMs);
  const stopping = new AbortController();
  const deps: SlackDeps = {
    service,
    cards,
    batchCards,
    config: slack,
    botToken: slack.botToken,
    uploadsDir: path.join(config.dataDir, 'uploads'),
    maxUploadBytes: config.maxUploadBytes,
    log,
    plans: new PendingPlans(service, SURFACE),
    stopping: stopping.signal,
  };
  let ownTeam: string | undefined;
  registerWorkspaceGuard(app, deps, () => ownTeam);
  registerEvents(app, deps);
  registerCommands(app, deps);
  registerActions(app, deps);
  registerBatchActions(app, deps, config.batchSecrets);
  registerViews(app, deps);
  registerPlan(app, deps);
  app.error(async (err) => log.error({ err }, 'slack listener failed'));
  return {
    app,
    cards,
    batchCards,
    start: async () => {
      // Which workspace this token serves: clicks from others are refused.
      ownTeam = (await app.client.auth.test()).team_id;
      await app.start(slack.port);
      batchCards.start();
      await cards.start();
      // Sign-ins that were waiting for approval when the bot last stopped go on.
      await resumeSignIns(app.client, deps);
      log.info({ mode: slack.appToken ? 'socket' : `http:${slack.port}` }, 'slack bot running');
    },
    stop: async () => {
      stopping.abort();
      batchCards.stop();
      await cards.stop();
      await app.stop();
    },
  };
}

/** Bolt's logger interface over pino (Bolt never sees request bodies from us: pino redacts secrets). */
function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack' });
  let level = LogLevel.WARN;
  return {
    debug: (...m: unknown[]) => child.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => child.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => child.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => child.error(m.map(String).join(' ')),
    setLevel: (l: LogLevel) => (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}
