import type { AccountCredentials, MessageSummary } from '../connectors/types';
import { openImap, closeImap, imapError, type ImapSession } from '../connectors/imap/session';
import { listFolders, countMessages, type FolderTree } from '../connectors/imap/folders';
import { scanFolder, fetchSources } from '../connectors/imap/messages';
import { openPop3 } from '../connectors/pop3';
import { openPst, PST_DELIMITER } from '../connectors/pst/client';
import { dedupeKey } from './dedupe';
import { TernError } from '../errors';
import { openEws } from '../connectors/ews';
import type { EwsMessageSummary, EwsSession } from '../connectors/ews/types';
import { ExchangeFolders, mailTree } from './exchange-folders';

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
  if (account.protocol === 'ews') return openExchangeSource(account, timeoutMs);
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

/**
 * An Exchange mailbox's mail folders. Read state and the follow-up flag become \Seen and
 * \Flagged, categories become keywords; the dedupe key is the Message-ID, or for the few
 * messages without one, the stable headers of their MIME (fetched for those only).
 */
async function openExchangeSource(account: AccountCredentials, timeoutMs: number): Promise<SourceSession> {
  const ews = await openEws(account, { timeoutMs });
  let loaded: Promise<ExchangeFolders> | undefined;
  const folders = () => (loaded ??= ExchangeFolders.load(ews));
  const folderAt = async (path: string) => {
    const found = (await folders()).find(path);
    if (!found) throw new TernError('PROTOCOL_ERROR', `The Exchange folder "${path}" of ${account.host} disappeared during the migration.`);
    return found;
  };
  return {
    folders: async () => mailTree((await folders()).all),
    count: async (path) => (await folderAt(path)).totalCount,
    scan: async (path) => summariesOf(ews, await ews.scanMessages((await folderAt(path)).id)),
    fetch: (_path, refs) => ews.fetchMime(refs),
    close: () => ews.close(),
  };
}

/** Batches of MIME fetched for messages that have no Message-ID. */
const HEADER_BATCH = 20;

export async function summariesOf(ews: EwsSession, messages: EwsMessageSummary[]): Promise<MessageSummary[]> {
  const keys = await exchangeDedupeKeys(ews, messages);
  return messages.map((m) => ({
    ref: m.id,
    size: m.size,
    flags: [...(m.isRead ? ['\\Seen'] : []), ...(m.flagged ? ['\\Flagged'] : []), ...m.categories.map(keywordOf).filter((k): k is string => Boolean(k))],
    internalDate: m.receivedAt ? new Date(m.receivedAt) : undefined,
    dedupeKey: keys.get(m.id)!,
    categories: m.categories,
  }));
}

/** Dedupe keys computed as for IMAP messages, so both sides of any pair agree. */
export async function exchangeDedupeKeys(ews: EwsSession, messages: EwsMessageSummary[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  const withoutId: string[] = [];
  for (const m of messages) {
    if (m.internetMessageId) keys.set(m.id, dedupeKey(`Message-ID: ${m.internetMessageId}\r\n\r\n`));
    else withoutId.push(m.id);
  }
  for (let i = 0; i < withoutId.length; i += HEADER_BATCH) {
    const batch = withoutId.slice(i, i + HEADER_BATCH);
    const mime = await ews.fetchMime(batch);
    // A message gone meanwhile gets a key nothing matches: it is then simply not found.
    for (const id of batch) keys.set(id, mime.has(id) ? dedupeKey(mime.get(id)!) : `gone:${id}`);
  }
  return keys;
}

/** An Exchange category as an IMAP keyword (atoms only: no spaces, no specials). */
function keywordOf(category: string): string | undefined {
  const atom = category.trim().replace(/[\s(){%*"\\\]]+/g, '_');
  return atom && !atom.startsWith('\\') ? atom : undefined;
}
