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

/** A code handed out and not yet approved: enough to go on polling after a restart (device_code is a secret). */
export interface PendingDevice {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  /** Seconds between polls, as the issuer asked. */
  interval?: number;
  /** When the code expires (ms since the epoch). */
  expiresAt: number;
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
export async function deviceSignIn(issuer: ResolvedIssuer, show: (code: DeviceCode) => void | Promise<void>, options: DeviceOptions): Promise<DeviceSignIn> {
  const config = await issuerConfig(issuer, options.timeoutMs);
  let handle: oc.DeviceAuthorizationResponse;
  if (options.resume) {
    // A code handed out before a restart: polled again for what is left of its lifetime, not shown again.
    const { deviceCode, userCode, verificationUri, interval, expiresAt } = options.resume;
    handle = { device_code: deviceCode, user_code: userCode, verification_uri: verificationUri, interval, expires_in: Math.max(1, Math.ceil((expiresAt - Date.now()) / 1000)) };
  } else {
    try {
      handle = await oc.initiateDeviceAuthorization(config, { scope: issuer.scope });
    } catch (err) {
      throw startRefused(issuer, err);
    }
    const pending = { deviceCode: handle.device_code, userCode: handle.user_code, verificationUri: handle.verification_uri, interval: handle.interval, expiresAt: Date.now() + handle.expires_in * 1000 };
    await options.started?.(pending);
    await show({ verificationUri: handle.verification_uri, verificationUriComplete: handle.verification_uri_complete, userCode: handle.user_code, expiresInSeconds: handle.expires_in });
  }
  let tokens: oc.TokenEndpointResponse;
  try {
    tokens = await oc.pollDeviceAuthorizationGrant(config, handle, undefined, { signal: options.signal });
  } catch (err) {
    throw pollFailed(issuer, err, options.retry ?? 'tern login');
  }
  if (!tokens.refresh_token) {
    throw new TernError('SIGN_IN_FAILED', `${issuer.label} signed you in but gave no refresh token, so Tern could not keep the sign-in: ask for offline_access in ?scope= (or allow refresh tokens for client ${issuer.clientId}).`);
  }
  return { refreshToken: tokens.refresh_token, accessToken: tokens.access_token, expiresInSeconds: tokens.expires_in, scope: tokens.scope };
}

export interface DeviceOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  retry?: string;
  /** Told the code before it is shown, to keep it (a chat sign-in survives a restart). */
  started?: (pending: PendingDevice) => Promise<void>;
  /** A code kept from before a restart: polled again instead of asking for a new one. */
  resume?: PendingDevice;
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

/** `retry`: what the person runs to try again ("tern login" on a terminal, "/migrate" in chat). */
function pollFailed(issuer: ResolvedIssuer, err: unknown, retry: string): TernError {
  const code = oauthErrorCode(err);
  if (code === 'access_denied' || code === 'authorization_declined') return new TernError('SIGN_IN_FAILED', `The sign-in at ${issuer.label} was denied: nothing was started. Run ${retry} again and approve it.`);
  // openid-client stops polling itself when the code's lifetime is over (a TimeoutError), before the issuer says expired_token.
  const timedOut = [err, (err as { cause?: unknown })?.cause].some((e) => (e as Error)?.name === 'TimeoutError');
  if (code === 'expired_token' || code === 'code_expired' || timedOut) return new TernError('SIGN_IN_FAILED', `The sign-in code expired before the sign-in at ${issuer.label} was completed: run ${retry} again and enter the new code in time.`);
  if ((err as Error)?.name === 'AbortError') return new TernError('INTERRUPTED', `The sign-in at ${issuer.label} was interrupted.`);
  return new TernError('SIGN_IN_FAILED', `The sign-in at ${issuer.label} failed: ${reason(err)}.`);
}
