import type { AccountCredentials } from '../../ports/account';
import type { MessageSummary } from '../../ports/mail';
import { pop3Error } from './errors';
import { listMessages } from './list';
import { readMaildrop, type Maildrop } from './maildrop';
import { retrieveMessage } from './retrieve';
import { Pop3Wire } from './wire';
import { bearerToken, usesOAuth, xoauth2 } from '../oauth';

export interface Pop3Session {
  /** Every message of the maildrop in server order: ref = UIDL, size from LIST, flags [], internalDate from the Date header (undefined when missing/unparseable), dedupeKey from the headers (TOP n 0). */
  list(): Promise<MessageSummary[]>;
  /** The message's exact bytes (RFC 822 source) as a Buffer: CRLF line endings, dot-unstuffed, no terminating ".\r\n", 8-bit bytes intact. Looks up the message number by UIDL ref. */
  retrieve(ref: string): Promise<Buffer>;
  /** Whether the maildrop holds a message with this UIDL ref (UIDL only: no message is read). */
  holds(ref: string): Promise<boolean>;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Connects and logs in; every failure is a TernError naming host:port (never the password). */
export async function openPop3(account: AccountCredentials, opts: { timeoutMs?: number } = {}): Promise<Pop3Session> {
  const wire = new Pop3Wire({
    host: account.host,
    port: account.port,
    tls: account.secure,
    tlsOptions: { rejectUnauthorized: !account.insecure },
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  try {
    await wire.connect();
    if (usesOAuth(account)) await oauthLogin(wire, account);
    else await wire.login(account.user, account.password);
  } catch (err) {
    wire.destroy();
    throw pop3Error(err, account, account.password);
  }

  // Read once: UIDLs and numbers do not change while the session holds the maildrop.
  let maildrop: Promise<Maildrop> | undefined;
  const getMaildrop = () =>
    (maildrop ??= readMaildrop(wire).catch((err) => {
      maildrop = undefined; // let a later call try again
      throw err;
    }));
  const fail = (err: unknown) => pop3Error(err, account, account.password);

  return {
    list: () => getMaildrop().then((m) => listMessages(wire, m)).catch((err) => Promise.reject(fail(err))),
    retrieve: (ref) => getMaildrop().then((m) => retrieveMessage(wire, m, ref, account)).catch((err) => Promise.reject(fail(err))),
    holds: (ref) => getMaildrop().then((m) => m.numberOf.has(ref)).catch((err) => Promise.reject(fail(err))),
    close: () => wire.quit(),
  };
}

/** AUTH XOAUTH2 (what Microsoft's and Google's POP3 servers take); a refused token is renewed once. */
async function oauthLogin(wire: Pop3Wire, account: AccountCredentials): Promise<void> {
  try {
    await wire.authenticate('XOAUTH2', xoauth2(account.user, await bearerToken(account)));
  } catch (err) {
    const refused = (err as { command?: string }).command === 'AUTH XOAUTH2' && !/unsupported|unknown|not supported/i.test((err as Error).message);
    if (!refused || !account.tokens) throw err;
    await wire.authenticate('XOAUTH2', xoauth2(account.user, await bearerToken(account, true)));
  }
}
