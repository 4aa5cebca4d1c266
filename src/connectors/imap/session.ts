import { sniFor } from '../sni';
import { ImapFlow } from 'imapflow';
import { TernError } from '../../errors';
import type { AccountCredentials } from '../../ports/account';
import { bearerToken, noOAuthMechanism, usesOAuth } from '../oauth';
import { imapError } from './imap-error';

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
 * own dispatcher; test/imap-destination-lane.test.ts checks the wire).
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
