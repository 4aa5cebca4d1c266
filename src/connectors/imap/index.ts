import type { Connector } from '../../ports/connector';
import { closeImap, openImap } from './session';
import { openImapSource } from './source';
import { openImapDestination } from './destination';

/** IMAP: e-mail, as a source and as a destination. */
export const connector: Connector = {
  check: async (account, options) => closeImap(await openImap(account, { timeoutMs: options.timeoutMs })),
  mailSource: openImapSource,
  mailDestination: openImapDestination,
};
