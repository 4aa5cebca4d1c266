import { TernError } from '../errors';
import type { AccountEndpoint } from '../ports/account';

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** The connection was up and then went away: worth retrying. */
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'NoConnection', 'EConnectionClosed']);

/** Maps a socket-level failure (refused, timeout, TLS) to a TernError naming the server. */
export function connectionError(err: unknown, protocol: string, account: AccountEndpoint): TernError {
  const e = err as { code?: string; message?: string };
  const code = String(e?.code ?? '');
  const where = `${protocol} server ${account.host}:${account.port}`;
  if (UNREACHABLE[code]) {
    return new TernError('UNREACHABLE', `Cannot reach the ${where} (${UNREACHABLE[code]}). Check the host name and port.`, { cause: err });
  }
  if (DROPPED.has(code)) {
    return new TernError('UNREACHABLE', `The ${where} closed the connection unexpectedly.`, { cause: err });
  }
  if (/TIMEOUT|ETIMEDOUT/i.test(code) || /timed? ?out/i.test(e?.message ?? '')) {
    return new TernError('TIMEOUT', `The ${where} did not answer in time. Check the host name, port and TLS setting.`, { cause: err });
  }
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(code) || /certificate|ssl|tls/i.test(e?.message ?? '')) {
    return new TernError(
      'TLS_FAILED',
      `TLS with the ${where} failed (${code || e?.message}). Check the port and TLS setting; for a self-signed certificate add ?insecure=1 to the account URL.`,
      { cause: err },
    );
  }
  const detail = e?.message ? `: ${e.message}` : '';
  // Something went wrong on the way that the server did not explain: another try may well pass.
  return new TernError('PROTOCOL_ERROR', `The ${where} failed${detail}.`, { cause: err, retryable: true });
}
