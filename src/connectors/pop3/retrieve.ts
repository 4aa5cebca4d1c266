import { TernError } from '../../errors';
import type { AccountEndpoint } from '../../ports/account';
import type { Maildrop } from './maildrop';
import { isServerRefusal, type Pop3Wire } from './wire';

/**
 * TOP with more lines than any message has: the whole message, as RETR gives it. Servers mark what
 * RETR fetched as read (Dovecot sets \Seen when the session ends, which IMAP and webmail users of
 * the same mailbox then see); a migration must leave its source as it found it.
 */
const ALL_LINES = 2_147_483_647;

/**
 * One message's exact source by UIDL ref: its payload after dot-unstuffing, without the
 * terminator, as raw bytes (never decoded, so 8-bit content survives).
 */
export async function retrieveMessage(wire: Pop3Wire, maildrop: Maildrop, ref: string, account: AccountEndpoint): Promise<Buffer> {
  const num = maildrop.numberOf.get(ref);
  if (num === undefined) {
    throw new TernError(
      'PROTOCOL_ERROR',
      `message ${ref} is not in the maildrop on pop3 server ${account.host}:${account.port} (another client may have deleted it). Run the task again.`,
      // Another try lists the maildrop afresh.
      { retryable: true },
    );
  }
  const raw = await wire.multi('TOP', num, ALL_LINES).catch((err: unknown) => {
    // TOP is optional (RFC 1939): a server without it is read with RETR.
    if (!isServerRefusal(err)) throw err;
    return wire.multi('RETR', num);
  });
  return exact(raw, maildrop.sizes.get(num));
}

/**
 * The message as stored: a message without a final line break gets one from the POP3 framing
 * ("." must start a line), and LIST's size, which counts the message itself, says so.
 */
function exact(raw: Buffer, size: number | undefined): Buffer {
  const framed = size !== undefined && raw.length === size + 2 && raw[raw.length - 2] === 0x0d && raw[raw.length - 1] === 0x0a;
  return framed ? raw.subarray(0, size) : raw;
}
