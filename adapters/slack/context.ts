import type { SlackConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { Actor } from '../../src/service/actor';
import type { TernService } from '../../src/service/service';
import type { CardKeeper } from '../cards/keeper';
import type { BatchCardKeeper } from '../cards/batch-keeper';
import { slackTime } from './time';
import type { PendingPlans } from '../pending-plans';

/** What every Slack listener works with. */
export interface SlackDeps {
  service: TernService;
  cards: CardKeeper;
  /** Live batch cards (a CSV shared in Slack). */
  batchCards: BatchCardKeeper;
  config: SlackConfig;
  botToken: string;
  uploadsDir: string;
  maxUploadBytes: number;
  log: Logger;
  /** Forms waiting behind a plan card's Start ("Check first"). */
  plans: PendingPlans;
  /** Aborted when the bot stops: form sign-ins waiting for approval stay kept for the next start. */
  stopping: AbortSignal;
}

export function actorOf(deps: SlackDeps, userId: string): Actor {
  return { id: `slack:${userId}`, label: `<@${userId}>`, admin: deps.config.adminUsers.includes(userId) };
}

/** Now, for thread lines like "Cancel asked by @x at 14:02", in each reader's time zone. */
export function clock(now = new Date()): string {
  return slackTime(now, 'time');
}
