import type { AccountCredentials, Protocol } from './account';
import type { MailDestination, MailSource } from './mail';
import type { PimDestination, PimSource, SettingsPort } from './pim';

export interface OpenOptions {
  /** Bounds connecting and each request. */
  timeoutMs: number;
  /** IMAP destinations: several APPENDs on the wire at once when the server offers LITERAL+. */
  pipelining?: boolean;
  /** Opened for a copy lane, to read or write messages at once: what that needs (IMAP's pipes) logs in alongside. */
  copyLane?: boolean;
}

/**
 * One account kind: the ports it offers. A port it lacks is a kind of item it cannot carry (the
 * registry's capabilities say so up front, before any task is created).
 */
export interface Connector {
  /** Logs in and out again: how an account is checked before a task is created. */
  check(account: AccountCredentials, options: OpenOptions): Promise<void>;
  /** Source connections one account takes at once (a POP3 maildrop is locked by one session). */
  maxSourceConnections?: number;
  mailSource?(account: AccountCredentials, options: OpenOptions): Promise<MailSource>;
  mailDestination?(account: AccountCredentials, options: OpenOptions): Promise<MailDestination>;
  pimSource?(account: AccountCredentials, options: OpenOptions): Promise<PimSource>;
  pimDestination?(account: AccountCredentials, options: OpenOptions): Promise<PimDestination>;
  settings?(account: AccountCredentials, options: OpenOptions): Promise<SettingsPort>;
}

/** How the engine and the service reach connectors: by protocol, each loaded on first use. */
export type LoadConnector = (protocol: Protocol) => Promise<Connector>;
