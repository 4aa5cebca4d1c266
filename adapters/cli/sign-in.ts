import type { DeviceCode } from '../../src/auth/device';
import { parseAccountUrl, type Side } from '../../src/accounts';
import type { AccountCredentials } from '../../src/ports/account';
import type { CliIo } from './io';
import type { CliSession } from './session';

/** Tells the person at the terminal where to sign in and the code (on stderr: --json keeps stdout). */
export function showCode(io: CliIo, who: string): (code: DeviceCode) => void {
  return (code) => {
    const minutes = Math.max(1, Math.round(code.expiresInSeconds / 60));
    const direct = code.verificationUriComplete ? ` (or open ${code.verificationUriComplete})` : '';
    io.stderr(`To sign in ${who}, open ${code.verificationUri} and enter the code ${code.userCode}${direct}. The code expires in ${minutes} minute${minutes === 1 ? '' : 's'}; waiting…\n`);
  };
}

const PASSWORD_GIVEN = '(given)';

/** What a detected issuer's servers are, for the sentence that says what was detected. */
const PROVIDERS: Record<string, { product: string; label: string }> = {
  microsoft: { product: 'Microsoft 365', label: 'Microsoft' },
  google: { product: 'Google (Gmail / Google Workspace)', label: 'Google' },
};

/**
 * `tern migrate` / `plan` sign an OAuth2 account in first when it has no sign-in yet: on a
 * terminal with the device flow, in a script with the one-line refusal naming tern login and the
 * access-token variable. An account to be detected ("…@auto", or a bare address) given without a
 * password is detected first, so a Microsoft or Google one signs in rather than being asked a
 * password. Returns true when the account signs in with OAuth2 (no password to ask for).
 */
export async function signInFirst(io: CliIo, s: CliSession, url: string, side: Side, given: { accessToken?: string; password?: boolean }): Promise<boolean> {
  let account: AccountCredentials;
  try {
    // Parsed as migrate will parse it: a password given (its value does not matter here) keeps the account a password one.
    account = parseAccountUrl(url, side, given.password ? PASSWORD_GIVEN : undefined, given.accessToken);
  } catch {
    return false; // a bad URL is reported by migrate, with the other side's problems
  }
  if (account.host === 'auto') {
    // A password given is kept (an app password): nothing to detect first.
    if (account.password === PASSWORD_GIVEN) return false;
    account = (await s.service.detectAccount(account, side)).account;
    if (account.auth !== 'oauth2') return false;
    const provider = account.oauth && PROVIDERS[account.oauth.issuer];
    const domain = account.user.slice(account.user.lastIndexOf('@') + 1);
    if (provider) io.stderr(`${domain} is ${provider.product}: signing in with ${provider.label}${account.password ? ` (with the access token in ${side === 'source' ? 'TERN_FROM_ACCESS_TOKEN' : 'TERN_TO_ACCESS_TOKEN'})` : ''}.\n`);
  }
  if (account.auth !== 'oauth2' || (await s.service.hasSignIn(account))) return account.auth === 'oauth2';
  // Not a terminal: said now, before anything is checked or queued.
  if (!io.askSecret) await s.service.requireSignIn(account, side);
  const { issuer } = await s.service.signIn(account, side, showCode(io, `the ${side} account`), s.actor);
  io.stderr(`Signed in the ${side} account ${account.user} at ${issuer}.\n`);
  return true;
}
