import { TernError } from '../../errors';
import type { AccountEndpoint } from '../../ports/account';
import type { Maildrop } from './maildrop';
import type { Pop3Wire } from './wire';

/**
 * One message's exact source by UIDL ref: RETR's payload after dot-unstuffing, without the
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
  return wire.multi('RETR', num);
}
