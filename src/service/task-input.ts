import type { MigrationOptions } from '../options';
import type { AccountCredentials } from '../ports/account';
import type { ItemKind } from '../items';

export interface CreateTaskInput {
  source: AccountCredentials;
  destination: AccountCredentials;
  items: ItemKind[];
  notify?: string;
  /** What of the mailbox to move (dates, folders, order, size cap); not a secret. */
  options?: MigrationOptions;
}

/** A request that passed every check, with the servers autodetection chose. */
export interface CheckedTask {
  input: CreateTaskInput;
  detected: string[];
}
