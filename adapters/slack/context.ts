import type { SlackConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { Actor } from '../../src/service/actor';
import type { TernService } from '../../src/service/service';
import type { CardKeeper } from '../cards/keeper';

/** What every Slack listener works with. */
export interface SlackDeps {
  service: TernService;
  cards: CardKeeper;
  config: SlackConfig;
  botToken: string;
  uploadsDir: string;
  maxUploadBytes: number;
  log: Logger;
}

export function actorOf(deps: SlackDeps, userId: string): Actor {
  return { id: `slack:${userId}`, label: `<@${userId}>`, admin: deps.config.adminUsers.includes(userId) };
}

/** "14:02 UTC" for thread lines like "Cancelled by @x at 14:02 UTC". */
export function clock(now = new Date()): string {
  return `${now.toISOString().slice(11, 16)} UTC`;
}
