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
  if (account.auth === 'oauth2' && !account.oauth) account = { ...account, oauth: { issuer: 'microsoft' } };
  const imapHost = url.searchParams.get('imap_host')?.trim();
  if (imapHost === undefined) return account;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(imapHost);
  if (!m || Number(m[2] ?? 1) < 1 || Number(m[2] ?? 1) > 65535) throw fail(`?imap_host= takes the IMAP server mail is written to, as host or host:port (outlook.office365.com:993), not "${imapHost}"`);
  return { ...account, imapHost: m[2] ? imapHost : `${imapHost}:${account.secure ? 993 : 143}` };
}

/** Exchange Online's IMAP server: where a graph:// account's mail is written when the tenant allows IMAP. */
export const EXCHANGE_ONLINE_IMAP = 'outlook.office365.com:993';

/**
 * The IMAP account a Microsoft 365 mailbox is written through: the same mailbox and sign-in (its token for Outlook),
 * at `?imap_host=` or Exchange Online's server (graph:// only: graph+http:// names a test or proxy
 * server and has no IMAP unless given one). TLS as the Graph URL has it.
 */
export function imapAccountOf(a: AccountCredentials): AccountCredentials | undefined {
  const hostPort = a.imapHost ?? (a.secure ? EXCHANGE_ONLINE_IMAP : undefined);
  if (!hostPort) return undefined;
  const cut = hostPort.lastIndexOf(':');
  return {
    protocol: 'imap',
    host: hostPort.slice(0, cut).replace(/^\[|\]$/g, ''),
    port: Number(hostPort.slice(cut + 1)),
    secure: a.secure,
    insecure: a.insecure,
    user: mailboxAddress(a),
    password: a.password,
    // Exchange Online's IMAP refuses a Graph token: the same sign-in gives one for Outlook.
    tokens: a.tokens && { accessToken: (options) => a.tokens!.accessToken({ ...options, audience: 'outlook' }) },
    auth: 'oauth2',
  };
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
  if (a.imapHost) query.push(`imap_host=${a.imapHost}`);
  return query.length ? `${url}?${query.join('&')}` : url;
}
