import type { AccountCredentials } from '../../ports/account';
import type { DestinationFolder } from '../../ports/mail';
import type { PimDestination, StoredPimItem } from '../../ports/pim';
import type { OpenOptions } from '../../ports/connector';
import { TernError } from '../../errors';
import { openEws } from './open';
import { ExchangeFolders } from './folder-index';
import { EXCHANGE_KIND, ofClass } from './pim-kinds';
import { removeFolderIfEmpty } from './remove-folder';
import type { EwsFolder } from './types';

/** GetItem batch for dedupe scans (no attachments are fetched for them). */
const SCAN_BATCH = 50;

/**
 * An Exchange mailbox as the destination of contacts, groups, events and tasks. Every item created
 * carries Tern's stamp in a named property; folders are matched by path and class.
 */
export async function openExchangePimDestination(account: AccountCredentials, options: OpenOptions): Promise<PimDestination> {
  const ews = await openEws(account, options);
  const index = await ExchangeFolders.load(ews);
  const asDestination = (f: EwsFolder): DestinationFolder => ({ path: index.pathOf(f), id: f.id });
  const ewsFolder = (folder: DestinationFolder) => index.all.find((f) => f.id === folder.id) ?? { id: folder.id, path: folder.path, displayName: folder.path, folderClass: '', totalCount: 0 };
  return {
    defaultFolder: async (kind) => {
      const { wellKnown } = EXCHANGE_KIND[kind];
      const found = index.wellKnown(wellKnown);
      if (!found) throw new TernError('PROTOCOL_ERROR', `The destination mailbox has no default ${wellKnown} folder.`);
      return asDestination(found);
    },
    folders: async (kind) => index.all.filter((f) => ofClass(f, EXCHANGE_KIND[kind].folderClass)).map((f) => asDestination(f)),
    ensureFolder: async (kind, path, created) => asDestination(await index.ensure(path, EXCHANGE_KIND[kind].folderClass, created)),
    findFolder: async (kind, path) => {
      const found = index.find(path, EXCHANGE_KIND[kind].folderClass);
      return found && asDestination(found);
    },
    scan: async (kind, folder) => {
      const out: StoredPimItem[] = [];
      const ids = await ews.listItemIds(folder.id);
      for (let i = 0; i < ids.length; i += SCAN_BATCH) {
        // Only stamps and content are needed here: attachments are not downloaded.
        for (const item of await ews.readItems(kind, ewsFolder(folder), ids.slice(i, i + SCAN_BATCH), { attachments: false })) {
          if (item.kind === kind) out.push(item);
        }
      }
      return out;
    },
    create: (folder, item, opts) => ews.createItem(folder.id, item, opts),
    count: (folder) => ews.countItems(folder.id),
    remove: (ids) => ews.deleteItems(ids),
    removeFolderIfEmpty: (folder) => removeFolderIfEmpty(ews, index, folder),
    close: () => ews.close(),
  };
}
