import { TernError } from './errors';
import type { AccountCredentials, AccountEndpoint, Protocol } from './connectors/types';

/**
 * Account URLs: imap://user@host:port, imaps://…, pop3://…, pop3s://…, and Exchange as
 * ews://user@host/EWS/Exchange.asmx (HTTPS) or ews+http://… . The password comes from the URL's
 * userinfo (percent-encoded) or from a fallback (TERN_FROM_PASSWORD / TERN_TO_PASSWORD).
 * `?insecure=1` accepts a self-signed certificate. Exchange only: `?as=admin@domain` logs in as
 * that administrator (the password is theirs) and acts for the URL's mailbox by impersonation;
 * `?auth=ntlm` uses NTLM instead of Basic.
 */
const SCHEMES: Record<string, { protocol: Protocol; secure: boolean; port: number }> = {
  'imap:': { protocol: 'imap', secure: false, port: 143 },
  'imaps:': { protocol: 'imap', secure: true, port: 993 },
  'pop3:': { protocol: 'pop3', secure: false, port: 110 },
  'pop3s:': { protocol: 'pop3', secure: true, port: 995 },
  'ews:': { protocol: 'ews', secure: true, port: 443 },
  'ews+http:': { protocol: 'ews', secure: false, port: 80 },
};

/** Where Exchange serves EWS when the URL gives no path. */
export const DEFAULT_EWS_PATH = '/EWS/Exchange.asmx';

export type Side = 'source' | 'destination';

export function parseAccountUrl(input: string, side: Side, fallbackPassword?: string): AccountCredentials {
  const fail = (why: string) =>
    new TernError('BAD_ACCOUNT_URL', `The ${side} account URL is not valid: ${why}. Expected e.g. imaps://alice%40example.com@imap.example.com:993`, {
      field: side,
    });
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw fail('it is not a URL');
  }
  const scheme = SCHEMES[url.protocol];
  if (!scheme) {
    throw fail(`unknown scheme "${url.protocol.replace(/:$/, '')}" (use imap, imaps, pop3, pop3s, ews or ews+http)`);
  }
  if (!url.hostname) throw fail('the server name is missing');
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw fail('the user name or password has a broken %-escape');
  }
  if (!user) throw fail('the user name is missing (user@host)');
  password ||= fallbackPassword ?? '';
  if (!password) {
    const envName = side === 'source' ? 'TERN_FROM_PASSWORD' : 'TERN_TO_PASSWORD';
    throw new TernError('BAD_ACCOUNT_URL', `No password for the ${side} account ${user}: put it in the URL (user:password@host, percent-encoded) or in ${envName}.`, {
      field: side,
    });
  }
  const insecure = ['1', 'true', 'yes'].includes(url.searchParams.get('insecure') ?? '');
  const account: AccountCredentials = {
    protocol: scheme.protocol,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : scheme.port,
    secure: scheme.secure,
    insecure,
    user,
    password,
  };
  return scheme.protocol === 'ews' ? withExchangeOptions(account, url, fail) : account;
}

function withExchangeOptions(account: AccountCredentials, url: URL, fail: (why: string) => TernError): AccountCredentials {
  const admin = url.searchParams.get('as')?.trim();
  const auth = url.searchParams.get('auth')?.toLowerCase();
  if (auth && auth !== 'basic' && auth !== 'ntlm') throw fail(`unknown auth "${auth}" (use basic or ntlm)`);
  if (admin !== undefined && !admin.includes('@')) throw fail(`?as= takes the administrator's address (admin@domain), not "${admin}"`);
  const path = url.pathname && url.pathname !== '/' ? url.pathname : DEFAULT_EWS_PATH;
  return {
    ...account,
    path,
    ...(auth === 'ntlm' ? { auth: 'ntlm' as const } : {}),
    // Impersonation: the administrator logs in, the URL's user is the mailbox it acts for.
    ...(admin ? { user: admin, impersonate: account.user } : {}),
  };
}

/** The mailbox an account reaches: the impersonated one when an administrator acts for it. */
export function mailboxOf(a: AccountEndpoint): string {
  return a.impersonate ?? a.user;
}

/** The URL of an account without its password, for display and storage. */
export function formatAccount(a: AccountEndpoint): string {
  if (a.protocol === 'pst') return `pst:${a.user}`;
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  if (a.protocol === 'ews') {
    const query = [a.impersonate ? `as=${encodeURIComponent(a.user)}` : '', a.auth === 'ntlm' ? 'auth=ntlm' : '', a.insecure ? 'insecure=1' : ''].filter(Boolean).join('&');
    return `ews${a.secure ? '' : '+http'}://${encodeURIComponent(mailboxOf(a))}@${host}:${a.port}${a.path ?? DEFAULT_EWS_PATH}${query ? `?${query}` : ''}`;
  }
  const scheme = `${a.protocol}${a.secure ? 's' : ''}`;
  return `${scheme}://${encodeURIComponent(a.user)}@${host}:${a.port}${a.insecure ? '?insecure=1' : ''}`;
}

/** Drops the password from an account. */
export function endpointOf(a: AccountCredentials): AccountEndpoint {
  const { password: _password, ...endpoint } = a;
  return endpoint;
}
