import { TernError } from '../errors';
import type { AccountCredentials, AccountEndpoint } from '../ports/account';

/** The built-in issuers, by name (their endpoints and scopes are src/auth's). */
export const ISSUER_PRESETS = ['microsoft', 'google'] as const;

/** The preset a mail server belongs to, for `?auth=oauth2` without `?issuer=`. */
export function presetForHost(host: string): string | undefined {
  const h = host.toLowerCase();
  if (/(^|\.)(office365\.com|outlook\.office\.com|outlook\.com)$/.test(h)) return 'microsoft';
  if (/(^|\.)(gmail\.com|googlemail\.com)$/.test(h)) return 'google';
  return undefined;
}

/** The URL query saying how an OAuth2 account signs in ("" for a password account). */
export function oauthQuery(a: AccountEndpoint): string[] {
  if (a.auth !== 'oauth2') return [];
  const q = ['auth=oauth2'];
  if (a.oauth && a.oauth.issuer !== presetForHost(a.host)) q.push(`issuer=${encodeURIComponent(a.oauth.issuer)}`);
  if (a.oauth?.clientId) q.push(`client_id=${encodeURIComponent(a.oauth.clientId)}`);
  if (a.oauth?.scope) q.push(`scope=${encodeURIComponent(a.oauth.scope)}`);
  return q;
}

/** True when the account logs in with an OAuth2 bearer token rather than a password. */
export const usesOAuth = (a: AccountEndpoint) => a.auth === 'oauth2';

/**
 * The account's access token: from its token provider, or the one a script gave (which cannot be
 * renewed). `renew` after the server refused the last one.
 */
export async function bearerToken(account: AccountCredentials, renew = false): Promise<string> {
  if (account.tokens) return account.tokens.accessToken({ renew });
  if (account.password && !renew) return account.password;
  throw new TernError('AUTH_FAILED', `No OAuth2 access token for ${account.user}: sign in with \`tern login\`, or give a fresh token in TERN_FROM_ACCESS_TOKEN / TERN_TO_ACCESS_TOKEN.`);
}

/** SASL XOAUTH2 (Google's and Microsoft's): user and bearer token, \x01-framed. */
export function xoauth2(user: string, token: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');
}

/** The server refused the token: expired, revoked, for another user, or without the mail scope. */
export function tokenRefused(protocol: string, account: AccountEndpoint, said?: string): TernError {
  const words = said ? `: ${said.trim().replace(/\.$/, '')}` : '';
  return new TernError(
    'AUTH_FAILED',
    `${protocol} server ${account.host}:${account.port} refused the OAuth2 token for ${account.user}${words}. The token may have expired, be for another user, or lack the mail scope: sign in again with \`tern login\` (asking for mail access).`,
    { serverCode: 'AUTHENTICATIONFAILED' },
  );
}

/** The server offers neither XOAUTH2 nor OAUTHBEARER: OAuth2 cannot work there. */
export function noOAuthMechanism(protocol: string, account: AccountEndpoint): TernError {
  return new TernError(
    'AUTH_FAILED',
    `${protocol} server ${account.host}:${account.port} does not offer OAuth2 sign-in (neither XOAUTH2 nor OAUTHBEARER): remove ?auth=oauth2 from the account URL and log in with a password.`,
  );
}
