import { sniFor } from '../sni';
import { ImapFlow } from 'imapflow';
import { TernError } from '../../errors';
import type { AccountCredentials, AccountEndpoint } from '../../ports/account';
import { connectionError } from '../errors';
import { serverWords } from './server-words';
import { isProviderLimit, providerLimit } from './provider-limits';
import { bearerToken, noOAuthMechanism, tokenRefused, usesOAuth } from '../oauth';

export type ImapSession = ImapFlow;

/**
 * Connects and logs in; every failure becomes a TernError naming the server and what to do. An
 * OAuth2 account logs in with AUTHENTICATE OAUTHBEARER when the server offers it, else XOAUTH2
 * (imapflow's choice); a refused token is renewed once, since it may have expired or been revoked
 * early mid-run.
 */
export async function openImap(account: AccountCredentials, options: { timeoutMs?: number } = {}): Promise<ImapSession> {
  if (!usesOAuth(account)) return connect(account, { user: account.user, pass: account.password }, options);
  try {
    return await connect(account, { user: account.user, accessToken: await bearerToken(account) }, options);
  } catch (err) {
    if (!account.tokens || !(err instanceof TernError) || err.serverCode !== 'AUTHENTICATIONFAILED') throw err;
    return connect(account, { user: account.user, accessToken: await bearerToken(account, true) }, options);
  }
}

async function connect(account: AccountCredentials, credentials: { user: string; pass?: string; accessToken?: string }, options: { timeoutMs?: number }): Promise<ImapSession> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const auth = {
    ...credentials,
    // A password goes with LOGIN (one round trip) rather than AUTHENTICATE PLAIN, which waits for
    // the server's go-ahead (imapflow sends no initial response), unless the server disabled LOGIN.
    // imapflow reads this when it logs in, once the capabilities are known.
    get loginMethod(): string | undefined {
      return credentials.pass !== undefined && !client.capabilities.has('LOGINDISABLED') ? 'LOGIN' : undefined;
    },
  };
  const client: ImapFlow = new ImapFlow({
    host: account.host,
    port: account.port,
    secure: account.secure,
    auth,
    tls: { rejectUnauthorized: !account.insecure, ...sniFor(account.host) },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: 10 * 60_000,
    clientInfo: { name: 'Tern' },
    // Deflate costs CPU on both ends for little gain: most of a mailbox's bytes are attachments
    // that are compressed already, and a migration is CPU-bound on a fast link.
    disableCompression: true,
  });
  // Without a listener a late socket error would crash the process; the command in flight rejects anyway.
  client.on('error', () => {});
  askIdOnce(client);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    // Capabilities read (the server greeted us) but no OAuth2 mechanism among them.
    const caps = client.capabilities;
    if (auth.accessToken && caps.size > 0 && !caps.has('AUTH=XOAUTH2') && !caps.has('AUTH=OAUTHBEARER')) throw noOAuthMechanism('imap', account);
    throw imapError(err, account);
  }
  return client;
}

/**
 * imapflow sends ID again after logging in when the server's first answer named fewer than two
 * fields (Dovecot's names only itself): a round trip on every login, for nothing Tern reads. Once
 * the server has answered ID, that answer stands. Only this instance's `run` is wrapped (imapflow's
 * own dispatcher; test/imap-session.test.ts checks the wire).
 */
function askIdOnce(client: ImapFlow): void {
  const internal = client as unknown as { run(command: string, ...args: unknown[]): Promise<unknown>; idRequested?: unknown };
  const run = internal.run.bind(client);
  internal.run = (command, ...args) => (command.toUpperCase() === 'ID' && internal.idRequested ? Promise.resolve(internal.idRequested) : run(command, ...args));
}

/** Logs out politely, or drops the connection when the server does not answer. */
export async function closeImap(client: ImapSession | undefined): Promise<void> {
  if (!client) return;
  try {
    if (client.usable) await client.logout();
  } catch {
    /* already gone */
  } finally {
    client.close();
  }
}

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

/**
 * Before SELECTing a folder it has not listed, imapflow LISTs it (LIST, LIST INBOX and LSUB: three
 * round trips) only to learn its special use and subscription, which Tern's SELECTs and EXAMINEs
 * do not need (messages.ts calls this before each). The folder is recorded as listed instead, in
 * imapflow's `folders` cache; without that cache the lookup simply happens. A folder that does not
 * exist still fails at SELECT.
 */
export function assumeListed(client: ImapSession, path: string): void {
  const cache = (client as unknown as { folders?: Map<string, unknown> }).folders;
  if (!(cache instanceof Map) || cache.has(path)) return;
  cache.set(path, { path, delimiter: client.namespace?.delimiter ?? '/', flags: new Set<string>(), listed: true });
}
