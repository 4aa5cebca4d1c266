import type { AccountCredentials } from '../ports/account';
import type { LoadConnector, OpenOptions } from '../ports/connector';
import type { Logger } from '../log';
import type { RunJournal } from './run-journal';
import type { TaskStore } from '../store/tasks';
import type { FolderSyncStore } from '../store/folder-sync';
import type { ProgressThrottle } from './progress';
import type { StepCounters } from '../task';
import type { MigrationOptions } from '../options';

/** How a step ended: cancelled part-way or not, and its exact counters. */
export interface StepResult {
  cancelled: boolean;
  counters: StepCounters;
}

/** What a step gets to do its work: accounts, their connectors, the store, progress and the cancel signal. */
export interface StepContext {
  taskId: string;
  source: AccountCredentials;
  destination: AccountCredentials;
  connectors: LoadConnector;
  tasks: TaskStore;
  /** Every write checks that this run still holds the task (see lease.ts). */
  journal: RunJournal;
  progress: ProgressThrottle;
  /** Where earlier passes between the same accounts left each folder (instant re-runs); absent: every folder is compared in full. */
  syncStates?: Pick<FolderSyncStore, 'get' | 'put' | 'drop'>;
  /** Read from the store: true once someone asked to cancel. */
  cancelRequested(): Promise<boolean>;
  /** Throws RUN_STOPPED once this run must stop (its worker shuts down, it lost its job or task): checked between batches. */
  ensureRunning(): Promise<void>;
  /** Aborted when this run must stop: writers send nothing more and answer what they sent. */
  stop?: AbortSignal;
  connectionsPerAccount: number;
  /** How connectors open ports: timeouts, pipelining. */
  open: OpenOptions;
  log: Logger;
  /** What of the mailbox the task moves (date range, folders, size cap, order); see options.ts. */
  options?: MigrationOptions;
}
