import type { AccountCredentials } from '../../ports/account';
import type { MailDestination, OutgoingMessage, WriteLane } from '../../ports/mail';
import type { OpenOptions } from '../../ports/connector';
import { TernError } from '../../errors';
import { openEws } from './open';
import { ExchangeFolders, mailTree } from './folder-index';
import { dedupeKeysOf } from './dedupe';
import { removeFolderIfEmpty } from './remove-folder';
import type { EwsSession, NewMessage } from './types';

/** IMAP keywords that are client bookkeeping, not a user's labels: never made into categories. */
const NOT_CATEGORIES = new Set(['junk', 'nonjunk', 'notjunk']);

/**
 * An Exchange mailbox as a mail destination. Ids are ItemIds and FolderIds (they never change, so
 * the generation is ""); every message is written with CreateItem MIME carrying Tern's write mark.
 */
export async function openExchangeMailDestination(account: AccountCredentials, options: OpenOptions): Promise<MailDestination> {
  const ews = await openEws(account, options);
  const folders = await ExchangeFolders.load(ews);
  return {
    keepsMarks: true,
    folders: async () => mailTree(folders.all),
    ensureFolder: async (path, created) => {
      const found = await folders.ensure(path, 'IPF.Note', created).catch((err: unknown) => {
        // Refused for what was asked (a name, a place), not for a server in trouble: that folder fails alone.
        if (!(err instanceof TernError) || err.code !== 'ITEM_REFUSED') throw err;
        throw new TernError('FOLDER_REFUSED', `The destination refused to create the folder "${path}": ${err.userMessage}`, { serverCode: err.serverCode });
      });
      const real = folders.pathOf(found);
      const note = real.toLowerCase() === path.toLowerCase() ? undefined : `put in "${real}": the destination has a folder of another kind named "${path}"`;
      return { folder: { path: real, id: found.id }, note };
    },
    findFolder: async (path) => {
      const found = folders.find(path);
      return found && { path: folders.pathOf(found), id: found.id };
    },
    scan: async (folder) => {
      const present = await ews.scanMessages(folder.id);
      const keys = await dedupeKeysOf(ews, present);
      return { generation: '', messages: present.map((m) => ({ id: m.id, dedupeKey: keys.get(m.id)!, mark: m.mark })) };
    },
    openLane: async () => exchangeLane(ews),
    findByKey: async (folder, key) => {
      const present = await ews.scanMessages(folder.id);
      const keys = await dedupeKeysOf(ews, present);
      return present.filter((m) => keys.get(m.id) === key).map((m) => m.id);
    },
    count: (folder) => ews.countItems(folder.id),
    quota: () => ews.quota(),
    // ItemIds name a message wherever it is: a folder renamed or moved since does not matter.
    remove: async (_folder, _generation, ids) => {
      await ews.deleteItems(ids);
      return 'removed';
    },
    removeFolderIfEmpty: (folder) => removeFolderIfEmpty(ews, folders, folder),
    close: () => ews.close(),
  };
}

/** Messages per CreateItem request, and bytes: requests stay well below Exchange's request size limits. */
const REQUEST_MESSAGES = 20;
const REQUEST_BYTES = 8 * 1024 * 1024;

/** CreateItem requests one after the other, each answered before the next goes (the session's HTTP agent carries other lanes in parallel). */
function exchangeLane(ews: EwsSession): WriteLane {
  return {
    async write(folder, messages, answered) {
      for (let start = 0; start < messages.length; ) {
        let end = start + 1;
        let bytes = messages[start].raw.length;
        while (end < messages.length && end - start < REQUEST_MESSAGES && bytes + messages[end].raw.length <= REQUEST_BYTES) bytes += messages[end++].raw.length;
        const results = await ews.createMessages(folder.id, messages.slice(start, end).map(newMessage));
        results.forEach((res, i) => answered(start + i, 'id' in res ? { id: res.id } : { refused: res.error, code: /^(Error\w+)/.exec(res.error)?.[1] }));
        start = end;
      }
    },
    close: async () => {},
  };
}

/** Flags as Exchange properties: \Seen is the read state, \Flagged the follow-up flag, keywords categories. */
function newMessage(m: OutgoingMessage): NewMessage {
  const keywords = m.flags.filter((f) => !f.startsWith('\\') && !f.startsWith('$') && !NOT_CATEGORIES.has(f.toLowerCase()));
  return {
    mime: m.raw,
    isRead: m.flags.includes('\\Seen'),
    flagged: m.flags.includes('\\Flagged'),
    categories: m.categories ?? keywords,
    receivedAt: m.internalDate?.toISOString(),
    mark: m.mark,
  };
}
