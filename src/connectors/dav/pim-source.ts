import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { PimFolder, PimSource } from '../../ports/pim';
import type { ContactData, PimItem, PimKind } from '../../ports/pim-items';
import { defaultOf, type Collection } from './collections';
import { fetchObjects, listObjects, type DavObject } from './objects';
import { knownContact, parseCalendarObject, parseVcard } from './parse';
import { openDav, type DavSession } from './session';
import type { KnownContact } from './vcard-read';

const COMPONENT: Record<PimKind, string | undefined> = { contact: undefined, group: undefined, event: 'VEVENT', task: 'VTODO' };
/** Items handed to the engine at once. */
const BATCH = 50;

/**
 * A CalDAV/CardDAV account as a source: each calendar and address book is a folder (named by its
 * display name), its objects read with calendar-multiget / addressbook-multiget. An object that is
 * not valid iCalendar or vCard is skipped and reported with why; the rest goes on.
 */
export async function openDavPimSource(account: AccountCredentials, options: OpenOptions): Promise<PimSource> {
  const dav = await openDav(account, options);
  const skipped = new Map<string, string[]>();
  const listings = new Map<string, Promise<DavObject[]>>();
  const listing = (c: Collection, kind: PimKind) => {
    const key = `${c.url}\n${COMPONENT[kind] ?? ''}`;
    let l = listings.get(key);
    if (!l) listings.set(key, (l = listObjects(c, account, dav.fetch, COMPONENT[kind])));
    return l;
  };
  const collectionOf = async (kind: PimKind, folder: PimFolder) => (await dav.of(kind)).find((c) => c.path === folder.path);

  return {
    folders: async (kind) => {
      const all = await dav.of(kind);
      const byDefault = defaultOf(all, kind);
      // Groups are found only by reading the cards: their count is learnt as they are read.
      return Promise.all(all.map(async (c) => ({ path: c.path, isDefault: c === byDefault, count: kind === 'group' ? 0 : (await listing(c, kind)).length })));
    },
    read: (kind, folder) => readFolder(dav, kind, folder, collectionOf, listing, (reason) => {
      const key = `${kind}\n${folder.path}`;
      skipped.set(key, [...(skipped.get(key) ?? []), reason]);
    }),
    skipped: (kind, folder) => skipped.get(`${kind}\n${folder.path}`) ?? [],
    unreadable: async () => 0,
    close: async () => {},
  };
}

async function* readFolder(
  dav: DavSession,
  kind: PimKind,
  folder: PimFolder,
  collectionOf: (kind: PimKind, folder: PimFolder) => Promise<Collection | undefined>,
  listing: (c: Collection, kind: PimKind) => Promise<DavObject[]>,
  skip: (reason: string) => void,
): AsyncGenerator<PimItem[]> {
  const c = await collectionOf(kind, folder);
  if (!c) return;
  const objects = await listing(c, kind);
  // Group members name contacts by UID: the address book's contacts are known first.
  const contacts = new Map<string, KnownContact>();
  const pending: Array<{ o: DavObject; text: string }> = [];
  let out: PimItem[] = [];
  for await (const batch of fetchObjects(c, objects, dav.account, dav.fetch)) {
    for (const o of batch) {
      const base = { sourceId: new URL(o.url).pathname, folder: folder.path };
      const name = decodeURIComponent(new URL(o.url).pathname.split('/').pop() ?? '');
      if (c.type === 'calendar') {
        const parsed = parseCalendarObject(o.data!, base);
        if ('error' in parsed) skip(`${name}: ${parsed.error}; skipped`);
        else if (parsed.item.kind === kind) out.push(parsed.item);
      } else {
        const parsed = parseVcard(o.data!, base, contacts);
        if ('error' in parsed) {
          if (kind === 'contact') skip(`${name}: ${parsed.error}; skipped`);
        } else if (parsed.item.kind === 'contact') {
          if (parsed.item.uid) contacts.set(parsed.item.uid, knownContact(parsed.item as ContactData));
          if (kind === 'contact') out.push(parsed.item);
        } else if (kind === 'group') pending.push({ o, text: o.data! });
      }
      if (out.length >= BATCH) {
        yield out;
        out = [];
      }
    }
  }
  for (const { o, text } of pending) {
    const parsed = parseVcard(text, { sourceId: new URL(o.url).pathname, folder: folder.path }, contacts);
    if (!('error' in parsed)) out.push(parsed.item);
  }
  if (out.length) yield out;
}
