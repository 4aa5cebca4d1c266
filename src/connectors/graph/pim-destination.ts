import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { DestinationFolder, FolderRemoval } from '../../ports/mail';
import type { PimDestination, StoredPimItem } from '../../ports/pim';
import type { PimItem, PimKind } from '../../ports/pim-items';
import { GraphHttp } from './http';
import { enc } from './folders';
import { DEFAULT_CONTACTS, GraphPimFolders, type PimPlace } from './pim-folders';
import { createItem, readPlace, removeItems } from './pim-items';
import { todoCannotHold } from './todo-map';
import { contentCannotHold } from './pim-attachments';
import { contactCategories } from './contact-categories';

const KINDS: PimKind[] = ['contact', 'event', 'task'];

/**
 * A Microsoft 365 mailbox as the destination of contacts, calendars and To Do tasks, through
 * Graph. Every item carries Tern's stamp (a named MAPI property; a linked resource on To Do tasks).
 * Graph v1.0 has no contact groups: the groups step writes their members as contacts with the
 * group's name as a category (groupsAsCategories), as the plan says up front.
 */
export async function openGraphPimDestination(account: AccountCredentials, options: OpenOptions): Promise<PimDestination> {
  const http = new GraphHttp(account, options.timeoutMs);
  const places = new GraphPimFolders(http);
  const asFolder = (p: PimPlace): DestinationFolder => ({ path: p.path, id: p.id });
  const placeOf = async (kind: PimKind, folder: DestinationFolder): Promise<PimPlace> => (await places.byId(kind, folder.id)) ?? (await places.find(kind, folder.path)) ?? (await places.defaultOf(kind));
  /** A folder is one kind's: found by id among them all. */
  const anyPlace = async (folder: DestinationFolder) => {
    for (const kind of KINDS) {
      const p = await places.byId(kind, folder.id);
      if (p) return { kind, place: p };
    }
    return undefined;
  };
  const countOf = async (kind: PimKind, place: PimPlace) => {
    let n = 0;
    for await (const batch of readPlace(http, kind, place)) n += batch.length;
    return n;
  };
  await places.defaultOf('contact');
  return {
    groupsAsCategories: contactCategories(http),
    defaultFolder: async (kind) => asFolder(await places.defaultOf(kind === 'group' ? 'contact' : kind)),
    folders: async (kind) => (await places.all(kind)).map(asFolder),
    ensureFolder: async (kind, path, created) => asFolder(await places.ensure(kind, path, created)),
    findFolder: async (kind, path) => {
      const found = await places.find(kind, path);
      return found && asFolder(found);
    },
    scan: async (kind, folder) => {
      const out: StoredPimItem[] = [];
      for await (const batch of readPlace(http, kind, await placeOf(kind, folder))) out.push(...batch);
      return out;
    },
    create: async (folder, item, { stamp }) => createItem(http, await placeOf(item.kind, folder), item, stamp),
    // To Do lacks several task fields; a contact takes no attachments, nor a photo over 4 MB.
    cannotHold: (item: PimItem) => [...(item.kind === 'task' ? todoCannotHold(item) : []), ...contentCannotHold(item)],
    count: async (folder) => {
      const found = await anyPlace(folder);
      return found ? countOf(found.kind, found.place) : 0;
    },
    remove: async (ids) => removeItems(http, ids),
    removeFolderIfEmpty: async (folder): Promise<FolderRemoval> => {
      places.forget();
      const found = await anyPlace(folder);
      if (!found) return { removed: true };
      const { kind, place } = found;
      if (place.isDefault || place.id === DEFAULT_CONTACTS) return { removed: false, holds: 'the default folder' };
      const below = (await places.all(kind)).filter((p) => p.path.toLowerCase().startsWith(`${place.path.toLowerCase()}/`)).length;
      if (below) return { removed: false, holds: `${below} folder(s)` };
      const items = await countOf(kind, place);
      if (items) return { removed: false, holds: `${items} item(s)` };
      const path = kind === 'contact' ? `/contactFolders/${enc(place.id)}` : kind === 'event' ? `/calendars/${enc(place.id)}` : `/todo/lists/${enc(place.id)}`;
      await http.call('DELETE', `${http.userPath}${path}`, { accept: [404] });
      places.forget(kind);
      return { removed: true };
    },
    close: async () => {},
  };
}
