import type { AccountCredentials } from '../connectors/types';
import type { Logger } from '../log';
import type { Journal } from '../store/journal';
import type { TaskStore } from '../store/tasks';
import type { ProgressThrottle } from './progress';

/** What a step gets to do its work: accounts, the store, progress and the cancel signal. */
export interface StepContext {
  taskId: string;
  source: AccountCredentials;
  destination: AccountCredentials;
  tasks: TaskStore;
  journal: Journal;
  progress: ProgressThrottle;
  /** Read from the store: true once someone asked to cancel. */
  cancelRequested(): boolean;
  connectionsPerAccount: number;
  connectTimeoutMs: number;
  /** Pipelined APPENDs when the destination offers LITERAL+. */
  imapPipelining: boolean;
  log: Logger;
}
