import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { PimSource } from '../../ports/pim';
import type { PimItem } from '../../ports/pim-items';
import { TernError } from '../../errors';
import { GraphHttp } from './http';
import { GraphPimFolders } from './pim-folders';
import { readPlace } from './pim-items';

/**
 * A Microsoft 365 mailbox's contacts, calendars and To Do tasks, through Graph, as neutral items.
 * It has no contact groups to give: Graph v1.0 cannot read them (the registry says so up front).
 */
export async function openGraphPimSource(account: AccountCredentials, options: OpenOptions): Promise<PimSource> {
  const http = new GraphHttp(account, options.timeoutMs);
  const places = new GraphPimFolders(http);
  await places.defaultOf('contact');
  return {
    folders: async (kind) => {
      const list = await places.all(kind);
      const counted = [];
      // Graph gives no item count on contact folders, calendars or lists: they are counted by listing.
      for (const p of list) {
        let count = 0;
        for await (const batch of readPlace(http, kind, p)) count += batch.length;
        counted.push({ path: p.path, isDefault: p.isDefault, count });
      }
      return counted;
    },
    read: async function* (kind, folder) {
      const place = await places.find(kind, folder.path);
      if (!place) throw new TernError('PROTOCOL_ERROR', `The folder "${folder.path}" of ${http.mailbox} disappeared during the migration.`, { retryable: true });
      for await (const batch of readPlace(http, kind, place, { content: true })) yield batch.map(({ id: _id, stamp: _stamp, ...item }) => item as PimItem);
    },
    unreadable: async () => 0,
    close: async () => {},
  };
}
