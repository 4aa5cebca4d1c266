import type { Connector } from '../../ports/connector';
import { openPop3 } from './session';
import { openPop3Source } from './source';

export { openPop3, type Pop3Session } from './session';

/** POP3 is only ever a source: the whole maildrop goes to the destination's INBOX. The maildrop is locked by one session. */
export const connector: Connector = {
  check: async (account, options) => (await openPop3(account, { timeoutMs: options.timeoutMs })).close(),
  maxSourceConnections: 1,
  mailSource: openPop3Source,
};
