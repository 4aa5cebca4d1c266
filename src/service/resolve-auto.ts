import type { AccountCredentials } from '../ports/account';
import { AUTO_HOST, formatAccount, noPassword, type Side } from '../accounts';
import { bestOf, detectSettings, type Network } from '../connectors/autodetect';
import { detectDav } from '../connectors/autodetect/dav';
import { presetsForDomain } from '../connectors/autodetect/presets';
import { CONNECTORS, detectableFor } from '../connectors/registry';
import { TernError } from '../errors';

/**
 * Replaces an account given as `…@auto` by the best detected server of its protocol (a source may
 * fall back from IMAP to POP3). Returns what was chosen, and why, for the task.
 */
export async function resolveAuto(account: AccountCredentials, side: Side, network: Network, options: { passwordLater?: boolean } = {}): Promise<{ account: AccountCredentials; detected?: string }> {
  if (account.host !== AUTO_HOST) return { account };
  const resolved = await resolveAutoHost(account, side, network);
  // Given without a password, as a Microsoft or Google account needs none: any other server does (unless the caller asks for it next).
  if (!resolved.account.password && resolved.account.auth !== 'oauth2' && !options.passwordLater) {
    const found = resolved.detected ? ` (${resolved.detected.replace(/^\w+ /, '')})` : '';
    throw noPassword(side, `${side} `, account.user, found);
  }
  return resolved;
}

async function resolveAutoHost(account: AccountCredentials, side: Side, network: Network): Promise<{ account: AccountCredentials; detected?: string }> {
  const label = side === 'source' ? 'Source' : 'Destination';
  if (!account.user.includes('@')) {
    throw new TernError('BAD_ACCOUNT_URL', `${label} account: "${account.user}" is not an e-mail address, so its server cannot be detected; give the server instead of "auto".`, { field: side });
  }
  if (CONNECTORS[account.protocol].detect === 'autodiscover') return resolveExchange(account, side, network);
  if (CONNECTORS[account.protocol].detect === 'dav') return resolveDav(account, side, network);
  // No password here: Autodiscover is not needed to find a server from DNS and presets.
  const detection = await detectSettings(account.user, { network });
  const wanted = detectableFor(side, account.protocol);
  const best = bestOf(detection, wanted);
  if (!best || best.protocol === 'ews') {
    const kinds = wanted.map((p) => p.toUpperCase()).join(' or ');
    throw new TernError('BAD_ACCOUNT_URL', `${label} account: no ${kinds} server was found for ${detection.domain}. ${detection.notes.join(' ')} Give the server instead of "auto" (e.g. imaps://user@imap.${detection.domain}).`.replace(/\s+/g, ' ').trim(), { field: side });
  }
  const chosen: AccountCredentials = { ...account, protocol: best.protocol, host: best.host, port: best.port, secure: best.secure, user: best.username ?? account.user };
  const withOAuth = withDetectedOAuth(chosen, best.oauth);
  if (account.protocol === 'imap' && withOAuth.auth === 'oauth2' && isMicrosoft365(best, detection.domain)) return asGraph(withOAuth, side, detection.domain, best.detail);
  const detected = `${side} settings detected: ${best.protocol.toUpperCase()} ${best.host}:${best.port}${best.secure ? ' (TLS)' : ''}, from ${best.detail}`;
  return { account: withOAuth, detected: detected + oauthSaid(chosen, best.oauth) };
}

/**
 * A Microsoft 365 tenant: Microsoft's servers for a domain of its own (found by its MX, autoconfig
 * or SRV), not one of Outlook.com's consumer domains (hotmail.com, outlook.com…), whose personal
 * accounts stay on IMAP.
 */
function isMicrosoft365(best: { oauth?: string }, domain: string): boolean {
  return best.oauth === 'microsoft' && !presetsForDomain(domain).some((p) => p.oauth === 'microsoft');
}

/**
 * A Microsoft 365 address signing in with Microsoft is reached through Microsoft Graph, whatever is
 * moved: Exchange Online switched EWS off on 1 October 2026, and Graph carries e-mails and every
 * other kind Tern moves but contact groups (IMAP would carry e-mails only).
 */
