import { TernError } from './errors';
import { mailboxOf, type AccountCredentials, type AccountEndpoint } from './ports/account';
import { ACCOUNT_SCHEMES, CONNECTORS, byScheme, type ConnectorInfo } from './connectors/registry';
import { ISSUER_PRESETS, oauthQuery, presetForHost } from './connectors/oauth';

export { mailboxOf };

export type Side = 'source' | 'destination';

/**
 * Account URLs: each account kind's schemes come from the connector registry (imap, imaps, pop3,
 * pop3s, ews, ews+http, …). The password comes from the URL's userinfo (percent-encoded) or from
 * a fallback (TERN_FROM_PASSWORD / TERN_TO_PASSWORD). `?insecure=1` accepts a self-signed
 * certificate; a kind may read more of the URL (Exchange: `?as=`, `?auth=`, the EWS path).
 */
export function parseAccountUrl(input: string, side: Side | 'account', fallbackPassword?: string, accessToken?: string): AccountCredentials {
  const who = side === 'account' ? '' : `${side} `;
  const fail = (why: string) =>
    new TernError('BAD_ACCOUNT_URL', `The ${who}account URL is not valid: ${why}. Expected e.g. imaps://alice%40example.com@imap.example.com:993`, {
      field: side,
    });
  const text = input.trim();
  // The URL parser drops tabs and line breaks silently; an account name must not change unseen.
  if (CONTROL.test(text)) throw fail('it contains a line break or another control character; give it on one line');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fail(whyNotAUrl(text));
  }
  const scheme = byScheme(url.protocol);
  if (!scheme) {
    const names = ACCOUNT_SCHEMES;
    throw fail(`unknown scheme "${url.protocol.replace(/:$/, '')}" (use ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]})`);
  }
  if (!url.hostname) throw fail('the server name is missing (user@host)');
  if (url.port === '0') throw fail('port 0 is not a port; use a number from 1 to 65535, or leave it out for the default');
  let user: string;
  let password: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw fail('the user name or password has a broken %-escape');
  }
  if (!user) throw fail('the user name is missing (user@host)');
  if (CONTROL.test(user)) throw fail('the user name contains a line break or another control character (%0D, %0A…)');
  if (CONTROL.test(password)) throw fail('the password contains a line break or another control character (%0D, %0A…)');
  checkUrlOptions(url, scheme.info, fail);
  if (!scheme.info.urlOptions && url.pathname && url.pathname !== '/') throw fail(`${article(scheme.info.label)} ${scheme.info.label} URL has no path ("${url.pathname}"): remove it`);
  const oauth = oauthOptions(url, scheme.info.protocol, fail);
  if (oauth && password) throw fail('it has a password and ?auth=oauth2: an OAuth2 account signs in with a token; remove the password');
  // OAuth2: a token a script gave, or none (a stored sign-in gives them).
  password ||= (oauth ? accessToken : fallbackPassword) ?? '';
  // A server to be detected, given a token and no password: OAuth2, at the issuer detection finds.
  const tokenForAuto = !password && !oauth && url.hostname === AUTO_HOST && accessToken ? { auth: 'oauth2' as const } : undefined;
  if (tokenForAuto) password = accessToken!;
  if (!password && !oauth && scheme.info.protocol === 'graph') {
    const envName = side === 'source' ? 'TERN_FROM_ACCESS_TOKEN' : 'TERN_TO_ACCESS_TOKEN';
    throw new TernError('BAD_ACCOUNT_URL', `No access token for the ${side} Microsoft 365 account ${user}: add ?auth=oauth2 to sign in with Microsoft (tern login), or set ${envName}.`, { field: side });
  }
  // A server to be detected ("auto") may turn out to be Microsoft's or Google's, which sign in with OAuth2: checked once detected.
  if (!password && !oauth && url.hostname !== AUTO_HOST) throw noPassword(side, who, user);
  const insecure = TRUE_WORDS.includes(url.searchParams.get('insecure')?.toLowerCase() ?? '');
  const account: AccountCredentials = {
    protocol: scheme.info.protocol,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : scheme.port,
    secure: scheme.secure,
    insecure,
    user,
    password,
    ...(oauth ?? tokenForAuto),
  };
  return scheme.info.urlOptions ? scheme.info.urlOptions(account, url, fail) : account;
}

/** A bare e-mail address stands for its detected server: `imaps://alice%40example.com@auto` (the URL otherwise, as given). */
export function accountUrlOf(text: string): string {
  const t = text.trim();
  return /^[^\s@:/]+@[^\s@:/]+\.[^\s@:/]+$/.test(t) ? `imaps://${encodeURIComponent(t)}@auto` : text;
}

/**
 * `?auth=oauth2` with, optionally, `?issuer=` (a URL, or microsoft / google; by default the
 * preset of the server's host), `?client_id=` and `?scope=`. These need auth=oauth2.
 */
