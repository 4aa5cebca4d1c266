import type { AccountEndpoint } from './ports/account';
import type { ItemKind } from './items';
import type { MigrationOptions } from './options';

/**
 * What a migration would do, found before it runs by reading both sides (nothing is written at the
 * destination): the plan document `tern plan --json` prints and the chat plan card shows. No secret in it.
 */
export interface PlanFolder {
  sourceFolder: string;
  destinationFolder: string;
  /** Whether the destination has the folder already (else the migration creates it). */
  exists: boolean;
  /** Messages the task's options select at the source, and their bytes. */
  count: number;
  bytes: number;
  largest?: { bytes: number; receivedAt?: string };
  /** Of those, already at the destination (never copied again). */
  alreadyPresent: number;
  /** To be copied, and their bytes. */
  toCopy: number;
  toCopyBytes: number;
  /** Over the destination's message-size limit: it would refuse them. */
  tooLarge: number;
  /** Left out by the task's options (date range, size cap). */
  leftOut: number;
  /** A name the destination cannot hold as it is (and what it becomes), or another remark. */
  note?: string;
}

export interface PlanKind {
  kind: ItemKind;
  /** False: the source or destination cannot carry this kind (`reason` says why); the migration would be refused. */
  carried: boolean;
  reason?: string;
  /** Carried in another shape by the destination: what it becomes (contact groups into Microsoft 365). */
  reshaped?: string;
  /** Items the source holds of this kind, when it can tell (e-mails: see the folders). */
  count?: number;
}

export interface PlanProbe {
  /** Shortest of a few round trips (a cheap command), in ms. */
  roundTripMs: number;
  /** Bytes per second read from the source on one connection, from a short sample. */
  bytesPerSecond?: number;
}

export interface PlanTotals {
  count: number;
  bytes: number;
  alreadyPresent: number;
  toCopy: number;
  toCopyBytes: number;
  tooLarge: number;
  leftOut: number;
}

export interface PlanView {
  source: string;
  destination: string;
  sourceEndpoint: AccountEndpoint;
  destinationEndpoint: AccountEndpoint;
  items: ItemKind[];
  options?: MigrationOptions;
  kinds: PlanKind[];
  folders: PlanFolder[];
  totals: PlanTotals;
  /** The largest message the destination takes (IMAP APPENDLIMIT), when it says. */
  messageSizeLimit?: number;
  /** The destination mailbox's quota, and what it would hold after the copy. */
  quota?: { usedBytes: number; limitBytes: number; afterBytes: number; fits: boolean };
  probe: { source?: PlanProbe; destination?: PlanProbe };
  /** Estimated seconds the copy takes, from the probe; undefined when nothing is to be copied or the probe could not tell. */
  etaSeconds?: number;
  /** Things to look at before starting (a folder selection naming no folder, a quota too small…). */
  warnings: string[];
  plannedAt: string;
}
