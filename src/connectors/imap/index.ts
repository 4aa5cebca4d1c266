import type { Connector } from '../../ports/connector';
import { closeImap, openImap } from './session';
import { openAppendPipe } from './append-pipe';
import { usesOAuth } from '../oauth';
import { openImapSource } from './source';
import { openImapDestination } from './destination';

/** IMAP: e-mail, as a source and as a destination. */
export const connector: Connector = {
  check: async (account, options) => {
    // A password login on a bare connection costs one round trip after the greeting; imapflow's
    // session takes six (ID, AUTHENTICATE and its go-ahead, ID again, NAMESPACE, ENABLE) and a
    // LOGOUT answer. Servers the bare connection does not suit (no LITERAL+, OAuth2) get the session.
    const bare = usesOAuth(account) ? undefined : await openAppendPipe(account, options.timeoutMs);
    if (bare) return bare.close();
    await closeImap(await openImap(account, { timeoutMs: options.timeoutMs }));
  },
  mailSource: openImapSource,
  mailDestination: openImapDestination,
};
