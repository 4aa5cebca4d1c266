import type { AccountCredentials } from '../../connectors/types';
import type { PimItem, PimKind } from '../../connectors/pim';
import type { EwsFolder, WellKnownFolder } from '../../connectors/ews/types';
import { openEws } from '../../connectors/ews';
import { openPst, type PstItemKind } from '../../connectors/pst/client';
import { toPim } from '../../connectors/pst/to-pim';
import { ExchangeFolders } from '../exchange-folders';

/** A source folder of one item kind; the default one (Contacts, Calendar, Tasks) maps to the destination's default. */
export interface PimFolder {
  path: string;
  isDefault: boolean;
  count: number;
}

/** Where the contacts, groups, events and tasks of a migration come from (Exchange or a PST file). */
export interface PimSource {
  folders(kind: PimKind): Promise<PimFolder[]>;
  /** The folder's items of that kind, in batches (memory stays bounded). */
  read(kind: PimKind, folder: PimFolder): AsyncIterable<PimItem[]>;
  /** How many items of the kind the source lists but cannot read (damaged PST entries). */
  unreadable(kind: PimKind): Promise<number>;
  close(): Promise<void>;
}

/** Items read at once: small, since each may carry attachments (up to 50 MB an item). */
const BATCH = 10;

/** Exchange folder classes and default folders of each kind (groups live in contact folders). */
export const EXCHANGE_KIND: Record<PimKind, { folderClass: string; wellKnown: WellKnownFolder }> = {
  contact: { folderClass: 'IPF.Contact', wellKnown: 'contacts' },
  group: { folderClass: 'IPF.Contact', wellKnown: 'contacts' },
  event: { folderClass: 'IPF.Appointment', wellKnown: 'calendar' },
  task: { folderClass: 'IPF.Task', wellKnown: 'tasks' },
};

export const ofClass = (f: EwsFolder, folderClass: string) => f.folderClass === folderClass || f.folderClass.startsWith(folderClass + '.');

export async function openPimSource(account: AccountCredentials, timeoutMs: number): Promise<PimSource> {
  return account.protocol === 'pst' ? openPstPimSource(account) : openExchangePimSource(account, timeoutMs);
}

async function openExchangePimSource(account: AccountCredentials, timeoutMs: number): Promise<PimSource> {
  const ews = await openEws(account, { timeoutMs });
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

const PST_KIND: Record<PimKind, PstItemKind> = { contact: 'contact', group: 'distList', event: 'appointment', task: 'task' };
/** Default folder names (Outlook's, in a few languages) for PSTs, whose folders carry no marker. */
const DEFAULT_NAMES: Record<PimKind, string[]> = {
  contact: ['contacts', 'kontakte', 'contactos', 'contatti', 'contactpersonen'],
  group: ['contacts', 'kontakte', 'contactos', 'contatti', 'contactpersonen'],
  event: ['calendar', 'kalender', 'calendrier', 'calendario', 'agenda'],
  task: ['tasks', 'aufgaben', 'tâches', 'tareas', 'attività', 'taken'],
};

async function openPstPimSource(account: AccountCredentials): Promise<PimSource> {
  const pst = await openPst(account.file!, account.user);
  const listed = new Map<PimKind, Promise<{ refs: Array<{ ref: string; folder: string }>; unreadable: number }>>();
  const refsOf = (kind: PimKind) => {
    let p = listed.get(kind);
    if (!p) listed.set(kind, (p = pst.itemRefs(PST_KIND[kind])));
    return p;
  };
  return {
    folders: async (kind) => {
      const { refs } = await refsOf(kind);
      const counts = new Map<string, number>();
      for (const r of refs) counts.set(r.folder, (counts.get(r.folder) ?? 0) + 1);
      const paths = [...counts.keys()];
      const named = paths.find((p) => !p.includes('/') && DEFAULT_NAMES[kind].includes(p.toLowerCase()));
      const byDefault = named ?? (paths.length === 1 ? paths[0] : undefined);
      return paths.map((path) => ({ path, isDefault: path === byDefault, count: counts.get(path)! }));
    },
    read: async function* (kind, folder) {
      const refs = (await refsOf(kind)).refs.filter((r) => r.folder === folder.path);
      for (let i = 0; i < refs.length; i += BATCH) {
        yield (await pst.readItems(refs.slice(i, i + BATCH))).map(toPim).filter((it) => it.kind === kind);
      }
    },
    unreadable: async (kind) => (await refsOf(kind)).unreadable,
    close: () => pst.close(),
  };
}