function asGraph(account: AccountCredentials, side: Side, domain: string, how: string): { account: AccountCredentials; detected: string } {
  const graph: AccountCredentials = { ...account, protocol: 'graph', host: domain, port: 443, secure: true, path: undefined };
  return {
    account: graph,
    detected: `${side} settings detected: Microsoft 365 (${formatAccount(graph)}, through Microsoft Graph: e-mails, contacts, calendars, tasks, inbox rules and automatic replies), from ${how}; signs in with OAuth2 at Microsoft (no password needed)`,
  };
}

const ISSUER_NAMES = { microsoft: 'Microsoft', google: 'Google' } as const;

/**
 * Microsoft's and Google's servers sign in with OAuth2: chosen for an account given without a
 * password (a password given is kept: it may be an app password), with the detected issuer.
 */
function withDetectedOAuth(account: AccountCredentials, issuer: 'microsoft' | 'google' | undefined): AccountCredentials {
  if (!issuer || (account.auth !== 'oauth2' && account.password)) return account;
  return { ...account, auth: 'oauth2', oauth: account.oauth ?? { issuer } };
}

function oauthSaid(account: AccountCredentials, issuer: 'microsoft' | 'google' | undefined): string {
  if (!issuer) return '';
  if (account.auth === 'oauth2' || !account.password) return `; signs in with OAuth2 at ${ISSUER_NAMES[issuer]} (no password needed)`;
  return `; the password given is used (an app password), though ${ISSUER_NAMES[issuer]} prefers OAuth2: leave the password out to sign in with ${ISSUER_NAMES[issuer]} instead`;
}

/** CalDAV/CardDAV without a server: RFC 6764 SRV records (and TXT path=) of the address's domain. */
async function resolveDav(account: AccountCredentials, side: Side, network: Network): Promise<{ account: AccountCredentials; detected?: string }> {
  const label = side === 'source' ? 'Source' : 'Destination';
  const domain = account.user.slice(account.user.lastIndexOf('@') + 1).toLowerCase();
  const [best] = await detectDav(network, domain);
  if (!best) {
    throw new TernError('BAD_ACCOUNT_URL', `${label} account: no CalDAV/CardDAV server was found for ${domain} (no _caldavs._tcp or _carddavs._tcp DNS record). Give the server instead of "auto" (e.g. dav://user@dav.${domain}/).`, { field: side });
  }
  const chosen: AccountCredentials = { ...account, host: best.host, port: best.port, secure: best.secure, path: best.path };
  return { account: chosen, detected: `${side} CalDAV/CardDAV settings detected: ${best.secure ? 'https' : 'http'}://${best.host}:${best.port}${best.path}, from ${best.detail}` };
}

/** Exchange without a server: Autodiscover (it needs the password, sent only inside the address's domain). */
async function resolveExchange(account: AccountCredentials, side: Side, network: Network): Promise<{ account: AccountCredentials; detected?: string }> {
  const label = side === 'source' ? 'Source' : 'Destination';
  const detection = await detectSettings(account.user, { network, password: account.password });
  const best = detection.candidates.find((c) => c.protocol === 'ews' && c.ewsUrl);
  if (!best?.ewsUrl) {
    throw new TernError('BAD_ACCOUNT_URL', `${label} account: Autodiscover found no Exchange server for ${detection.domain}. ${detection.notes.join(' ')} Give the EWS URL instead (e.g. https://mail.${detection.domain}/EWS/Exchange.asmx).`.replace(/\s+/g, ' ').trim(), { field: side });
  }
  const url = new URL(best.ewsUrl);
  const secure = url.protocol === 'https:';
  const chosen: AccountCredentials = { ...account, host: url.hostname, port: url.port ? Number(url.port) : secure ? 443 : 80, secure, path: url.pathname, user: best.username ?? account.user };
  return { account: chosen, detected: `${side} settings detected: Exchange ${best.ewsUrl}, from ${best.detail}` };
}
