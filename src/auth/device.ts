import * as oc from 'openid-client';
import { TernError } from '../errors';
import { issuerConfig, oauthErrorCode, reason } from './client';
import type { ResolvedIssuer } from './issuers';

/** What the person signing in is shown: where to go and the code to type there. */
export interface DeviceCode {
  verificationUri: string;
  /** The same page with the code filled in, when the issuer gives one. */
  verificationUriComplete?: string;
  userCode: string;
  expiresInSeconds: number;
}

export interface DeviceSignIn {
  refreshToken: string;
  accessToken: string;
  expiresInSeconds?: number;
  scope?: string;
}

/**
 * The device authorization grant (RFC 8628): asks the issuer for a code, tells `show`, and polls
 * until the person has signed in (or denied it, or the code expired). Every failure is one
 * sentence naming the issuer and what to do.
 */
export async function deviceSignIn(issuer: ResolvedIssuer, show: (code: DeviceCode) => void | Promise<void>, options: { timeoutMs: number; signal?: AbortSignal }): Promise<DeviceSignIn> {
  const config = await issuerConfig(issuer, options.timeoutMs);
  let handle: oc.DeviceAuthorizationResponse;
  try {
    handle = await oc.initiateDeviceAuthorization(config, { scope: issuer.scope });
  } catch (err) {
    throw startRefused(issuer, err);
  }
  await show({ verificationUri: handle.verification_uri, verificationUriComplete: handle.verification_uri_complete, userCode: handle.user_code, expiresInSeconds: handle.expires_in });
  let tokens: oc.TokenEndpointResponse;
  try {
    tokens = await oc.pollDeviceAuthorizationGrant(config, handle, undefined, { signal: options.signal });
  } catch (err) {
    throw pollFailed(issuer, err);
  }
  if (!tokens.refresh_token) {
    throw new TernError('SIGN_IN_FAILED', `${issuer.label} signed you in but gave no refresh token, so Tern could not keep the sign-in: ask for offline_access in ?scope= (or allow refresh tokens for client ${issuer.clientId}).`);
  }
  return { refreshToken: tokens.refresh_token, accessToken: tokens.access_token, expiresInSeconds: tokens.expires_in, scope: tokens.scope };
}

function startRefused(issuer: ResolvedIssuer, err: unknown): TernError {
  const code = oauthErrorCode(err);
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return new TernError('SIGN_IN_FAILED', `${issuer.label} does not know client id ${issuer.clientId} for device sign-in (${reason(err)}): check ?client_id= (or the configured client id) and that the application allows the device code flow.`);
  }
  if (code === 'invalid_scope') return new TernError('SIGN_IN_FAILED', `${issuer.label} refused the scopes "${issuer.scope}" (${reason(err)}): check ?scope= in the account URL.`);
  if (!code) return new TernError('SIGN_IN_FAILED', `Could not start the sign-in at ${issuer.label} (${reason(err)}): check ?issuer= and that the issuer offers device sign-in.`, { retryable: true });
  return new TernError('SIGN_IN_FAILED', `${issuer.label} refused to start a sign-in: ${reason(err)}.`);
}

function pollFailed(issuer: ResolvedIssuer, err: unknown): TernError {
  const code = oauthErrorCode(err);
  if (code === 'access_denied' || code === 'authorization_declined') return new TernError('SIGN_IN_FAILED', `The sign-in at ${issuer.label} was denied: nothing was started. Run tern login again and approve it.`);
  // openid-client stops polling itself when the code's lifetime is over (a TimeoutError), before the issuer says expired_token.
  const timedOut = [err, (err as { cause?: unknown })?.cause].some((e) => (e as Error)?.name === 'TimeoutError');
  if (code === 'expired_token' || code === 'code_expired' || timedOut) return new TernError('SIGN_IN_FAILED', `The sign-in code expired before the sign-in at ${issuer.label} was completed: run tern login again and enter the new code in time.`);
  if ((err as Error)?.name === 'AbortError') return new TernError('INTERRUPTED', `The sign-in at ${issuer.label} was interrupted.`);
  return new TernError('SIGN_IN_FAILED', `The sign-in at ${issuer.label} failed: ${reason(err)}.`);
}
