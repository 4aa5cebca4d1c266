import { TernError } from '../../errors';
import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { MailDestination } from '../../ports/mail';

/**
 * Microsoft 365 mail written by IMAP APPEND (byte-exact, with flags and the received date) with
 * XOAUTH2 and a token for Outlook from the same sign-in (url.ts), when the tenant allows IMAP: the IMAP login is the probe.
 * Folders, scans and rollback then go by IMAP too, so ids stay IMAP UIDs throughout. A refused
 * login means IMAP is turned off for the tenant (or the mailbox): the caller writes through Graph.
 */
export async function openImapWrites(imap: AccountCredentials, options: OpenOptions): Promise<{ destination: MailDestination } | { fallback: string }> {
  const { openImapDestination } = await import('../imap/destination');
  // The token for Outlook first: a sign-in that cannot give one writes through Graph, and says why.
  const outlook = await imap.tokens?.accessToken().then(
    () => undefined,
    (err: unknown) => {
      if (!(err instanceof TernError) || err.retryable) throw err;
      return err.userMessage;
    },
  );
  if (outlook) return { fallback: `no token for Exchange Online's IMAP could be had from this sign-in (${outlook}): writing through Graph` };
  try {
    const destination = await openImapDestination(imap, options);
    return { destination: Object.assign(destination, { writePath: `writing by IMAP (${imap.host}:${imap.port}, XOAUTH2)` }) };
  } catch (err) {
    if (!(err instanceof TernError)) throw err;
    if (err.code === 'AUTH_FAILED') return { fallback: 'IMAP is turned off for this tenant: writing through Graph' };
    return { fallback: `the IMAP server ${imap.host}:${imap.port} could not be used (${err.userMessage}): writing through Graph` };
  }
}
