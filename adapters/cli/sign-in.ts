import type { DeviceCode } from '../../src/auth/device';
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

/**
 * `tern migrate` on a terminal signs an OAuth2 account in first when it has no sign-in yet (a
 * script gets the one-line refusal from the service instead).
 */
export async function signInFirst(io: CliIo, s: CliSession, url: string, side: 'source' | 'destination', accessToken: string | undefined): Promise<void> {
  if (!io.askSecret) return;
  const { login, needsSignIn } = await import('../../commands/login');
  let needed: boolean;
  try {
    needed = needsSignIn(s.service, url, side, accessToken);
  } catch {
    return; // a bad URL is reported by migrate, with the other side's problems
  }
  if (!needed) return;
  const done = await login(s.service, { url, side }, showCode(io, `the ${side} account`), s.actor);
  io.stderr(`Signed in the ${side} account ${done.account} at ${done.issuer}.\n`);
}
