import * as oc from 'openid-client';
import { TernError } from '../errors';
import type { AccountEndpoint, TokenProvider } from '../ports/account';
import type { OAuthApp } from '../store/oauth-apps';
import { issuerConfig, oauthErrorCode, reason, unreachable } from './client';
import type { OAuthConfig, ResolvedIssuer } from './issuers';
import { domainOf } from './domain';

/** Where an app registration gets its tokens: Microsoft's token endpoint for its tenant, or any issuer by discovery. */
export function appIssuer(app: OAuthApp, config: OAuthConfig): ResolvedIssuer {
  if (app.issuer === 'microsoft') {
    // App-only tokens come from the mailbox's own tenant: its domain names it.
    const tenant = config.microsoft?.tenant && config.microsoft.tenant !== 'organizations' && config.microsoft.tenant !== 'common' ? config.microsoft.tenant : app.domain;
    const base = `https://login.microsoftonline.com/${encodeURIComponent(tenant)}`;
    return {
      label: 'Microsoft',
      issuer: `${base}/v2.0`,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      scope: app.scope ?? 'https://outlook.office365.com/.default',
      metadata: { issuer: `${base}/v2.0`, token_endpoint: `${base}/oauth2/v2.0/token`, device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode` },
    };
  }
  return { label: new URL(app.issuer).host, issuer: app.issuer, clientId: app.clientId, clientSecret: app.clientSecret, scope: app.scope ?? '' };
}

/**
 * App-only tokens (client credentials grant) for any mailbox of the app's domain; renewed before
 * they expire and when a server refused one.
 */
export function appTokens(account: AccountEndpoint, issuer: ResolvedIssuer, timeoutMs: number): TokenProvider {
  let current: { token: string; expiresAt: number } | undefined;
  let fetching: Promise<string> | undefined;
  const fetch = async () => {
    let tokens: oc.TokenEndpointResponse;
    try {
      tokens = await oc.clientCredentialsGrant(await issuerConfig(issuer, timeoutMs), issuer.scope ? { scope: issuer.scope } : {});
    } catch (err) {
      if (unreachable(err)) throw new TernError('UNREACHABLE', `Cannot reach ${issuer.label} for an app token for ${account.user} (${reason(err)}).`, { retryable: true });
      const code = oauthErrorCode(err);
      const what = code === 'invalid_client' || code === 'unauthorized_client' ? 'refused the app client id or secret' : 'refused an app token';
      throw new TernError('SIGN_IN_NEEDED', `${issuer.label} ${what} for ${domainOf(account)} (${reason(err)}): check it with tern app add (client id, secret, admin consent).`);
    }
    const lifetimeMs = (tokens.expires_in ?? 3600) * 1000;
    current = { token: tokens.access_token, expiresAt: Date.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 4) };
    return current.token;
  };
  return {
    async accessToken(options) {
      if (!options?.renew && current && current.expiresAt > Date.now()) return current.token;
      fetching ??= fetch().finally(() => (fetching = undefined));
      return fetching;
    },
  };
}
