import { TernError } from './errors';
import { mailboxOf, type AccountCredentials, type AccountEndpoint } from './ports/account';
import { ACCOUNT_SCHEMES, CONNECTORS, byScheme } from './connectors/registry';

export { mailboxOf };

export type Side = 'source' | 'destination';

/**
 * Account URLs: each account kind's schemes come from the connector registry (imap, imaps, pop3,
 * pop3s, ews, ews+http, …). The password comes from the URL's userinfo (percent-encoded) or from
 * a fallback (TERN_FROM_PASSWORD / TERN_TO_PASSWORD). `?insecure=1` accepts a self-signed
 * certificate; a kind may read more of the URL (Exchange: `?as=`, `?auth=`, the EWS path).
 */
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
  const scheme = byScheme(url.protocol);
  if (!scheme) {
    const names = ACCOUNT_SCHEMES;
    throw fail(`unknown scheme "${url.protocol.replace(/:$/, '')}" (use ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]})`);
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
    protocol: scheme.info.protocol,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : scheme.port,
    secure: scheme.secure,
    insecure,
    user,
    password,
  };
  return scheme.info.urlOptions ? scheme.info.urlOptions(account, url, fail) : account;
}

/** The URL of an account without its password, for display and storage. */
export function formatAccount(a: AccountEndpoint): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  const info = CONNECTORS[a.protocol];
  if (info.formatUrl) return info.formatUrl(a, host);
  const scheme = Object.entries(info.schemes).find(([, s]) => s.secure === a.secure)?.[0] ?? `${a.protocol}:`;
  return `${scheme}//${encodeURIComponent(a.user)}@${host}:${a.port}${a.insecure ? '?insecure=1' : ''}`;
}

/** Drops the password from an account. */
export function endpointOf(a: AccountCredentials): AccountEndpoint {
  const { password: _password, ...endpoint } = a;
  return endpoint;
}
