import type { DiscordConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { TernService } from '../../src/service/service';
import type { CardKeeper } from '../cards/keeper';
import type { RepliableInteraction } from 'discord.js';
import type { Actor } from '../../src/service/actor';
import type { BatchCardKeeper } from '../cards/batch-keeper';
import type { Drafts } from './drafts';
import type { BatchChecks } from './batch-checks';

/** What every Discord listener works with. */
export interface DiscordDeps {
  service: TernService;
  cards: CardKeeper;
  drafts: Drafts;
  /** Live batch cards (a CSV given to /migrate batch). */
  batchCards: BatchCardKeeper;
  /** Checked CSVs waiting for their Start. */
  batchChecks: BatchChecks;
  /** TERN_PW_* variables, what a batch CSV's env: references may name. */
  batchSecrets: Record<string, string>;
  config: DiscordConfig;
  uploadsDir: string;
  maxUploadBytes: number;
  log: Logger;
  /** Aborted when the bot stops: form sign-ins then stay kept for the next start. */
  stopping: AbortSignal;
}

export function actorOf(deps: DiscordDeps, interaction: RepliableInteraction): Actor {
  // A cached GuildMember has a role manager; an uncached one arrives as the raw API member.
  const member = interaction.member as { roles?: string[] | { cache: Map<string, unknown> } } | null;
  const roles = Array.isArray(member?.roles) ? member.roles : [...(member?.roles?.cache.keys() ?? [])];
  return { id: `discord:${interaction.user.id}`, label: `<@${interaction.user.id}>`, admin: roles.some((r) => deps.config.adminRoles.includes(r)) };
}
