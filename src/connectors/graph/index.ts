import type { Connector } from '../../ports/connector';
import { GraphFolders } from './folders';
import { GraphHttp } from './http';
import { openGraphMailDestination } from './mail-destination';
import { openGraphMailSource } from './mail-source';
import { openGraphPimDestination } from './pim-destination';
import { openGraphPimSource } from './pim-source';
import { openGraphSettings } from './settings';

/** Microsoft 365 through Microsoft Graph: e-mails, contacts, calendars, To Do tasks, inbox rules and automatic replies, both ways (no contact groups: Graph v1.0 has none). */
export const connector: Connector = {
  // Listing the mail folders proves the token, the consent and the mailbox at once.
  check: async (account, options) => void (await GraphFolders.load(new GraphHttp(account, options.timeoutMs))),
  mailSource: openGraphMailSource,
  mailDestination: openGraphMailDestination,
  pimSource: openGraphPimSource,
  pimDestination: openGraphPimDestination,
  settings: openGraphSettings,
};
