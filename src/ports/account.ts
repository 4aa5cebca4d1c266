/** What a connector needs to reach an account. Connectors know nothing of tasks or chat. */
export type Protocol = 'imap' | 'pop3' | 'pst' | 'ews' | 'dav' | 'graph';

export interface AccountEndpoint {
  protocol: Protocol;
  host: string;
  port: number;
  /** true: TLS from the first byte (imaps/pop3s). false: plain TCP (STARTTLS when offered). */
  secure: boolean;
  /** Accept a self-signed or otherwise unverifiable certificate. */
  insecure: boolean;
  user: string;
  /** Exchange (protocol "ews"): the EWS endpoint's path, e.g. "/EWS/Exchange.asmx"; DAV (protocol "dav"): where discovery starts ("/", "/remote.php/dav"). `secure` selects https. */
  path?: string;
  /** Exchange: the mailbox an administrator account (`user`) acts for, by EWS impersonation. */
  impersonate?: string;
  /** Exchange: how to log in (Basic by default; NTLM for on-premises servers that refuse Basic). */
  auth?: 'basic' | 'ntlm';
  /** PST import (protocol "pst"): the stored file the task reads; `user` holds its original name. */
  file?: string;
  /**
   * The account that carries this one's contacts, groups, calendars and tasks, when another does:
   * a CalDAV/CardDAV account next to an IMAP one, in one task.
   */
  pim?: AccountEndpoint;
}

/**
 * Where an OAuth2 account gets its access token: the auth layer's provider, never a token store.
 * `refresh` is asked once when the server refuses the token it had.
 */
export interface TokenProvider {
  token(): Promise<string>;
  refresh?(): Promise<string>;
}

export interface AccountCredentials extends Omit<AccountEndpoint, 'pim'> {
  /** A password, or (Microsoft Graph, until a token provider is given) a bearer access token. */
  password: string;
  /** OAuth2 accounts (Microsoft Graph): the access token's provider; preferred over `password`. */
  tokens?: TokenProvider;
  pim?: AccountCredentials;
}

/** Where an account's contacts, groups, calendars and tasks are: its companion DAV account, else itself. */
export function pimOf<T extends AccountEndpoint | AccountCredentials>(a: T): T {
  return (a.pim as T | undefined) ?? a;
}

/** The mailbox an account reaches: the impersonated one when an administrator acts for it. */
export function mailboxOf(a: AccountEndpoint): string {
  return a.impersonate ?? a.user;
}
