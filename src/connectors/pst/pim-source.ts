import type { AccountCredentials } from '../../ports/account';
import type { PimSource } from '../../ports/pim';
import type { PimKind } from '../../ports/pim-items';
import { openPst, type PstItemKind } from './client';
import { toPim } from './to-pim';

const PST_KIND: Record<PimKind, PstItemKind> = { contact: 'contact', group: 'distList', event: 'appointment', task: 'task' };

/** Default folder names (Outlook's, in a few languages): a PST's folders carry no marker. */
const DEFAULT_NAMES: Record<PimKind, string[]> = {
  contact: ['contacts', 'kontakte', 'contactos', 'contatti', 'contactpersonen'],
  group: ['contacts', 'kontakte', 'contactos', 'contatti', 'contactpersonen'],
  event: ['calendar', 'kalender', 'calendrier', 'calendario', 'agenda'],
  task: ['tasks', 'aufgaben', 'tâches', 'tareas', 'attività', 'taken'],
};

/** Items read from the reader thread at once: small, since each may carry attachments. */
const BATCH = 10;

/** A PST file's contacts, distribution lists, appointments and tasks, as neutral items. */
export async function openPstPimSource(account: AccountCredentials): Promise<PimSource> {
  const pst = await openPst(account.file!, account.user);
  const listed = new Map<PimKind, ReturnType<typeof pst.itemRefs>>();
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
