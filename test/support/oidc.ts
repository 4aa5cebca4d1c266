// A real OAuth2 / OpenID authorization server for the tests: the npm `oidc-provider`, in-process
// on 127.0.0.1, with the device flow, client credentials, refresh tokens, introspection (what
// Dovecot's oauth2 passdb asks) and revocation. Users sign in through its own device pages, driven
// over HTTP by `approve`/`deny` as a person's browser would (no token is made behind its back,
// except by `mint`, which the mechanism tests use to hold a token of a given scope).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors } from 'oidc-provider';
import { createPublicKey } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';

export const DEVICE_CLIENT = 'tern-device';
export const APP_CLIENT = 'tern-app';
export const APP_SECRET = 'tern-app-secret-0123456789';
/** The client Dovecot introspects tokens as. */
export const INTROSPECTOR = 'dovecot';
export const INTROSPECTOR_SECRET = 'dovecot-introspects-0123456789';
export const MAIL_SCOPE = 'mail';
/** Exchange Online IMAP's own audience (Microsoft's names): a token for it is not a Graph token, and the reverse. */
export const OUTLOOK_IMAP_SCOPE = 'https://outlook.office.com/IMAP.AccessAsUser.All';
/** The scope Microsoft's app-only tokens for Outlook's IMAP/POP/EWS are asked with (Tern's default for Microsoft apps). */
export const OUTLOOK_APP_SCOPE = 'https://outlook.office365.com/.default';

export interface AuthServer {
  issuer: string;
  /** The tenants named in requests made at Microsoft's endpoint paths (/TENANT/oauth2/v2.0/…), which this server answers too. */
  microsoftTenants: string[];
  /** The JOSE headers of the client assertions received (private_key_jwt). */
  assertionHeaders: Array<Record<string, unknown>>;
  /** The mailboxes service-account assertions asked to act for (their `sub`). */
  assertionSubjects: string[];
  /** Where Dovecot's oauth2 passdb posts tokens (with its client's credentials in the URL). */
  introspectionUrl: string;
  provider: Provider;
  /** Signs `user` in on the device pages for the code shown (confirm, log in, consent). */
  approve(userCode: string, user: string): Promise<void>;
  /** Aborts the sign-in for the code shown, as a user clicking "Abort" does. */
  deny(userCode: string): Promise<void>;
  /** An access token for `user` with these scopes, stored in the server like any other. */
  mint(user: string, scope: string): Promise<string>;
  /** Revokes every refresh and access token of `user` (the admin's "sign out everywhere"). */
  revokeAll(user: string): Promise<void>;
  stop(): Promise<void>;
}

