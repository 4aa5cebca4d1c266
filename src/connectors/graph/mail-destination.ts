import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { MailDestination } from '../../ports/mail';
import { TernError } from '../../errors';
import { enc, GraphFolders } from './folders';
import { GraphHttp } from './http';
import { writeLargeMessage } from './large-message';
import { openImapWrites } from './imap-writes';
import { imapAccountOf } from './url';
import { dedupeKeysOf, deleteMessages, scanMessages, writeMessages } from './messages';
import { readQuota } from './quota';
import { openItemImport } from './mailbox-import-export';

/**
 * A Microsoft 365 mailbox as a mail destination: by IMAP with XOAUTH2 where the tenant allows it
 * (imap-writes.ts: an APPEND is byte-exact), else through Graph. Through Graph, ids are Graph ids (they name a
 * message wherever it is: generation ""); every message is written by MIME create plus a PATCH
 * carrying Tern's write mark, so a write whose answer was lost is recognised by it.
 */
export async function openGraphMailDestination(account: AccountCredentials, options: OpenOptions): Promise<MailDestination> {
  const imap = imapAccountOf(account);
  if (!imap) return openGraphWrites(account, options, 'writing by Graph');
  const byImap = await openImapWrites(imap, options);
  if ('destination' in byImap) return byImap.destination;
  return openGraphWrites(account, options, byImap.fallback);
}

/** The mailbox written through Graph: MIME create, upload sessions for large files, a PATCH that clears the draft state. */
async function openGraphWrites(account: AccountCredentials, options: OpenOptions, writePath: string): Promise<MailDestination> {
  const http = new GraphHttp(account, options.timeoutMs);
  const folders = await GraphFolders.load(http);
  const scan = async (folderId: string) => {
    const present = await scanMessages(http, folderId);
    const keys = await dedupeKeysOf(http, present);
    return present.map((m) => ({ id: m.id, dedupeKey: keys.get(m.id)!, mark: m.mark }));
  };
  return {
    writePath,
    keepsMarks: true,
    folders: async () => folders.tree(),
    ensureFolder: async (path, created) => {
      const found = await folders.ensure(path, created).catch((err: unknown) => {
        if (!(err instanceof TernError) || err.retryable || err.code === 'AUTH_FAILED') throw err;
        throw new TernError('FOLDER_REFUSED', `Microsoft 365 refused to create the folder "${path}": ${err.userMessage}`, { serverCode: err.serverCode, httpStatus: err.httpStatus });
      });
      return { folder: { path: found.path, id: found.id } };
    },
    findFolder: async (path) => {
      const found = folders.find(path);
      return found && { path: found.path, id: found.id };
    },
    scan: async (folder) => ({ generation: '', messages: await scan(folder.id) }),
    openLane: async () => ({
      write: (folder, messages, answered) => writeMessages(http, folder.id, messages, answered, (collection, m) => writeLargeMessage(http, collection, m)),
      close: async () => {},
    }),
    findByKey: async (folder, key) => (await scan(folder.id)).filter((m) => m.dedupeKey === key).map((m) => m.id),
    count: async (folder) => {
      const res = await http.call('GET', `${http.userPath}/mailFolders/${enc(folder.id)}?$select=totalItemCount`);
      return Number(res.json?.totalItemCount ?? 0);
    },
    quota: () => readQuota(http),
    // Graph ids name a message wherever it is: a folder renamed or moved since does not matter.
    remove: async (_folder, _generation, ids) => {
      await deleteMessages(http, ids);
      return 'removed';
    },
    removeFolderIfEmpty: async (folder) => {
      const path = `${http.userPath}/mailFolders/${enc(folder.id)}`;
      const res = await http.call('GET', `${path}?$select=totalItemCount,childFolderCount`, { accept: [404] });
      if (res.status === 404) return { removed: true };
      const items = Number(res.json?.totalItemCount ?? 0);
      if (items > 0) return { removed: false, holds: `${items} item(s)` };
      if (Number(res.json?.childFolderCount ?? 0) > 0) return { removed: false, holds: 'folders' };
      await http.call('POST', `${path}/permanentDelete`, { accept: [404] });
      folders.forget(folder.id);
      return { removed: true };
    },
    // From another Microsoft 365 mailbox: items imported whole (app-only sign-ins); ids are Graph ids as above.
    itemImport: () => openItemImport(http),
    close: async () => {},
  };
}
