import { TernError } from '../errors';
import type { AccountEndpoint } from '../ports/account';

/** What Tern needs to reach an issuer for one account: endpoints (a preset's, or by discovery), client and scopes. */
export interface ResolvedIssuer {
  /** How people call it ("Microsoft", or the issuer's host). */
  label: string;
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scope: string;
  /** A preset's endpoints, known without discovery (Microsoft's multi-tenant issuer does not match its metadata). */
  metadata?: { issuer: string; token_endpoint: string; device_authorization_endpoint?: string; revocation_endpoint?: string };
  /** App-only with a certificate: the client authenticates with an assertion signed by its key (private_key_jwt), naming the certificate (x5t). */
  certificate?: { privateKeyPem: string; thumbprint: string };
  /** App-only access configured in the environment: its variables (TERN_APP_MICROSOFT_*), named when it is refused. */
  configuredBy?: string;
  /** A Google service account: tokens by the JWT bearer grant, for each mailbox. */
  serviceAccount?: { clientEmail: string; privateKeyPem: string; keyId?: string; tokenUri: string };
}

/** The built-in issuers' client registrations, from the configuration (TERN_MICROSOFT_*, TERN_GOOGLE_*). */
export interface OAuthConfig {
  microsoft?: { clientId: string; tenant: string };
  /** Microsoft's sign-in host (a national cloud's, or a proxy); unset: https://login.microsoftonline.com. */
  microsoftLogin?: string;
  google?: { clientId: string; clientSecret?: string };
}

const MICROSOFT_MAIL = 'https://outlook.office.com';
const GRAPH = 'https://graph.microsoft.com';
/**
 * Microsoft Graph (a Microsoft 365 account): everything Tern moves (the Graph connector's
 * NEEDED_SCOPES; auth may not import connectors), and a refresh token. A token is for one
 * resource: Graph's is not Outlook's.
 */
const MICROSOFT_GRAPH_SCOPE = `offline_access ${['Mail.ReadWrite', 'Contacts.ReadWrite', 'Calendars.ReadWrite', 'Tasks.ReadWrite', 'MailboxSettings.ReadWrite'].map((s) => `${GRAPH}/${s}`).join(' ')}`;
/** Microsoft: IMAP, POP3 and EWS mail access, and a refresh token. */
const MICROSOFT_SCOPE = `offline_access ${MICROSOFT_MAIL}/IMAP.AccessAsUser.All ${MICROSOFT_MAIL}/POP.AccessAsUser.All ${MICROSOFT_MAIL}/EWS.AccessAsUser.All`;
/** Google: full mail access is the only scope its IMAP and POP3 take. */
const GOOGLE_SCOPE = 'https://mail.google.com/';
/** Any other issuer: a refresh token; the mail scope its servers want goes in ?scope=. */
const DEFAULT_SCOPE = 'openid offline_access';

/** The issuer, client and scopes an OAuth2 account signs in with; one clear sentence when something is missing. */
export function resolveIssuer(account: AccountEndpoint, config: OAuthConfig, side: string): ResolvedIssuer {
  const oauth = account.oauth;
  if (!oauth) {
    throw new TernError('BAD_ACCOUNT_URL', `${theAccount(side)} ${account.user} has ?auth=oauth2 but no issuer to sign in at: add ?issuer=URL&client_id=… (or issuer=microsoft / issuer=google), or give an access token in ${side === 'destination' ? 'TERN_TO_ACCESS_TOKEN' : 'TERN_FROM_ACCESS_TOKEN'}.`, { field: side });
  }
  if (oauth.issuer === 'microsoft') {
    const clientId = oauth.clientId ?? config.microsoft?.clientId;
    if (!clientId) throw missingClient(side, 'Microsoft', 'TERN_MICROSOFT_CLIENT_ID');
    const tenant = config.microsoft?.tenant ?? 'organizations';
    const base = microsoftBase(config, tenant);
    return {
      label: 'Microsoft',
      issuer: `${base}/v2.0`,
      clientId,
      scope: oauth.scope ?? (account.protocol === 'graph' ? MICROSOFT_GRAPH_SCOPE : MICROSOFT_SCOPE),
      metadata: { issuer: `${base}/v2.0`, token_endpoint: `${base}/oauth2/v2.0/token`, device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode` },
    };
  }
  if (oauth.issuer === 'google') {
    const clientId = oauth.clientId ?? config.google?.clientId;
    if (!clientId) throw missingClient(side, 'Google', 'TERN_GOOGLE_CLIENT_ID');
    return {
      label: 'Google',
      issuer: 'https://accounts.google.com',
      clientId,
      // Google's device clients ("TVs and limited input devices") have a secret that is not secret.
      clientSecret: oauth.clientId ? undefined : config.google?.clientSecret,
      scope: oauth.scope ?? GOOGLE_SCOPE,
      metadata: {
        issuer: 'https://accounts.google.com',
        token_endpoint: 'https://oauth2.googleapis.com/token',
        device_authorization_endpoint: 'https://oauth2.googleapis.com/device/code',
        revocation_endpoint: 'https://oauth2.googleapis.com/revoke',
      },
    };
  }
  if (!oauth.clientId) {
    throw new TernError('BAD_ACCOUNT_URL', `${theAccount(side)} ${account.user} names the issuer ${oauth.issuer} but no client: add &client_id=… (the application registered there for Tern).`, { field: side });
  }
  return { label: new URL(oauth.issuer).host, issuer: oauth.issuer, clientId: oauth.clientId, scope: oauth.scope ?? DEFAULT_SCOPE };
}

/** Microsoft's endpoints for a tenant, at its sign-in host. */
export function microsoftBase(config: OAuthConfig, tenant: string): string {
  return `${(config.microsoftLogin ?? 'https://login.microsoftonline.com').replace(/\/+$/, '')}/${encodeURIComponent(tenant)}`;
}

const theAccount = (side: string) => (side === 'account' ? 'The account' : `The ${side} account`);

function missingClient(side: string, who: string, env: string): TernError {
  return new TernError('CONFIG_INVALID', `${theAccount(side)} signs in with ${who}, but no client id is set: register Tern as an application with ${who} and set ${env} (or add &client_id=… to the URL).`, { field: side });
}

/** The key a sign-in is stored under: the issuer as the URL names it, the client and the user. */
export function signInKey(account: AccountEndpoint): string {
  return [account.oauth?.issuer ?? '', account.oauth?.clientId ?? '', account.user.toLowerCase()].join('\n');
}