export interface AuthServerOptions {
  /** Access token lifetime, seconds (short ones make a migration outlive its token). */
  accessTokenTtl?: number;
  /** Device code lifetime, seconds (a short one expires before anyone signs in). */
  deviceCodeTtl?: number;
  /** Mailbox names app-only tokens may act for (put as `username` in their introspection). */
  appMailbox?: string;
  /** An app that proves itself with a certificate (private_key_jwt client authentication), by its public key. */
  certificateClient?: { clientId: string; certificatePem: string };
  /**
   * A Google-style service account: the JWT bearer grant (RFC 7523) is registered, and an
   * assertion must be signed by this key, issued by `clientEmail`, for this server's token
   * endpoint; the token acts for the assertion's `sub` (put as `username` too).
   */
  serviceAccount?: { clientEmail: string; publicKeyPem: string };
}

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthServer> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ttl = options.accessTokenTtl ?? 3600;
  const provider = new Provider(issuer, {
    clients: [
      { client_id: DEVICE_CLIENT, token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [], redirect_uris: [] },
      { client_id: APP_CLIENT, client_secret: APP_SECRET, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: `${MAIL_SCOPE} ${OUTLOOK_APP_SCOPE}` },
      { client_id: INTROSPECTOR, client_secret: INTROSPECTOR_SECRET, grant_types: [], response_types: [], redirect_uris: [] },
      ...(options.certificateClient
        ? [{ client_id: options.certificateClient.clientId, token_endpoint_auth_method: 'private_key_jwt' as const, jwks: { keys: [{ ...createPublicKey(options.certificateClient.certificatePem).export({ format: 'jwk' }), alg: 'RS256', use: 'sig' }] }, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: MAIL_SCOPE }]
        : []),
      // Google's token endpoint takes a service account's assertion alone; oidc-provider wants a client: the account's e-mail, without a secret.
      ...(options.serviceAccount ? [{ client_id: options.serviceAccount.clientEmail, token_endpoint_auth_method: 'none' as const, grant_types: [JWT_BEARER], response_types: [], redirect_uris: [] }] : []),
    ],
    scopes: ['openid', 'offline_access', MAIL_SCOPE, OUTLOOK_IMAP_SCOPE, OUTLOOK_APP_SCOPE],
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
    },
    ttl: { AccessToken: ttl, ClientCredentials: ttl, DeviceCode: options.deviceCodeTtl ?? 600, RefreshToken: 14 * 86400, Grant: 14 * 86400, Interaction: 600, Session: 86400 },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    // App-only tokens name no user: Dovecot's username_attribute reads this claim instead.
    extraTokenClaims: (_ctx, token) => {
      if (token.kind === 'ClientCredentials' && options.appMailbox) return { username: options.appMailbox };
      if (token.kind === 'AccessToken' && (token as { gty?: string }).gty === 'jwt-bearer') return { username: (token as { accountId?: string }).accountId };
      return undefined;
    },
    cookies: { keys: ['tern-test-cookie-key'] },
    // Refresh tokens live on when used (as Microsoft's and Google's do within their lifetime).
    rotateRefreshToken: false,
  });
  // A test run has no one at the interaction page: the signed-in user is the one `approve` names.
  let pendingUser: string | undefined;
  const grantsOf = new Map<string, string[]>();
  const saveGrant = async (accountId: string, clientId: string, scope: string) => {
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();
    grantsOf.set(accountId, [...(grantsOf.get(accountId) ?? []), grantId]);
    return grantId;
  };
  // The client assertions apps sent (their JOSE headers), for tests of what Microsoft would be shown.
  const assertionHeaders: Array<Record<string, unknown>> = [];
  provider.use(async (ctx, next) => {
    await next();
    const assertion = (ctx as { oidc?: { params?: { client_assertion?: string } } }).oidc?.params?.client_assertion;
    if (assertion) assertionHeaders.push(decodeProtectedHeader(assertion) as Record<string, unknown>);
  });
  const assertionSubjects: string[] = [];
  if (options.serviceAccount) {
    const sa = options.serviceAccount;
    const key = createPublicKey(sa.publicKeyPem);
    provider.registerGrantType(
      JWT_BEARER,
      async (ctx, next) => {
        let payload;
        try {
          ({ payload } = await jwtVerify(String(ctx.oidc.params!.assertion), key, { issuer: sa.clientEmail, audience: `${issuer}/token`, algorithms: ['RS256'] }));
        } catch (err) {
          throw new errors.InvalidGrant(`the assertion is not valid: ${(err as Error).message}`);
        }
        const scope = String(payload.scope ?? '');
        const accountId = payload.sub ?? sa.clientEmail;
        if (payload.sub) assertionSubjects.push(payload.sub);
        const grantId = await saveGrant(accountId, sa.clientEmail, scope);
        const token = new provider.AccessToken({ accountId, client: ctx.oidc.client!, grantId, scope, gty: 'jwt-bearer' });
        ctx.body = { access_token: await token.save(), token_type: 'Bearer', expires_in: token.expiration, scope };
        await next();
      },
      ['assertion'],
    );
  }
  const callback = provider.callback();
  const microsoftTenants: string[] = [];
  server.on('request', (req, res) => {
    // Microsoft's endpoint layout (TERN_MICROSOFT_LOGIN_URL pointed here): /TENANT/oauth2/v2.0/token and …/devicecode.
    const ms = /^\/([^/]+)\/oauth2\/v2\.0\/(token|devicecode)(\?.*)?$/.exec(req.url ?? '');
    if (ms) {
      microsoftTenants.push(decodeURIComponent(ms[1]));
      req.url = `${ms[2] === 'token' ? '/token' : '/device/auth'}${ms[3] ?? ''}`;
    }
    const m = /^\/interaction\/([^/?]+)/.exec(req.url ?? '');
    if (!m) return callback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        const accountId = pendingUser ?? 'nobody';
        const grantId = await saveGrant(accountId, String(details.params.client_id), String(details.params.scope ?? 'openid'));
        await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
    })();
  });

  // Each sign-in in a browser of its own: a person's session at the issuer must not sign in the next one.
  const browser = () => new Browser(issuer);
  return {
    issuer,
    microsoftTenants,
    assertionHeaders,
    assertionSubjects,
    introspectionUrl: `http://${INTROSPECTOR}:${INTROSPECTOR_SECRET}@127.0.0.1:${(server.address() as AddressInfo).port}/token/introspection`,
    provider,
    async approve(userCode, user) {
      pendingUser = user;
      const b = browser();
      const confirm = await b.submit(await b.get(`/device?user_code=${encodeURIComponent(userCode)}`), {});
      const end = await b.submit(confirm, {});
      if (!/Sign-in Success/.test(end.body)) throw new Error(`device sign-in did not succeed:\n${end.body.slice(0, 500)}`);
    },
    async deny(userCode) {
      const b = browser();
      const confirm = await b.submit(await b.get(`/device?user_code=${encodeURIComponent(userCode)}`), {});
      await b.submit(confirm, { abort: 'yes' });
    },
    async mint(user, scope) {
      const grantId = await saveGrant(user, DEVICE_CLIENT, scope);
      const client = (await provider.Client.find(DEVICE_CLIENT))!;
      const token = new provider.AccessToken({ accountId: user, client, grantId, scope, gty: 'device_code' });
      return token.save();
    },
    async revokeAll(user) {
      // A grant gone takes its refresh and access tokens with it (refresh and introspection check it).
      for (const grantId of grantsOf.get(user) ?? []) {
        await (await provider.Grant.find(grantId))?.destroy();
        await provider.RefreshToken.adapter.revokeByGrantId(grantId);
        await provider.AccessToken.adapter.revokeByGrantId(grantId);
      }
      grantsOf.delete(user);
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Just enough of a browser for the device pages: cookies, redirects, one form per page. */
class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly origin: string) {}

  async get(pathOrUrl: string): Promise<{ url: string; body: string }> {
    return this.go(new URL(pathOrUrl, this.origin).href, 'GET');
  }

  /** Posts the page's first form with its fields plus `extra`; follows to the page it leads to. */
  async submit(page: { url: string; body: string }, extra: Record<string, string>): Promise<{ url: string; body: string }> {
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.body);
    if (!form) throw new Error(`no form on ${page.url}:\n${page.body.slice(0, 500)}`);
    const fields = new URLSearchParams();
    for (const input of form[2].matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)) fields.set(input[1], input[2]);
    for (const [k, v] of Object.entries(extra)) fields.set(k, v);
    return this.go(new URL(form[1], page.url).href, 'POST', fields);
  }

  private async go(url: string, method: string, body?: URLSearchParams): Promise<{ url: string; body: string }> {
    for (let hops = 0; hops < 10; hops++) {
      const res = await fetch(url, {
        method,
        body,
        redirect: 'manual',
        headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const at = pair.indexOf('=');
        this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url).href;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url, body: await res.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}
