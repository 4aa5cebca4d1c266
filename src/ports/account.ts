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
  /** Microsoft 365 (protocol "graph"): the IMAP server ("host:port") mail is written to when the tenant allows IMAP (`?imap_host=`). */
  imapHost?: string;
  /**
   * How to log in: a password (Exchange: Basic by default, NTLM for on-premises servers that refuse
   * Basic), or an OAuth2 bearer token (IMAP/POP3 SASL XOAUTH2 or OAUTHBEARER, Exchange Bearer).
   */
  auth?: AccountAuth;
  /** OAuth2 accounts: who issues their tokens (unset: a token given by a script). */
  oauth?: OAuthIssuer;
  /** PST import (protocol "pst"): the stored file the task reads; `user` holds its original name. */
  file?: string;
  /** PST import: the key of the file in the blob store (data folder or S3), which every worker reaches. */
  blob?: string;
  /**
   * The account that carries this one's contacts, groups, calendars and tasks, when another does:
   * a CalDAV/CardDAV account next to an IMAP one, in one task.
   */
  pim?: AccountEndpoint;
}

export type AccountAuth = 'basic' | 'ntlm' | 'oauth2';

/** An OAuth2 authorization server and the client Tern signs in as there. */
export interface OAuthIssuer {
  /** The issuer URL (discovery at /.well-known/…), or a built-in preset: "microsoft", "google". */
  issuer: string;
  /** Unset: the preset's client id from the configuration. */
  clientId?: string;
  /** The scopes asked for; unset: the preset's (mail access and a refresh token). */
  scope?: string;
}

/**
 * Gives an OAuth2 account's current access token. `renew`: the server refused the last one (expired
 * or revoked early), so a fresh one is needed. Fails with a TernError saying what to do (sign in
 * again) when none can be had. Connectors get this, never the store the tokens come from.
 */
export interface TokenProvider {
  accessToken(options?: TokenOptions): Promise<string>;
}

export interface TokenOptions {
  renew?: boolean;
  /**
   * A token for another resource from the same sign-in: "outlook" for Exchange Online's IMAP,
   * which refuses a Graph token. Unset: the sign-in's own (Graph for a Microsoft 365 account).
   */
  audience?: 'outlook';
}

export interface AccountCredentials extends Omit<AccountEndpoint, 'pim'> {
  /** The password; for an OAuth2 account, an access token given by a script, or empty when `tokens` gives them. */
  password: string;
  /** OAuth2 accounts: where access tokens come from; preferred over `password`. */
  tokens?: TokenProvider;
  pim?: AccountCredentials;
}

/** Where an account's contacts, groups, calendars and tasks are: its companion DAV account, else itself. */
export function pimOf<T extends AccountEndpoint | AccountCredentials>(a: T): T {
  return (a.pim as T | undefined) ?? a;
}

/** Builds an OAuth2 account's token provider from what the vault kept for it (a given access token, or nothing). */
export type TokenSource = (account: AccountEndpoint, secret: string) => TokenProvider;

/** The mailbox an account reaches: the impersonated one when an administrator acts for it. */
export function mailboxOf(a: AccountEndpoint): string {
  return a.impersonate ?? a.user;
}
