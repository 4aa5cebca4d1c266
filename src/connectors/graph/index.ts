import type { Connector } from '../../ports/connector';
import { GraphFolders } from './folders';
import { GraphHttp } from './http';
import { openGraphMailDestination } from './mail-destination';
import { openGraphMailSource } from './mail-source';

/** Microsoft 365 through Microsoft Graph: e-mails both ways (PIM kinds: not yet). */
export const connector: Connector = {
  // Listing the mail folders proves the token, the consent and the mailbox at once.
  check: async (account, options) => void (await GraphFolders.load(new GraphHttp(account, options.timeoutMs))),
  mailSource: openGraphMailSource,
  mailDestination: openGraphMailDestination,
};
