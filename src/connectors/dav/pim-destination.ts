import { randomUUID } from 'node:crypto';
import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { DestinationFolder } from '../../ports/mail';
import type { PimDestination, StoredPimItem } from '../../ports/pim';
import type { PimItem, PimKind } from '../../ports/pim-items';
import { notCarriedToDav } from './not-carried';
import { TernError } from '../../errors';
import { defaultOf, makeCollection, TYPE_OF, type Collection } from './collections';
import { deleteIfUnchanged, fetchObjects, listObjects, putNew } from './objects';
import { parseCalendarObject, parseVcard, uidOf, withStamp } from './parse';
import { itemId, openDav, parseItemId, type DavSession } from './session';
import { contactVcard, groupVcard } from './vcard-write';
import { eventIcs, taskIcs, UnwritableItem } from './ical-write';
import { httpError } from './http';

const COMPONENT: Record<PimKind, string | undefined> = { contact: undefined, group: undefined, event: 'VEVENT', task: 'VTODO' };

/**
 * A CalDAV/CardDAV account as the destination. Items are written with PUT and If-None-Match: *
 * (never over an existing resource), each carrying Tern's stamp; one from a DAV source keeps its
 * own text and UID, so nothing is lost between DAV servers and the same UID is "already there".
 * An item's id holds its ETag, so a rollback deletes it only if nobody edited it since.
 */
export async function openDavPimDestination(account: AccountCredentials, options: OpenOptions): Promise<PimDestination> {
  const dav = await openDav(account, options);
  // Destination contact path → its UID, for group members (learnt by scan and create).
  const uidByPath = new Map<string, string>();
  // A folder not (or no longer) listed is still reached by its URL: a missing one then reads as empty.
  const collectionOf = async (folder: DestinationFolder, kind: PimKind = 'contact'): Promise<Collection> =>
    (await dav.collections()).find((c) => c.url === folder.id) ?? { url: folder.id, path: folder.path, type: TYPE_OF[kind], components: [], ours: false };
  const asFolder = (c: Collection): DestinationFolder => ({ path: c.path, id: c.url });
  const findFolder = async (kind: PimKind, path: string) => (await dav.of(kind)).find((c) => c.path === path);

  return {
    keepsNative: ['icalendar', 'vcard'],
    cannotHold: notCarriedToDav,
    defaultFolder: async (kind) => {
      const found = defaultOf(await dav.of(kind), kind);
      if (!found) throw new TernError('PROTOCOL_ERROR', `${account.host} has no ${TYPE_OF[kind] === 'calendar' ? `calendar for ${kind === 'task' ? 'tasks (VTODO)' : 'events (VEVENT)'}` : 'address book'} for ${account.user}. Create one with the provider's web interface, then run the task again.`);
      return asFolder(found);
    },
    folders: async (kind) => (await dav.of(kind)).map(asFolder),
    ensureFolder: async (kind, path, created) => {
      const names = path.split('/');
      let found: Collection | undefined;
      for (let i = 1; i <= names.length; i++) {
        const prefix = names.slice(0, i).join('/');
        found = await findFolder(kind, prefix);
        if (found) continue;
        found = await makeCollection(kind, prefix, dav.homes, account, dav.fetch);
        (await dav.collections()).push(found);
        await created(asFolder(found));
      }
      return asFolder(found!);
    },
    findFolder: async (kind, path) => {
      const found = await findFolder(kind, path);
      return found && asFolder(found);
    },
    scan: async (kind, folder) => scan(dav, kind, await collectionOf(folder, kind), uidByPath),
    create: async (folder, item, opts) => {
      const c = await collectionOf(folder, item.kind);
      const { text, uid, contentType } = render(item, opts.stamp, memberUids(opts.contactIds, uidByPath));
      const url = new URL(`${encodeURIComponent(uid.replace(/[^A-Za-z0-9@._-]/g, '_')).slice(0, 120)}.${contentType === 'text/vcard' ? 'vcf' : 'ics'}`, c.url).href;
      const etag = await putNew(url, text, contentType, account, dav.fetch, `"${labelOf(item)}"`);
      if (etag === 'exists') throw new TernError('ITEM_PRESENT', `An item with the UID of "${labelOf(item)}" is already in ${c.path}.`);
      if (item.kind === 'contact') uidByPath.set(new URL(url).pathname, uid);
      return itemId(url, etag);
    },
    count: async (folder) => (await listObjects(await collectionOf(folder), account, dav.fetch)).length,
    remove: async (ids) => {
      const kept: string[] = [];
      for (const id of ids) {
        const { url, etag } = parseItemId(id, dav.base);
        if ((await deleteIfUnchanged(url, etag, account, dav.fetch)) === 'changed') kept.push(`${decodeURIComponent(new URL(url).pathname)}: edited since the migration, kept`);
      }
      return { kept };
    },
    removeFolderIfEmpty: async (folder) => {
      dav.refresh();
      const all = await dav.collections();
      const here = all.find((c) => c.url === folder.id);
      if (!here) return { removed: true };
      const children = all.filter((c) => c.type === here.type && c.path.startsWith(`${here.path}/`)).length;
      if (children) return { removed: false, holds: `${children} folder(s)` };
      const items = (await listObjects(here, account, dav.fetch)).length;
      if (items) return { removed: false, holds: `${items} item(s)` };
      const res = await dav.fetch(here.url, { method: 'DELETE' });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok && res.status !== 404) throw httpError(account, res.status, `removing ${here.path}`);
      dav.refresh();
      return { removed: true };
    },
    close: async () => {},
  };
}

