import type { DiscordConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { TernService } from '../../src/service/service';
import type { CardKeeper } from '../cards/keeper';
import type { Drafts } from './drafts';

/** What every Discord listener works with. */
export interface DiscordDeps {
  service: TernService;
  cards: CardKeeper;
  drafts: Drafts;
  config: DiscordConfig;
  uploadsDir: string;
  maxUploadBytes: number;
  log: Logger;
}
