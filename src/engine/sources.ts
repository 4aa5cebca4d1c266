import type { AccountCredentials, MessageSummary } from '../connectors/types';
import { openImap, closeImap, imapError, type ImapSession } from '../connectors/imap/session';
import { listFolders, countMessages, type FolderTree } from '../connectors/imap/folders';
import { scanFolder, fetchSources } from '../connectors/imap/messages';
import { openPop3 } from '../connectors/pop3';
import { openPst, PST_DELIMITER } from '../connectors/pst/client';
import { dedupeKey } from './dedupe';

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
  /** After scan: what of the folder could not be read, when the source knows (PST files). */
  folderNote?(folder: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** POP3 locks the maildrop for one session; IMAP takes several in parallel. */
export function maxSourceConnections(account: AccountCredentials, configured: number): number {
  return account.protocol === 'pop3' || account.protocol === 'pst' ? 1 : configured;
}

export async function openSource(account: AccountCredentials, timeoutMs: number): Promise<SourceSession> {
  if (account.protocol === 'pst') return openPstSource(account);
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

/**
 * A PST file (the stored upload), read in its own thread. Messages are rebuilt as RFC 5322 on
 * fetch; their dedupe key is their Message-ID (original, or a stable one Tern derives), so a
 * re-import finds them at the destination. An item the PST lists but cannot give is scanned with
 * a key nothing matches and left out of fetch, so the step counts it failed in its folder.
 */
async function openPstSource(account: AccountCredentials): Promise<SourceSession> {
  const pst = await openPst(account.file!, account.user);
  return {
    folders: async () => ({
      prefix: '',
      delimiter: PST_DELIMITER,
      folders: (await pst.folders()).map((f) => ({ path: f.path, delimiter: PST_DELIMITER, specialUse: f.specialUse, specialUseFromServer: false, selectable: true })),
    }),
    count: async (folder) => (await pst.folders()).find((f) => f.path === folder)?.count ?? 0,
    scan: async (folder) =>
      (await pst.scan(folder)).map((m) => ({
        ref: m.ref,
        size: m.size,
        flags: m.flags,
        internalDate: m.internalDate ? new Date(m.internalDate) : undefined,
        dedupeKey: m.unreadable ? `unreadable:${m.ref}` : dedupeKey(`Message-ID: ${m.messageId}\r\n\r\n`),
      })),
    fetch: (folder, refs) => pst.fetch(folder, refs),
    folderNote: async (folder) => {
      const problem = (await pst.folders()).find((f) => f.path === folder)?.problem;
      return problem && `${account.user}: ${problem}`;
    },
    close: () => pst.close(),
  };
}
