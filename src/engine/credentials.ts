import { TernError } from '../errors';
import type { AccountCredentials, AccountEndpoint, TokenProvider, TokenSource } from '../ports/account';

/**
 * An account as connectors take it: its password, and for an OAuth2 account where its tokens come
 * from. With a side, a sign-in that is needed again says which account of the task it is.
 */
export function credentialsOf(deps: { tokens?: TokenSource }, endpoint: AccountEndpoint, secret: string, side?: 'source' | 'destination'): AccountCredentials {
  const account = { ...endpoint, password: secret };
  if (endpoint.auth !== 'oauth2' || !deps.tokens) return account;
  const tokens = deps.tokens(endpoint, secret);
  return { ...account, tokens: side ? sided(tokens, side) : tokens };
}

function sided(tokens: TokenProvider, side: 'source' | 'destination'): TokenProvider {
  const label = side === 'source' ? 'Source' : 'Destination';
  return {
    accessToken: (options) =>
      tokens.accessToken(options).catch((err: unknown) => {
        throw err instanceof TernError && err.code === 'SIGN_IN_NEEDED' && !err.side ? err.withMessage(`${label} account: ${err.userMessage}`, side) : err;
      }),
  };
}
