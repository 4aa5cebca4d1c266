import type { AccountCredentials, AccountEndpoint, TokenSource } from '../ports/account';

/** An account as connectors take it: its password, and for an OAuth2 account where its tokens come from. */
export function credentialsOf(deps: { tokens?: TokenSource }, endpoint: AccountEndpoint, secret: string): AccountCredentials {
  const account = { ...endpoint, password: secret };
  return endpoint.auth === 'oauth2' && deps.tokens ? { ...account, tokens: deps.tokens(endpoint, secret) } : account;
}
