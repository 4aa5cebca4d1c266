import { TernError } from '../../errors';
import { connectionError } from '../errors';
import type { AccountEndpoint } from '../../ports/account';
import { isServerRefusal } from './wire';
import { noOAuthMechanism, tokenRefused } from '../oauth';

/**
 * Turns anything a POP3 session throws into a TernError naming the server. The caller says
 * which side (source) it was; the password never appears, even if a server echoed it.
 */
export function pop3Error(err: unknown, account: AccountEndpoint, password?: string): TernError {
  return withoutSecret(classify(err, account), password);
}

function classify(err: unknown, account: AccountEndpoint): TernError {
  if (err instanceof TernError) return err;
  const where = `pop3 server ${account.host}:${account.port}`;
  if (isServerRefusal(err)) {
    // Our sentences add their own full stop.
    const said = err.message.trim().replace(/\.+$/, '') || '(no reason given)';
    const verb = err.command.split(' ')[0].toUpperCase();
    const serverCode = /^\[([A-Z/-]+)\]/i.exec(said)?.[1]?.toUpperCase();
    if (!verb) return new TernError('PROTOCOL_ERROR', `${where} turned the connection away: ${said}. Try again later.`, { cause: err, serverCode, retryable: true });
    if (verb === 'AUTH') {
      if (/unsupported|unknown|not supported/i.test(said)) return noOAuthMechanism('pop3', account);
      return tokenRefused('pop3', account, said);
    }
    if (verb === 'USER' || verb === 'PASS') {
      // RFC 2449/3206 response codes separate "maildrop busy/broken" from "wrong credentials".
      if (/^\[IN-USE\]/i.test(said)) {
        return new TernError('PROTOCOL_ERROR', `${where} says the mailbox of ${account.user} is in use by another POP3 session: ${said}. Close other mail programs that read it and try again.`, { cause: err, serverCode, retryable: true });
      }
      if (/^\[SYS\//i.test(said)) {
        // RFC 3206: SYS/TEMP passes, SYS/PERM does not.
        return new TernError('PROTOCOL_ERROR', `${where} could not open the mailbox of ${account.user}: ${said}. Try again later.`, { cause: err, serverCode, retryable: serverCode !== 'SYS/PERM' });
      }
      return new TernError(
        'AUTH_FAILED',
        `${where} refused the login for ${account.user}: ${said}. Check the user name and password (an app password if the account has two-factor sign-in).`,
        { cause: err, serverCode },
      );
    }
    return new TernError('PROTOCOL_ERROR', `${where} refused ${verb}: ${said}.`, { cause: err, serverCode });
  }
  // node-pop3: the first byte of an answer was neither "+" nor "-" (an IMAP or HTTP port, say).
  if ((err as { eventName?: string })?.eventName === 'bad-server-response') {
    return new TernError('PROTOCOL_ERROR', `${where} did not answer like a POP3 server. Check the port and TLS setting.`, { cause: err });
  }
  return connectionError(err, 'pop3', account);
}

function withoutSecret(err: TernError, secret: string | undefined): TernError {
  if (!secret || !err.userMessage.includes(secret)) return err;
  // The cause carries the same text, so it goes too.
  return new TernError(err.code, err.userMessage.split(secret).join('***'), { field: err.field, retryable: err.retryable, serverCode: err.serverCode });
}
