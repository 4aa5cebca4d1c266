import { ResolveNameSearchLocation } from 'ews-javascript-api';
import type { AccountCredentials } from '../../ports/account';
import type { EwsSession } from './types';
import { createContext, type EwsContext } from './session';
import { countItems, createFolder, deleteFolder, listFolders, rootId } from './folders';
import { createMessages, fetchMime, scanMessages } from './messages';
import { createItem, deleteItems, listItemIds, readItems } from './items';
import { readRules, writeRules } from './rules';
import { readOof, writeOof } from './oof';
import { readQuota } from './quota';
import { ewsCode } from './errors';
import { fromTransport } from './xhr';

/**
 * Opens an Exchange mailbox over EWS (Exchange 2010 SP2 and later). Opening binds the message
 * root, so a wrong password, an unreachable host, a TLS problem or a refused impersonation fails
 * here, at once, with a TernError naming the server.
 */
export async function openEws(account: AccountCredentials, options: { timeoutMs: number }): Promise<EwsSession> {
  const ctx = createContext(account, options.timeoutMs);
  try {
    await rootId(ctx);
    if (!ctx.mailbox.includes('@')) ctx.mailbox = await smtpAddress(ctx);
  } catch (err) {
    ctx.transport.disconnect();
    throw err;
  }
  return session(ctx);
}

/** A DOMAIN\user login: the mailbox's SMTP address (rules and OOF name the mailbox by it). */
async function smtpAddress(ctx: EwsContext): Promise<string> {
  try {
    const found = await ctx.call('resolving the mailbox address', () => ctx.service.ResolveName(ctx.mailbox, ResolveNameSearchLocation.DirectoryOnly, false));
    const address = found.Count > 0 ? found._getItem(0).Mailbox?.Address : undefined;
    return address && address.includes('@') ? address : ctx.mailbox;
  } catch (err) {
    // No match in the directory: keep the login. A failing server is a failure, though.
    if (fromTransport(err) && ewsCode(err) !== 'ErrorNameResolutionNoResults') throw err;
    return ctx.mailbox;
  }
}

function session(ctx: EwsContext): EwsSession {
  return {
    get mailbox() {
      return ctx.mailbox;
    },
    folders: () => listFolders(ctx),
    createFolder: (parentId, displayName, folderClass) => createFolder(ctx, parentId, displayName, folderClass),
    deleteFolder: (id) => deleteFolder(ctx, id),
    countItems: (folderId) => countItems(ctx, folderId),
    quota: () => readQuota(ctx),
    scanMessages: (folderId) => scanMessages(ctx, folderId),
    fetchMime: (ids) => fetchMime(ctx, ids),
    createMessages: (folderId, messages) => createMessages(ctx, folderId, messages),
    listItemIds: (folderId) => listItemIds(ctx, folderId),
    readItems: (kind, folder, ids, options) => readItems(ctx, kind, folder, ids, options),
    createItem: (folderId, item, opts) => createItem(ctx, folderId, item, opts),
    deleteItems: (ids) => deleteItems(ctx, ids),
    readRules: () => readRules(ctx),
    writeRules: (rules) => writeRules(ctx, rules),
    readOof: () => readOof(ctx),
    writeOof: (oof) => writeOof(ctx, oof),
    close: async () => ctx.transport.disconnect(),
  };
}
