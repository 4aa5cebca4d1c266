import type { AccountCredentials, MessageSummary } from '../connectors/types';
import { openImap, closeImap, imapError, type ImapSession } from '../connectors/imap/session';
import { listFolders, countMessages, type FolderTree } from '../connectors/imap/folders';
import { scanFolder, fetchSources } from '../connectors/imap/messages';
import { openPop3 } from '../connectors/pop3';

/**
 * What the e-mail step reads from: an IMAP account (folders) or a POP3 maildrop (one INBOX).
 * The step does not care which.
 */
export interface SourceSession {
  folders(): Promise<FolderTree>;
  count(folder: string): Promise<number>;
  scan(folder: string): Promise<MessageSummary[]>;
  /** Full sources by ref; bounded by the caller's chunking. */
  fetch(folder: string, refs: string[]): Promise<Map<string, Buffer>>;
  close(): Promise<void>;
}

/** POP3 locks the maildrop for one session; IMAP takes several in parallel. */
export function maxSourceConnections(account: AccountCredentials, configured: number): number {
  return account.protocol === 'pop3' ? 1 : configured;
}

export async function openSource(account: AccountCredentials, timeoutMs: number): Promise<SourceSession> {
  return account.protocol === 'pop3' ? openPop3Source(account, timeoutMs) : imapSource(await openImap(account, { timeoutMs }), account);
}

function imapSource(client: ImapSession, account: AccountCredentials): SourceSession {
  // A dropped connection becomes a TernError naming the server, which the task retries.
  const wrap = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      throw imapError(err, account);
    });
  return {
    folders: () => wrap(listFolders(client)),
    count: (folder) => wrap(countMessages(client, folder)),
    scan: async (folder) => (await wrap(scanFolder(client, folder))).messages,
    fetch: async (folder, refs) => {
      const byUid = await wrap(fetchSources(client, folder, refs.map(Number)));
      return new Map([...byUid].map(([uid, source]) => [String(uid), source]));
    },
    close: () => closeImap(client),
  };
}

async function openPop3Source(account: AccountCredentials, timeoutMs: number): Promise<SourceSession> {
  const pop = await openPop3(account, { timeoutMs });
  let listing: Promise<MessageSummary[]> | undefined;
  const list = () => (listing ??= pop.list());
  return {
    // A maildrop is a single INBOX, with no flags and no folders.
    folders: async () => ({ prefix: '', delimiter: '/', folders: [{ path: 'INBOX', delimiter: '/', specialUse: '\\Inbox', specialUseFromServer: true, selectable: true }] }),
    count: async () => (await list()).length,
    scan: list,
    fetch: async (_folder, refs) => {
      const out = new Map<string, Buffer>();
      for (const ref of refs) out.set(ref, await pop.retrieve(ref));
      return out;
    },
    close: () => pop.close(),
  };
}
