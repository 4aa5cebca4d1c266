import * as oc from 'openid-client';
import { TernError } from '../errors';
import type { ResolvedIssuer } from './issuers';
import { signingKey } from './assertions';

/**
 * The issuer's configuration for openid-client: a preset's endpoints as they are, any other issuer
 * by discovery (OpenID Connect, else RFC 8414 OAuth metadata). Plain-HTTP issuers are allowed, as
 * every account kind has a plain-HTTP form for tests and proxies.
 */
export async function issuerConfig(issuer: ResolvedIssuer, timeoutMs: number): Promise<oc.Configuration> {
  const auth = await clientAuth(issuer);
  // A service account's key file names its token endpoint, which may be a plain-HTTP one (tests, proxies).
  const insecure = issuer.issuer.startsWith('http:') || issuer.metadata?.token_endpoint.startsWith('http:') === true;
  let config: oc.Configuration;
  if (issuer.metadata) {
    config = new oc.Configuration(issuer.metadata, issuer.clientId, issuer.clientSecret, auth);
  } else {
    const options = { timeout: Math.ceil(timeoutMs / 1000), execute: insecure ? [oc.allowInsecureRequests] : [] };
    try {
      config = await oc.discovery(new URL(issuer.issuer), issuer.clientId, issuer.clientSecret, auth, options);
    } catch (first) {
      try {
        config = await oc.discovery(new URL(issuer.issuer), issuer.clientId, issuer.clientSecret, auth, { ...options, algorithm: 'oauth2' });
      } catch {
        throw new TernError(
          'SIGN_IN_FAILED',
          `${issuer.issuer} is not an OAuth2 issuer Tern can use: its metadata (/.well-known/openid-configuration) could not be read (${reason(first)}). Check ?issuer= in the account URL.`,
        );
      }
    }
  }
  if (insecure) oc.allowInsecureRequests(config);
  return config;
}

/** How the client proves itself at the token endpoint: a secret, an assertion signed with its certificate's key, or nothing. */
async function clientAuth(issuer: ResolvedIssuer): Promise<oc.ClientAuth> {
  if (issuer.certificate) {
    const { thumbprint } = issuer.certificate;
    // Microsoft finds the certificate by the x5t header (its SHA-1 thumbprint, base64url).
    return oc.PrivateKeyJwt(await signingKey(issuer.certificate.privateKeyPem), {
      [oc.modifyAssertion]: (header: Record<string, unknown>) => {
        header.x5t = thumbprint;
      },
    });
  }
  return issuer.clientSecret ? oc.ClientSecretPost(issuer.clientSecret) : oc.None();
}

/** The issuer's own error code (RFC 6749 §5.2, RFC 8628 §3.5), when it answered with one. */
export function oauthErrorCode(err: unknown): string | undefined {
  return err instanceof oc.ResponseBodyError ? err.error : undefined;
}

/** What went wrong talking to the issuer, in a few words and never with a token in them. */
export function reason(err: unknown): string {
  if (err instanceof oc.ResponseBodyError) return err.error_description ? `${err.error}: ${err.error_description}` : err.error;
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  if (cause) return cause;
  return err instanceof Error ? err.message : String(err);
}

/** A failure to reach the issuer at all: worth another try later. */
export function unreachable(err: unknown): boolean {
  return !(err instanceof oc.ResponseBodyError) && (err instanceof TypeError || /fetch failed|ECONN|ETIMEDOUT|timeout|abort/i.test(reason(err)));
}
