import * as oc from 'openid-client';
import { TernError } from '../errors';
import { formatAccount } from '../accounts';
import type { AccountEndpoint, TokenProvider, TokenSource } from '../ports/account';
import type { SignIns } from '../store/sign-ins';
import type { OAuthApp, OAuthApps } from '../store/oauth-apps';
import type { ConfiguredApp } from './configured-apps';
import { appIssuer, appTokens } from './app';
import { domainOf } from './domain';
import { issuerConfig, oauthErrorCode, reason, unreachable } from './client';
import { resolveIssuer, signInKey, type OAuthConfig } from './issuers';
import { audienceScope } from './audiences';

export interface TokenDeps {
  signIns: SignIns;
  /** App-only access per mail domain, used for accounts without a sign-in of their own. */
  apps: OAuthApps;
  /** App-only access configured in the environment (TERN_APP_*): it wins over the stored one. */
  configuredApps: ConfiguredApp[];
  oauth: OAuthConfig;
  timeoutMs: number;
}

/** A token is renewed this long before it expires, so no command goes out with one about to lapse. */
const EARLY_MS = 60_000;

/**
 * Where OAuth2 accounts' tokens come from: the access token a script gave (kept in the vault for
 * the task), or the account's stored sign-in, refreshed before it expires and when a server
 * refused it. One provider per account; concurrent connections share one refresh.
 */
export function tokenSource(deps: TokenDeps): TokenSource {
  return (account, secret) => {
    if (secret) return givenToken(account, secret);
    // A user's own sign-in first; else the administrator's app for the mailbox's domain. Chosen
    // on first use (the store answers asynchronously); a store error is retried on the next use.
    const choose = async (): Promise<TokenProvider> => {
      const app = (await deps.signIns.updatedAt(signInKey(account))) === undefined ? await appFor(deps, domainOf(account)) : undefined;
      return app ? appTokens(account, appIssuer(app, deps.oauth), deps.timeoutMs) : signedIn(account, deps);
    };
    let chosen: Promise<TokenProvider> | undefined;
    return {
      async accessToken(options) {
        chosen ??= choose().catch((err: unknown) => {
          chosen = undefined;
          throw err;
        });
        return (await chosen).accessToken(options);
      },
    };
  };
}

/** The app-only access for a mail domain: the configuration's (TERN_APP_*), else the one `tern app add` stored. */
export async function appFor(deps: Pick<TokenDeps, 'apps' | 'configuredApps'>, domain: string): Promise<OAuthApp | ConfiguredApp | undefined> {
  return deps.configuredApps.find((a) => a.domain === domain) ?? (await deps.apps.get(domain));
}

function givenToken(account: AccountEndpoint, token: string): TokenProvider {
  return {
    async accessToken(options) {
      if (!options?.renew) return token;
      throw new TernError('SIGN_IN_NEEDED', `The access token given for ${account.user} was refused (expired, or without mail access), and a given token cannot be renewed: give a fresh one, or sign in with tern login.`);
    },
  };
}

/** A stored sign-in's tokens, one cache per audience: the sign-in's own, and others by the refresh grant with their scope. */
function signedIn(account: AccountEndpoint, deps: TokenDeps): TokenProvider {
  const key = signInKey(account);
  const current = new Map<string, { token: string; expiresAt: number }>();
  const refreshing = new Map<string, Promise<string>>();
  const refresh = async (scope: string | undefined): Promise<string> => {
    const stored = await deps.signIns.get(key);
    if (!stored) throw signInNeeded(account, 'Tern has no sign-in for it');
    const issuer = resolveIssuer(account, deps.oauth, 'account');
    let tokens: oc.TokenEndpointResponse;
    try {
      tokens = await oc.refreshTokenGrant(await issuerConfig(issuer, deps.timeoutMs), stored.refreshToken, scope ? { scope } : undefined);
    } catch (err) {
      if (unreachable(err)) throw new TernError('UNREACHABLE', `Cannot reach ${issuer.label} to renew the sign-in of ${account.user} (${reason(err)}).`, { retryable: true });
      const code = oauthErrorCode(err);
      if (scope && code === 'invalid_scope') throw new TernError('AUTH_FAILED', `${issuer.label} gives no token for ${scope} from the sign-in of ${account.user} (${reason(err)}).`);
      if (code === 'invalid_grant') throw signInNeeded(account, `its sign-in at ${issuer.label} was revoked or has expired`);
      throw signInNeeded(account, `${issuer.label} refused to renew its sign-in: ${reason(err)}`);
    }
    // An issuer that rotates refresh tokens gives a new one with each use: keep it.
    if (tokens.refresh_token && tokens.refresh_token !== stored.refreshToken) await deps.signIns.put(key, { refreshToken: tokens.refresh_token, scope: scope ? stored.scope : (tokens.scope ?? stored.scope) });
    const lifetimeMs = (tokens.expires_in ?? 3600) * 1000;
    current.set(scope ?? '', { token: tokens.access_token, expiresAt: Date.now() + lifetimeMs - Math.min(EARLY_MS, lifetimeMs / 4) });
    return tokens.access_token;
  };
  return {
    async accessToken(options) {
      const scope = audienceScope(options?.audience, 'delegated');
      const slot = scope ?? '';
      const held = current.get(slot);
      if (!options?.renew && held && held.expiresAt > Date.now()) return held.token;
      if (options?.renew) current.delete(slot);
      let pending = refreshing.get(slot);
      if (!pending) {
        pending = refresh(scope).finally(() => refreshing.delete(slot));
        refreshing.set(slot, pending);
      }
      return pending;
    },
  };
}

function signInNeeded(account: AccountEndpoint, why: string): TernError {
  return new TernError('SIGN_IN_NEEDED', `${account.user} must sign in again (${why}): run tern login '${formatAccount(account)}'; the task goes on once signed in.`);
}
