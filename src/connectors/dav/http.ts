import { Agent, fetch as undiciFetch } from 'undici';
import type { AccountCredentials } from '../../ports/account';
import { TernError } from '../../errors';

/**
 * The fetch every DAV request goes through (tsdav's included): Basic authentication, a time limit
 * per request, and a network failure turned into one clear error naming the server.
 */
export type DavFetch = typeof fetch;

export function davFetch(account: AccountCredentials, timeoutMs: number): DavFetch {
  const auth = 'Basic ' + Buffer.from(`${account.user}:${account.password}`).toString('base64');
  const send = account.insecure ? insecureFetch() : fetch;
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', auth);
    try {
      return await send(input, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw networkError(account, err, timeoutMs);
    }
  };
}

/**
 * `?insecure=1`: a fetch that accepts the server's certificate unchecked (a self-signed one), the
 * same promise the IMAP and EWS connectors keep. Node's own fetch has no such switch, so this one is
 * undici's with a dispatcher of its own; nothing else in the process is affected.
 */
function insecureFetch(): DavFetch {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  return ((input: Parameters<DavFetch>[0], init?: Parameters<DavFetch>[1]) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as DavFetch;
}

function networkError(account: AccountCredentials, err: unknown, timeoutMs: number): TernError {
  const name = (err as Error)?.name;
  const code = (err as { cause?: { code?: string } })?.cause?.code;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TernError('TIMEOUT', `${account.host}:${account.port} did not answer within ${Math.round(timeoutMs / 1000)} s.`, { cause: err });
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED/.test(code)) {
    return new TernError('TLS_FAILED', `The TLS certificate of ${account.host} was refused (${code}). Check the server name; for a self-signed certificate add ?insecure=1 to the account URL.`, { cause: err, serverCode: code });
  }
  return new TernError('UNREACHABLE', `Cannot reach ${account.host}:${account.port}${code ? ` (${code})` : ''}. Check the server name and port.`, { cause: err, serverCode: code });
}

/** The error of an HTTP answer that is not a success, for what was being done. */
export function httpError(account: AccountCredentials, status: number, doing: string): TernError {
  if (status === 401) return new TernError('AUTH_FAILED', `${account.host} refused the login of ${account.user} (HTTP 401). Check the user name and password (an app password where the provider asks for one).`, { httpStatus: status });
  if (status === 403) return new TernError('FORBIDDEN', `${account.host} does not let ${account.user} do this (HTTP 403) while ${doing}.`, { httpStatus: status });
  const retryable = status === 429 || status >= 500;
  return new TernError(retryable ? 'UNREACHABLE' : 'PROTOCOL_ERROR', `${account.host} answered HTTP ${status} while ${doing}.`, { httpStatus: status, retryable });
}

/** A tsdav call whose failure (it throws on some HTTP errors) becomes one of ours, naming what was being done. */
export async function guarded<T>(account: AccountCredentials, doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TernError) throw err;
    const status = /\b([45]\d\d)\b/.exec(String((err as Error)?.message ?? ''))?.[1];
    if (status) throw httpError(account, Number(status), doing);
    throw new TernError('PROTOCOL_ERROR', `${account.host} gave an answer Tern cannot read while ${doing}.`, { cause: err });
  }
}
