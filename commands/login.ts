import { accountUrlOf, parseAccountUrl } from '../src/accounts';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { DeviceCode } from '../src/auth/device';

export interface LoginRequest {
  url: string;
  /** Which side of a migration the account is, when signing in for one (for the wording of errors). */
  side?: 'source' | 'destination';
}

/** Parse → sign in with the device code (shown through `show`) → the issuer it signed in at. */
export async function login(service: TernService, req: LoginRequest, show: (code: DeviceCode) => void | Promise<void>, actor: Actor, signal?: AbortSignal): Promise<{ issuer: string; account: string }> {
  // A bare address, or a server to be detected: the sign-in is the detected server's (Microsoft's, Google's).
  const account = parseAccountUrl(accountUrlOf(req.url), req.side ?? 'account');
  const { issuer } = await service.signIn(account, req.side ?? 'account', show, actor, signal);
  return { issuer, account: account.user };
}
