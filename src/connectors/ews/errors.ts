import { ServiceError } from 'ews-javascript-api';
import { TernError } from '../../errors';
import { connectionError } from '../errors';
import type { AccountEndpoint } from '../../ports/account';

/**
 * Every EWS failure becomes a TernError naming the server (and the account) and saying what to
 * do. Raw errors are never kept as `cause`: the HTTP client's errors carry the request's
 * headers, and with them the Authorization header (the password, for Basic).
 */

export function serverName(account: AccountEndpoint): string {
  return account.host;
}

function who(account: AccountEndpoint): string {
  return account.impersonate ? `${account.user} (acting for ${account.impersonate})` : account.user;
}

/** A stand-in cause with the code and text only. */
export function safeCause(err: unknown): Error {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return new Error(code + message);
}

export function authFailed(account: AccountEndpoint, detail?: string): TernError {
  const said = detail ? ` (${detail})` : '';
  return new TernError(
    'AUTH_FAILED',
    `${serverName(account)} refused the login for ${account.user}${said}. Check the user name (often the full e-mail address, or DOMAIN\\user) and the password.`,
  );
}

function impersonationRefused(account: AccountEndpoint, code: string): TernError {
  return new TernError(
    'AUTH_FAILED',
    `${serverName(account)} does not let ${account.user} act for ${account.impersonate} (${code}): the admin account lacks the ApplicationImpersonation role. ` +
      `An Exchange administrator can grant it (New-ManagementRoleAssignment -Role ApplicationImpersonation -User ${account.user}).`,
  );
}

const IMPERSONATION = new Set(['ErrorImpersonateUserDenied', 'ErrorImpersonationDenied', 'ErrorImpersonationFailed']);
const NO_MAILBOX = new Set(['ErrorNonExistentMailbox', 'ErrorMailboxNotFound', 'ErrorInvalidSmtpAddress', 'ErrorNoRespondingCASInDestinationSite']);

/** The EWS response code behind an error, for callers that treat some codes as normal (ErrorItemNotFound). */
export function ewsCode(err: unknown): string | undefined {
  return err instanceof TernError ? err.serverCode : undefined;
}

/** An EWS response code (from a SOAP fault or a response message) as a TernError carrying it. */
export function responseCodeError(account: AccountEndpoint, code: string, message: string | undefined, what?: string, cause?: unknown): TernError {
  const mapped = mapResponseCode(account, code, message, what);
  return new TernError(mapped.code, mapped.userMessage, { serverCode: code, retryable: TRANSIENT_CODES.has(code), cause });
}

function mapResponseCode(account: AccountEndpoint, code: string, message: string | undefined, what?: string): TernError {
  const server = serverName(account);
  const text = message ? `: ${message.trim().replace(/\.$/, '')}` : '';
  const during = what ? ` while ${what}` : '';
  if (IMPERSONATION.has(code)) return impersonationRefused(account, code);
  if (NO_MAILBOX.has(code)) {
    return new TernError('AUTH_FAILED', `${server} has no mailbox for ${account.impersonate ?? account.user} (${code}). Check the address.`);
  }
  if (code === 'ErrorAccessDenied') {
    return new TernError('AUTH_FAILED', `${server} refused ${who(account)} access${during} (${code}${text}). Check that the account has full access to the mailbox.`);
  }
  if (code === 'ErrorServerBusy') {
    return new TernError('PROTOCOL_ERROR', `${server} kept throttling the requests of ${who(account)}${during} (ErrorServerBusy). Try again later, or with fewer parallel tasks.`);
  }
  if (code === 'ErrorInvalidServerVersion' || code === 'ErrorInvalidSchemaVersionForMailboxVersion') {
    return new TernError('NOT_AVAILABLE', `${server} is older than Exchange 2010 SP2 (${code}); Tern needs Exchange 2010 SP2 or later.`);
  }
  if (code === 'ErrorQuotaExceeded') {
    return new TernError('NOT_AVAILABLE', `The mailbox of ${account.impersonate ?? account.user} on ${server} is full (ErrorQuotaExceeded). Free some space or raise its quota.`);
  }
  // Only what may pass is worth another try of the task; anything else is about what was sent.
  const kind = TRANSIENT_CODES.has(code) ? 'PROTOCOL_ERROR' : 'ITEM_REFUSED';
  return new TernError(kind, `Exchange server ${server} failed${during} for ${who(account)} (${code}${text}).`);
}

/** Response codes of a server that is busy, moving or briefly unwell: the task is retried. */
const TRANSIENT_CODES = new Set([
  'ErrorInternalServerTransientError',
  'ErrorInternalServerError',
  'ErrorTimeoutExpired',
  'ErrorConnectionFailed',
  'ErrorMailboxMoveInProgress',
  'ErrorMailboxStoreUnavailable',
  'ErrorServerBusy',
  'ErrorBatchProcessingStopped',
]);

/**
 * The server refused this one request for what it carries (too big, or content it cannot take),
 * so nothing of it was done: its items may be sent again one at a time.
 */
