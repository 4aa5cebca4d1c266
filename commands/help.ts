import { ITEM_KINDS } from '../src/items';

/** Platform-neutral help: each surface prints these with its own command syntax. */
export interface HelpEntry {
  command: string;
  what: string;
}

export function help(): { entries: HelpEntry[]; items: readonly string[]; accountUrls: string[] } {
  return {
    entries: [
      { command: 'migrate', what: 'start a migration from a source account to a destination account' },
      { command: 'status', what: "show a task's progress (others' tasks need the source e-mail address too)" },
      { command: 'list', what: 'list your tasks' },
      { command: 'cancel', what: 'finish the folder in progress, then stop' },
      { command: 'rollback', what: 'remove from the destination what the task created (within the rollback window)' },
    ],
    items: ITEM_KINDS,
    accountUrls: ['imap://user@host:143', 'imaps://user@host:993', 'pop3://user@host:110', 'pop3s://user@host:995'],
  };
}