export function oauthOptions(url: URL, protocol: string, fail: (why: string) => Error): Pick<AccountCredentials, 'auth' | 'oauth'> | undefined {
  const q = url.searchParams;
  const auth = q.get('auth')?.toLowerCase();
  // Exchange reads its own (basic, ntlm) in its URL options.
  if (protocol !== 'ews' && auth !== undefined && auth !== 'oauth2' && auth !== 'password') throw fail(`?auth= takes oauth2 (sign in with OAuth2) or password, not "${q.get('auth')}"`);
  if (auth !== 'oauth2') {
    const stray = ['issuer', 'client_id', 'scope'].find((k) => q.has(k));
    if (stray) throw fail(`?${stray}= needs ?auth=oauth2 as well`);
    return undefined;
  }
  let issuer = q.get('issuer')?.trim() || presetForHost(url.hostname);
  if (issuer !== undefined && !(ISSUER_PRESETS as readonly string[]).includes(issuer.toLowerCase())) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(issuer);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) throw fail(`?issuer= takes the authorization server's URL (https://…) or ${ISSUER_PRESETS.join(' or ')}, not "${issuer}"`);
    issuer = parsed.href.replace(/\/$/, '');
  } else issuer = issuer?.toLowerCase();
  const clientId = q.get('client_id')?.trim() || undefined;
  const scope = q.get('scope')?.trim() || undefined;
  if (!issuer && clientId) throw fail('?client_id= needs ?issuer= (the authorization server it belongs to)');
  return { auth: 'oauth2', ...(issuer ? { oauth: { issuer, ...(clientId ? { clientId } : {}), ...(scope ? { scope } : {}) } } : {}) };
}

const CONTROL = /[\x00-\x1f\x7f]/;
const TRUE_WORDS = ['1', 'true', 'yes'];
const FALSE_WORDS = ['0', 'false', 'no'];

/** Options every kind takes, with what they accept; a kind adds its own (registry `urlOptionNames`). */
function checkUrlOptions(url: URL, info: ConnectorInfo, fail: (why: string) => Error): void {
  const known = ['insecure', ...(info.urlOptionNames ?? [])];
  for (const [name, value] of url.searchParams) {
    if (!known.includes(name)) {
      const takes = known.map((k) => `?${k}=`).join(', ');
      throw fail(`unknown option "?${name}" (${article(info.label)} ${info.label} URL takes ${takes})`);
    }
    if (name === 'insecure' && ![...TRUE_WORDS, ...FALSE_WORDS].includes(value.toLowerCase())) {
      throw fail(`?insecure= takes 1 (accept a self-signed certificate) or 0, not "${value}"`);
    }
  }
}

const article = (word: string) => (/^[AEIOU]/.test(word) ? 'an' : 'a');

/** Why `new URL` refused the text, in the user's terms: the port, the host, or the shape. */
function whyNotAUrl(text: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^/?#]*@)?([^/?#@]*)/i.exec(text);
  if (!m) return 'it is not a URL (scheme://user@host)';
  const hostPort = m[2];
  const port = /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(hostPort)?.[1];
  const host = port === undefined ? hostPort : hostPort.slice(0, hostPort.length - port.length - 1);
  if (!host) return 'the server name is missing (user@host)';
  if (port !== undefined && !/^\d+$/.test(port)) return `the port "${port}" is not a number; use a number from 1 to 65535, or leave it out for the default`;
  if (port !== undefined && Number(port) > 65535) return `port ${port} is out of range; use a number from 1 to 65535, or leave it out for the default`;
  return `"${host}" is not a server name`;
}

/** The host name that means "detect the server from the address". */
export const AUTO_HOST = 'auto';

/** The URL of an account without its password, for display and storage. */
export function formatAccount(a: AccountEndpoint): string {
  // An IMAP account with its CalDAV/CardDAV companion shows both.
  if (a.pim) return `${formatAccount({ ...a, pim: undefined })} + ${formatAccount(a.pim)}`;
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  const info = CONNECTORS[a.protocol];
  if (info.formatUrl) return info.formatUrl(a, host);
  const scheme = Object.entries(info.schemes).find(([, s]) => s.secure === a.secure)?.[0] ?? `${a.protocol}:`;
  const query = [...oauthQuery(a), a.insecure ? 'insecure=1' : ''].filter(Boolean).join('&');
  return `${scheme}//${encodeURIComponent(a.user)}@${host}:${a.port}${query ? `?${query}` : ''}`;
}

/** Drops the password (and token provider) from an account. */
export function endpointOf(a: AccountCredentials): AccountEndpoint {
  const { password: _password, tokens: _tokens, pim, ...endpoint } = a;
  return pim ? { ...endpoint, pim: endpointOf(pim) } : endpoint;
}

/**
 * Refuses a destination that is the source itself (same kind, server, port and mailbox): Tern would
 * copy the mailbox onto itself, doubling every message.
 */
export function refuseSameMailbox(source: AccountEndpoint, destination: AccountEndpoint): void {
  const same =
    source.protocol === destination.protocol &&
    source.host.toLowerCase() === destination.host.toLowerCase() &&
    source.port === destination.port &&
    mailboxOf(source).toLowerCase() === mailboxOf(destination).toLowerCase();
  if (same) {
    throw new TernError('BAD_ACCOUNT_URL', `The destination is the source itself (${formatAccount(destination)}): Tern would copy the mailbox onto itself. Name another mailbox or server as the destination.`, {
      field: 'destination',
    });
  }
}

/** An account that logs in with a password was given none. */
export function noPassword(side: Side | 'account', who: string, user: string, found = ''): TernError {
  const envName = side === 'source' ? 'TERN_FROM_PASSWORD' : 'TERN_TO_PASSWORD';
  const fileOption = side === 'source' ? '--from-password-file' : '--to-password-file';
  return new TernError('BAD_ACCOUNT_URL', `No password for the ${who}account ${user}${found}: set ${envName}, give ${fileOption}, or type it when asked on a terminal.`, { field: side });
}