export function requestRefused(err: unknown): boolean {
  const status = err instanceof TernError ? err.httpStatus : undefined;
  const code = ewsCode(err);
  return status === 400 || status === 404 || status === 413 || code === 'ErrorMessageSizeExceeded' || code === 'ErrorSchemaValidation' || code === 'ErrorInvalidRequest';
}

/** An HTTP answer that is not a SOAP response (or a fault that is not EWS's). */
export function httpStatusError(account: AccountEndpoint, status: number, url: string, location?: string): TernError {
  const mapped = mapHttpStatus(account, status, url, location);
  // A server error or a proxy in trouble may pass; a redirect, a wrong path or a request too large will not.
  return new TernError(mapped.code, mapped.userMessage, { httpStatus: status, retryable: status >= 500 || status === 429 });
}

function mapHttpStatus(account: AccountEndpoint, status: number, url: string, location?: string): TernError {
  const server = serverName(account);
  if (status === 413) {
    return new TernError('PROTOCOL_ERROR', `${server} refused a request as too large (HTTP 413): a message may be bigger than the server accepts.`);
  }
  if (status === 401) return authFailed(account);
  if (status === 403) {
    return new TernError('AUTH_FAILED', `${server} refused EWS access for ${account.user} (HTTP 403). EWS may be disabled for this account, or only allowed from some networks.`);
  }
  if (status === 404) {
    // IIS also answers 404 (404.13) to a request above its size limit.
    return new TernError('PROTOCOL_ERROR', `${server} has no Exchange Web Services at ${url} (HTTP 404), or refused a request too large for it. Check the EWS path (usually /EWS/Exchange.asmx).`);
  }
  if (status >= 300 && status < 400) {
    const to = location ? ` to ${location}` : '';
    return new TernError('PROTOCOL_ERROR', `${server} redirected the EWS request${to} (HTTP ${status}), probably to a login page. Use the server's real EWS address.`);
  }
  return new TernError(
    'PROTOCOL_ERROR',
    `${server} answered HTTP ${status} without an EWS response (a proxy or load balancer in front of Exchange?). Try again later; if it persists, check the server address.`,
  );
}

/** The server answers, but not with an NTLM challenge. */
export function ntlmNotOffered(account: AccountEndpoint, offered: string): TernError {
  const schemes = offered.split(/,\s*(?=[A-Za-z]+(?:\s|$))/).map((s) => s.trim().split(/\s/)[0]).filter(Boolean);
  const asks = schemes.length ? ` (it offers ${[...new Set(schemes)].join(', ')})` : '';
  return new TernError('AUTH_FAILED', `${serverName(account)} does not accept NTLM sign-in for ${account.user}${asks}. Use Basic sign-in for this server.`);
}

/** A 200 whose body is not XML: a captive portal, a proxy page, a wrong path served by a web server. */
export function notEwsError(account: AccountEndpoint, url: string): TernError {
  return new TernError('PROTOCOL_ERROR', `${serverName(account)} answered ${url} with a page that is not an EWS response. Check the server address and EWS path.`);
}

export function timeoutError(account: AccountEndpoint, timeoutMs: number): TernError {
  return new TernError(
    'TIMEOUT',
    `Exchange server ${serverName(account)}:${account.port} did not answer within ${timeoutMs >= 10_000 ? Math.round(timeoutMs / 1000) : Math.round(timeoutMs / 100) / 10} s. Check the host name, port and TLS setting, or try again later.`,
  );
}

/** A socket-level failure (refused, unknown host, TLS), with the shared wording. */
export function transportError(err: unknown, account: AccountEndpoint): TernError {
  const mapped = connectionError(err, 'Exchange', account);
  // connectionError keeps the raw error as cause; replace it by a copy without headers.
  return new TernError(mapped.code, mapped.userMessage, { cause: safeCause(err), retryable: mapped.retryable });
}

/**
 * Whatever ews-javascript-api rejected with (ServiceResponseException, SoapFaultDetails,
 * ServiceLocalException, a plain Error) as a TernError. Transport failures never get here: the
 * XHR wrapper records them first (see xhr.ts).
 */
export function libraryError(err: unknown, account: AccountEndpoint, what?: string): TernError {
  if (err instanceof TernError) return err;
  const e = err as { ErrorCode?: unknown; ResponseCode?: unknown; message?: unknown; Message?: unknown };
  const code = typeof e?.ErrorCode === 'number' ? e.ErrorCode : typeof e?.ResponseCode === 'number' ? e.ResponseCode : undefined;
  const message = typeof e?.message === 'string' && e.message ? e.message : typeof e?.Message === 'string' ? e.Message : undefined;
  if (code !== undefined && code !== ServiceError.NoError && ServiceError[code]) return responseCodeError(account, ServiceError[code], message, what, safeCause(err));
  const during = what ? ` while ${what}` : '';
  // The library refused locally (a value it cannot send or read): retrying the task would not help.
  return new TernError('ITEM_REFUSED', `Exchange server ${serverName(account)} failed${during}${message ? `: ${message}` : ''}.`, { cause: safeCause(err) });
}

/** The name of a per-item error code, for CreateResult.error and messages. */
export function errorName(code: number | undefined): string {
  return code === undefined ? 'unknown error' : (ServiceError[code] ?? String(code));
}
