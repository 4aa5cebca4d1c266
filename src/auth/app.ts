import * as oc from 'openid-client';
import { TernError } from '../errors';
import type { AccountEndpoint, TokenProvider } from '../ports/account';
import type { OAuthApp } from '../store/oauth-apps';
import { issuerConfig, oauthErrorCode, reason, unreachable } from './client';
import { microsoftBase, type OAuthConfig, type ResolvedIssuer } from './issuers';
import { serviceAccountAssertion } from './assertions';
import { domainOf } from './domain';
import type { ConfiguredApp } from './configured-apps';
import { audienceScope } from './audiences';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google: full mail access, the one scope its IMAP and POP3 take. */
const GOOGLE_MAIL_SCOPE = 'https://mail.google.com/';

/** Where an app registration gets its tokens: Microsoft's token endpoint for its tenant, Google's (the key file's) for a service account, or any issuer by discovery. */
export function appIssuer(app: OAuthApp & Partial<Pick<ConfiguredApp, 'tenant' | 'variables'>>, config: OAuthConfig): ResolvedIssuer {
  return { ...issuerOf(app, config), ...(app.variables ? { configuredBy: app.variables } : {}) };
}

function issuerOf(app: OAuthApp & { tenant?: string }, config: OAuthConfig): ResolvedIssuer {
  const credential = app.credential;
  const auth = credential.kind === 'secret' ? { clientSecret: credential.secret } : credential.kind === 'certificate' ? { certificate: credential } : {};
  if (credential.kind === 'service-account') {
    return {
      label: app.issuer === 'google' ? 'Google' : new URL(credential.tokenUri).host,
      issuer: app.issuer === 'google' ? 'https://accounts.google.com' : app.issuer,
      clientId: credential.clientEmail,
      scope: app.scope ?? GOOGLE_MAIL_SCOPE,
      metadata: { issuer: app.issuer === 'google' ? 'https://accounts.google.com' : app.issuer, token_endpoint: credential.tokenUri },
      serviceAccount: credential,
    };
  }
  if (app.issuer === 'microsoft') {
    // App-only tokens come from the mailbox's own tenant: its domain names it.
    const tenant = app.tenant ?? (config.microsoft?.tenant && config.microsoft.tenant !== 'organizations' && config.microsoft.tenant !== 'common' ? config.microsoft.tenant : app.domain);
    const base = microsoftBase(config, tenant);
    return {
      label: 'Microsoft',
      issuer: `${base}/v2.0`,
      clientId: app.clientId,
      ...auth,
      scope: app.scope ?? 'https://outlook.office365.com/.default',
      metadata: { issuer: `${base}/v2.0`, token_endpoint: `${base}/oauth2/v2.0/token`, device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode` },
    };
  }
  return { label: new URL(app.issuer).host, issuer: app.issuer, clientId: app.clientId, ...auth, scope: app.scope ?? '' };
}

/**
 * App-only tokens for any mailbox of the app's domain: the client credentials grant (a secret or
 * a certificate), or for a service account the JWT bearer grant acting for the mailbox (`subject`;
 * none when only checking the key). Renewed before they expire and when a server refused one.
 */
export function appTokens(account: AccountEndpoint, issuer: ResolvedIssuer, timeoutMs: number, subject: string | undefined = account.user): TokenProvider {
  // One cache per scope: the app's own, and another resource's (Exchange Online's IMAP) by its ".default".
  const current = new Map<string, { token: string; expiresAt: number }>();
  const fetching = new Map<string, Promise<string>>();
  const fetch = async (scope: string) => {
    let tokens: oc.TokenEndpointResponse;
    try {
      const config = await issuerConfig(issuer, timeoutMs);
      if (issuer.serviceAccount) {
        tokens = await oc.genericGrantRequest(config, JWT_BEARER, { assertion: await serviceAccountAssertion(issuer.serviceAccount, scope, subject) });
      } else {
        tokens = await oc.clientCredentialsGrant(config, scope ? { scope } : {});
      }
    } catch (err) {
      if (err instanceof TernError) throw err;
      if (unreachable(err)) throw new TernError('UNREACHABLE', `Cannot reach ${issuer.label} for an app token for ${account.user} (${reason(err)}).`, { retryable: true });
      throw refused(issuer, account, err);
    }
    const lifetimeMs = (tokens.expires_in ?? 3600) * 1000;
    current.set(scope, { token: tokens.access_token, expiresAt: Date.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 4) });
    return tokens.access_token;
  };
  return {
    async accessToken(options) {
      // Google's service accounts have one scope for all mail: no other audience to ask for.
      const scope = (!issuer.serviceAccount && audienceScope(options?.audience, 'appOnly')) || issuer.scope;
      const held = current.get(scope);
      if (!options?.renew && held && held.expiresAt > Date.now()) return held.token;
      let pending = fetching.get(scope);
      if (!pending) {
        pending = fetch(scope).finally(() => fetching.delete(scope));
        fetching.set(scope, pending);
      }
      return pending;
    },
  };
}

function refused(issuer: ResolvedIssuer, account: AccountEndpoint, err: unknown): TernError {
  const code = oauthErrorCode(err);
  const bad = code === 'invalid_client' || code === 'unauthorized_client';
  if (issuer.serviceAccount) {
    const what = bad || code === 'invalid_grant' ? `refused the service account ${issuer.clientId}` : 'refused a token for the service account';
    return new TernError('SIGN_IN_NEEDED', `${issuer.label} ${what} for ${domainOf(account)} (${reason(err)}): check its key file and that domain-wide delegation allows it the mail scope, ${fixWith(issuer)}.`);
  }
  const proof = issuer.certificate ? 'certificate' : 'secret';
  const what = bad ? `refused the app client id or ${proof}` : 'refused an app token';
  return new TernError('SIGN_IN_NEEDED', `${issuer.label} ${what} for ${domainOf(account)} (${reason(err)}): check ${issuer.configuredBy ?? 'it with tern app add'} (client id, ${proof}, admin consent).`);
}

/** Where the app's registration is corrected: the configuration's variables, or tern app add. */
const fixWith = (issuer: ResolvedIssuer) => (issuer.configuredBy ? `in ${issuer.configuredBy}` : 'with tern app add');
