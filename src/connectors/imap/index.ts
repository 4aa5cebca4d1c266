import type { Connector } from '../../ports/connector';
import { openRawSession } from './raw-session';
import { usesOAuth } from '../oauth';

/**
 * IMAP: e-mail, as a source and as a destination. imapflow (and what it loads: ~0.1 s of start-up)
 * loads with the first port opened or a check the bare connection does not suit, so that `tern
 * migrate`'s account check is on the wire before it.
 */
export const connector: Connector = {
  check: async (account, options) => {
    // A password login on a bare connection costs one round trip after the greeting; imapflow's
    // session takes five (ID, LOGIN, NAMESPACE, ENABLE) and a LOGOUT answer. An OAuth2 account,
    // or a server the bare connection does not suit, gets the session (and its words for them).
    const bare = usesOAuth(account) ? undefined : await openRawSession(account, options.timeoutMs);
    if (bare) return bare.logout();
    const { closeImap, openImap } = await import('./session');
    await closeImap(await openImap(account, { timeoutMs: options.timeoutMs }));
  },
  mailSource: async (account, options) => (await import('./source')).openImapSource(account, options),
  mailDestination: async (account, options) => (await import('./destination')).openImapDestination(account, options),
};
