import { TernError } from '../errors';
import type { AccountCredentials, AccountEndpoint, TokenProvider, TokenSource } from '../ports/account';
import type { Vault } from '../store/vault';

/**
 * A stored side of a task as connectors take it: its secret from the vault, where an OAuth2
 * account's tokens come from, and the CalDAV/CardDAV account next to it when it has one. A sign-in
 * that is needed again says which account of the task it is.
 */
export async function credentialsOf(deps: { vault: Vault; tokens?: TokenSource }, taskId: string, side: 'source' | 'destination', endpoint: AccountEndpoint): Promise<AccountCredentials> {
  const password = await deps.vault.get(taskId, side);
  if (password === undefined) {
    throw new TernError('INVALID_STATE', `The ${side} credentials of task ${taskId} are no longer stored; start a new migration.`);
  }
  const { pim, ...own } = endpoint;
  const account = withTokens(deps, own, password, side);
  if (!pim) return account;
  const pimPassword = await deps.vault.get(taskId, `${side}-pim`);
  if (pimPassword === undefined) {
    throw new TernError('INVALID_STATE', `The ${side} CalDAV/CardDAV credentials of task ${taskId} are no longer stored; start a new migration.`);
  }
  const { pim: _nested, ...pimOwn } = pim;
  return { ...account, pim: withTokens(deps, pimOwn, pimPassword, side) };
}

function withTokens(deps: { tokens?: TokenSource }, endpoint: Omit<AccountEndpoint, 'pim'>, secret: string, side: 'source' | 'destination'): AccountCredentials {
  const account = { ...endpoint, password: secret };
  if (endpoint.auth !== 'oauth2' || !deps.tokens) return account;
  return { ...account, tokens: sided(deps.tokens(endpoint, secret), side) };
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

/** An account given with its secret (a login check before any task exists), with its OAuth2 token provider when it has one. */
export function withTokenProvider(deps: { tokens?: TokenSource }, account: AccountCredentials): AccountCredentials {
  if (account.auth !== 'oauth2' || !deps.tokens) return account;
  const { password: _password, tokens: _tokens, pim: _pim, ...endpoint } = account;
  return { ...account, tokens: deps.tokens(endpoint, account.password) };
}
