import type { AccountEndpoint } from './ports/account';
import type { ItemKind } from './items';
import type { MigrationOptions } from './options';
import type { FailedItem, FailureCounts } from './failure-category';

/** The task lifecycle of DESIGN.md. */
/** `completed_with_errors`: every step ran to its end, but some items failed (each folder says which and why). */
export type TaskStatus = 'queued' | 'running' | 'completed' | 'completed_with_errors' | 'failed' | 'cancelled' | 'rolling_back' | 'rolled_back';
export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

/** The moments a task's watchers hear of (a notification e-mail goes out for each, once). */
export type TaskEvent = 'started' | 'completed' | 'completed_with_errors' | 'failed' | 'cancelled' | 'rolled_back' | 'rollback_failed';

/** A status as words ("completed with errors"). */
export const statusText = (s: TaskStatus) => s.replace(/_/g, ' ');

export const END_STATUSES: readonly TaskStatus[] = ['completed', 'completed_with_errors', 'failed', 'cancelled'];
export const isEnded = (s: TaskStatus) => END_STATUSES.includes(s);

export interface StepCounters {
  total: number;
  copied: number;
  alreadyPresent: number;
  failed: number;
  bytes: number;
  /** Bytes this pass has to move, as far as known (e-mails): what the ETA is counted on. */
  totalBytes?: number;
}

export interface StepView extends StepCounters {
  kind: ItemKind;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  error?: string;
}

export interface FolderReport {
  sourceFolder: string;
  destinationFolder: string;
  status: 'pending' | 'running' | 'done' | 'cancelled' | 'failed';
  sourceCount: number;
  copied: number;
  alreadyPresent: number;
  failed: number;
  bytes: number;
  destinationCount?: number;
  /** A rename the destination forced, or another remark. */
  note?: string;
  /** A count that does not add up. */
  warning?: string;
  /** Why items failed, in the servers' words, with how many failed so. */
  failures?: Array<{ reason: string; count: number }>;
}

/** The task document: what status, the CLI's --json and the chat cards show. No secret in it. */
export interface TaskView {
  id: string;
  status: TaskStatus;
  /** True while a cancel was asked for and the running step is being finished. */
  cancelling: boolean;
  /** While a server is unreachable or busy: why (naming the side and server), since when, and the next try. */
  waiting?: { reason: string; side?: 'source' | 'destination'; since: string; nextTryAt: string };
  requester: string;
  source: string;
  destination: string;
  sourceEndpoint: AccountEndpoint;
  destinationEndpoint: AccountEndpoint;
  items: ItemKind[];
  notify?: string;
  /** What of the mailbox it moves: date range, folders, size cap, order. */
  options?: MigrationOptions;
  steps: StepView[];
  folders: FolderReport[];
  error?: string;
  rollbackError?: string;
  cancelledBy?: string;
  /** When the cancel was asked for. */
  cancelledAt?: string;
  /** Who asked for the last rollback (actor ID) and when, while it runs or after. */
  rollbackAsked?: { by: string; at: string };
  /** Why the last notification e-mail could not be sent. */
  notifyError?: string;
  /** What the last rollback left at the destination, and why (a folder holding others' mail…). */
  rollbackNotes?: string[];
  /** Servers chosen by autodetection (accounts given as "auto"). */
  detected?: string[];
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  endedAt?: string;
  rollbackUntil?: string;
  /** Whether a rollback may be asked for now. */
  canRollback: boolean;
  /** Whether `retry` may be asked for now: ended, within the rollback window (see service.retry). */
  canRetry: boolean;
  /** How many passes ran: 1, then one more per retry. */
  pass: number;
  /** A retry's pass: the items handled and bytes moved when it began (its speed counts from there). */
  passStart?: { done: number; bytes: number };
  /** The last pass's failed items: counts per category, and the first of them with where each is. */
  failedItems?: { counts: FailureCounts; items: FailedItem[]; more: number };
}