async function scan(dav: DavSession, kind: PimKind, c: Collection, uidByPath: Map<string, string>): Promise<StoredPimItem[]> {
  if (c.type !== TYPE_OF[kind]) return [];
  const out: StoredPimItem[] = [];
  const objects = await listObjects(c, dav.account, dav.fetch, COMPONENT[kind]);
  for await (const batch of fetchObjects(c, objects, dav.account, dav.fetch)) {
    for (const o of batch) {
      const base = { sourceId: new URL(o.url).pathname, folder: c.path };
      const parsed = c.type === 'calendar' ? parseCalendarObject(o.data!, base) : parseVcard(o.data!, base, new Map());
      // Someone else's unreadable object is neither Tern's copy nor the same item: it is left alone.
      if ('error' in parsed) continue;
      if (parsed.item.kind === 'contact' && parsed.item.uid) uidByPath.set(new URL(o.url).pathname, parsed.item.uid);
      if (parsed.item.kind !== kind) continue;
      const { native: _native, unmapped: _unmapped, ...item } = parsed.item;
      out.push({ ...(item as PimItem), id: itemId(o.url, o.etag), ...(parsed.stamp ? { stamp: parsed.stamp } : {}) });
    }
  }
  return out;
}

/** Source contact id → UID of its copy here, through the ids the engine maps them to. */
function memberUids(contactIds: ReadonlyMap<string, string> | undefined, uidByPath: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [sourceId, id] of contactIds ?? []) {
    const uid = uidByPath.get(id.split('#')[0]);
    if (uid) out.set(sourceId, uid);
  }
  return out;
}

const labelOf = (item: PimItem) => ((item.kind === 'contact' || item.kind === 'group' ? item.displayName : item.subject) ?? item.sourceId).slice(0, 80);

/** The text to PUT: the source's own when it is of this format (stamp set), else made from the neutral shape. */
function render(item: PimItem, stamp: string, members: Map<string, string>): { text: string; uid: string; contentType: 'text/vcard' | 'text/calendar' } {
  const format = item.kind === 'contact' || item.kind === 'group' ? 'vcard' : 'icalendar';
  const contentType = format === 'vcard' ? 'text/vcard' : 'text/calendar';
  if (item.native?.format === format) {
    const uid = uidOf(item.native.text, format);
    if (uid) return { text: withStamp(item.native.text, format, stamp), uid, contentType };
  }
  const uid = randomUUID();
  try {
    switch (item.kind) {
      case 'contact':
        return { text: contactVcard(item, uid, stamp), uid, contentType };
      case 'group':
        return { text: groupVcard(item, uid, stamp, members), uid, contentType };
      case 'event':
        return { text: eventIcs(item, uid, stamp), uid, contentType };
      case 'task':
        return { text: taskIcs(item, uid, stamp), uid, contentType };
    }
  } catch (err) {
    if (err instanceof UnwritableItem) throw new TernError('ITEM_REFUSED', `"${labelOf(item)}" cannot be written as iCalendar: ${err.message}.`);
    throw err;
  }
}
