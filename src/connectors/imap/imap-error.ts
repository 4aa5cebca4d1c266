import { TernError } from '../../errors';
import type { AccountEndpoint } from '../../ports/account';
import { connectionError } from '../errors';
import { serverWords } from './server-words';
import { isProviderLimit, providerLimit } from './provider-limits';
import { tokenRefused, usesOAuth } from '../oauth';

// What an IMAP failure says to the user, whichever connection heard it (imapflow's session or a
// bare one): kept apart from session.ts so that a bare connection loads without imapflow.

/**
 * RFC 5530 response codes of a server that is briefly unwell: the task is tried again. CREATE's
 * ALREADYEXISTS is handled where folders are made; on any other command it is Dovecot creating a
 * special folder (Trash, Sent…) for two sessions at once, which passes.
 */
const PASSING_CODES = new Set(['UNAVAILABLE', 'SERVERBUG', 'INUSE', 'LIMIT', 'CONTACTADMIN', 'ALREADYEXISTS']);

export function imapError(err: unknown, account: AccountEndpoint): TernError {
  if (err instanceof TernError) return err;
  const e = err as { authenticationFailed?: boolean; responseText?: string; serverResponseCode?: string; responseStatus?: string };
  const serverCode = e?.serverResponseCode;
  if (isProviderLimit(e?.responseText, serverCode)) return providerLimit(account, e?.responseText);
  if (e?.authenticationFailed || serverCode === 'AUTHENTICATIONFAILED') {
    if (usesOAuth(account)) return tokenRefused('imap', account, e.responseText);
    const said = e.responseText ? `: ${e.responseText.trim().replace(/\.$/, '')}` : '';
    return new TernError(
      'AUTH_FAILED',
      `imap server ${account.host}:${account.port} refused the login for ${account.user}${said}. Check the user name and password (an app password if the account has two-factor sign-in).`,
      { cause: err, serverCode: 'AUTHENTICATIONFAILED' },
    );
  }
  if (e?.responseStatus === 'NO' || e?.responseStatus === 'BAD') {
    // The server answered and refused: only a code saying it is briefly unwell is worth another try.
    const said = serverWords(e.responseText) || e.responseStatus;
    return new TernError('PROTOCOL_ERROR', `imap server ${account.host}:${account.port} refused a command for ${account.user}: ${said}${serverCode ? ` (${serverCode})` : ''}.`, {
      cause: err,
      serverCode,
      retryable: serverCode !== undefined && PASSING_CODES.has(serverCode),
    });
  }
  return connectionError(err, 'imap', account);
}
