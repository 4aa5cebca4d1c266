import type { AccountCredentials } from '../../ports/account';
import type { PimSource } from '../../ports/pim';
import type { PimItem } from '../../ports/pim-items';
import type { OpenOptions } from '../../ports/connector';
import { openEws } from './open';
import { ExchangeFolders } from './folder-index';
import { EXCHANGE_KIND, ofClass } from './pim-kinds';

/** Items read at once: small, since each may carry attachments (up to 50 MB an item). */
const BATCH = 10;

/** An Exchange mailbox's contacts, groups, calendars and tasks, folder by folder, as neutral items. */
export async function openExchangePimSource(account: AccountCredentials, options: OpenOptions): Promise<PimSource> {
  const ews = await openEws(account, options);
  const index = await ExchangeFolders.load(ews);
  const byPath = (path: string) => index.all.find((f) => f.path === path)!;
  return {
    folders: async (kind) =>
      index.all
        .filter((f) => ofClass(f, EXCHANGE_KIND[kind].folderClass))
        .map((f) => ({ path: f.path, isDefault: f.wellKnown === EXCHANGE_KIND[kind].wellKnown, count: f.totalCount })),
    read: async function* (kind, folder) {
      const at = byPath(folder.path);
      const ids = await ews.listItemIds(at.id);
      for (let i = 0; i < ids.length; i += BATCH) {
        const items = await ews.readItems(kind, at, ids.slice(i, i + BATCH));
        // Contact folders hold contacts and groups: each step takes its own kind.
        yield items.filter((it) => it.kind === kind).map(({ id: _id, stamp: _stamp, ...item }) => ({ ...item, folder: folder.path }) as PimItem);
      }
    },
    unreadable: async () => 0,
    close: () => ews.close(),
  };
}
