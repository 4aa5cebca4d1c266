import type { AccountCredentials, AccountEndpoint } from '../../ports/account';
import { oauthQuery } from '../oauth';

/** Microsoft Graph's public endpoint: `graph://` accounts name their tenant in the host, not a server. */
export const GRAPH_HOST = 'graph.microsoft.com';

/**
 * The Graph parts of an account URL. `graph://alice@contoso.com` is the mailbox
 * alice@contoso.com of the tenant contoso.com, reached at https://graph.microsoft.com;
 * `graph://alice%40contoso.com@contoso.onmicrosoft.com` names the mailbox in full. The plain-HTTP
 * form `graph+http://alice%40contoso.com@127.0.0.1:8080` talks to that host itself (tests, proxies):
 * the user must then be a whole address. `?auth=oauth2` signs in (delegated) at Microsoft, or at
 * the `?issuer=` given.
 */
export function graphOptions(account: AccountCredentials, url: URL, fail: (why: string) => Error): AccountCredentials {
  if (url.pathname && url.pathname !== '/') throw fail(`a Microsoft 365 URL has no path ("${url.pathname}"): remove it`);
  if (!account.secure && !account.user.includes('@')) throw fail(`graph+http:// talks to a server, not a tenant: give the whole mailbox address as the user (${account.user}%40example.com@${account.host})`);
  // ?auth=oauth2 alone: Microsoft 365 signs in at Microsoft.
  if (account.auth === 'oauth2' && !account.oauth) return { ...account, oauth: { issuer: 'microsoft' } };
  return account;
}

/** The mailbox's address: the user as given, or user@tenant for `graph://alice@contoso.com`. */
export function mailboxAddress(a: AccountEndpoint): string {
  return a.user.includes('@') ? a.user : `${a.user}@${a.host}`;
}

/** Where requests go: the public endpoint for graph://, the named server for graph+http://. */
export function apiBase(a: AccountEndpoint): string {
  return a.secure ? `https://${GRAPH_HOST}/v1.0` : `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}/v1.0`;
}

export function formatGraphUrl(a: AccountEndpoint, host: string): string {
  const url = a.secure ? `graph://${encodeURIComponent(a.user)}@${host}` : `graph+http://${encodeURIComponent(a.user)}@${host}:${a.port}`;
  // Microsoft is the issuer ?auth=oauth2 means on its own: not repeated.
  const query = oauthQuery(a).filter((q) => q !== 'issuer=microsoft');
  return query.length ? `${url}?${query.join('&')}` : url;
}
