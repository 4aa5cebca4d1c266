// Mailbox snapshots for "restored exactly" checks: every folder, item (content, extended
// properties, MIME, occurrence changes, attachments by name, type and content hash), rule and
// the OOF settings, with what a server assigns on its own (ids, change keys, creation/modification
// times, sizes) left out and references between objects (rule → folder, group → contact) written
// as paths, so two mailboxes filled the same way compare equal with toEqual.
import { createHash } from 'node:crypto';
import { servedContentType } from './attachments';
import { decodeId } from './ids';
import { uriAttrsForKey } from './extended';
import type { ItemKind, OofSettings, StoredItem } from './model';
import { itemView, renderView, type Shape } from './render';
import type { MailboxStore } from './store';
import { attrString, fragment, serialize, text } from './xml';

export interface SnapshotItem {
  folder: string;
  type: ItemKind;
  properties: Record<string, string>;
  extended: Record<string, string | string[]>;
  mime?: string;
  /** Calendar masters: changed occurrences by InstanceIndex (their changed properties). */
  exceptions?: Record<string, Record<string, string>>;
  deletedOccurrences?: number[];
  /** File attachments in order; the content as a SHA-256, the ids and times left out. */
  attachments?: SnapshotAttachment[];
}

export interface SnapshotAttachment {
  name: string;
  contentType: string;
  contentId?: string;
  isInline: boolean;
  isContactPhoto: boolean;
  sha256: string;
}

export interface MailboxSnapshot {
  folders: Array<{ path: string; folderClass: string; distinguishedId?: string; extended: Record<string, string | string[]> }>;
  items: SnapshotItem[];
  rules: string[];
  oof: OofSettings;
  hasOutlookRuleBlob: boolean;
}

/** Server-assigned, so never equal between two mailboxes. */
const VOLATILE = new Set(['ItemId', 'ParentFolderId', 'DateTimeCreated', 'LastModifiedTime', 'Size', 'IsUnmodified', 'ChangeCount', 'DateTimeStamp', 'ConversationId', 'InstanceKey']);
const VOLATILE_EXT = new Set(['0x3007', '0x3008', '0x0E08']);

function allPropertiesShape(item: StoredItem | undefined, mb: MailboxStore): Shape {
  const keys = item ? [...itemView(mb, item).ext.values()] : [];
  return {
    base: 'AllProperties',
    fields: new Set(),
    indexed: new Map(),
    extended: keys.map((p) => fragment(`<t:ExtendedFieldURI${attrString(uriAttrsForKey(p.key, p.type))}/>`)),
    bodyType: 'Best',
  };
}

/** The item as GetItem AllProperties + all its extended properties would serve it (no MimeContent). */
export function fullItemXml(mb: MailboxStore, item: StoredItem): string {
  return renderView(itemView(mb, item), allPropertiesShape(item, mb));
}

export function itemExtendedRecord(mb: MailboxStore, item: StoredItem): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const p of itemView(mb, item).ext.values()) out[p.key] = p.value;
  return out;
}

/** Replaces ids inside XML by what they point at: a folder path, an item's folder+subject, an occurrence index. */
export function stableIds(mb: MailboxStore, xml: string): string {
  return xml.replace(/ (Id|RecurringMasterId|OccurrenceId)="([^"]*)"( ChangeKey="[^"]*")?/g, (_all, attrName: string, id: string) => {
    const p = decodeId(id);
    if (!p || p.server !== mb.server.tag || p.mailbox !== mb.no) return ` ${attrName}="${id}"`;
    if (p.kind === 'folder') {
      const f = mb.folderMap.get(p.n);
      return ` ${attrName}="folder:${f ? mb.folderPath(f) : '?'}"`;
    }
    if (p.kind === 'occurrence') return ` ${attrName}="occurrence:${p.index}"`;
    const it = mb.itemMap.get(p.n);
    const label = it ? text(fragment(itemView(mb, it).props.get('Subject') ?? '<t:Subject/>')) : '?';
    return ` ${attrName}="item:${it ? mb.folderPath(mb.folderMap.get(it.folder)!) : '?'}/${label}"`;
  });
}

function snapshotItem(mb: MailboxStore, item: StoredItem): SnapshotItem {
  const view = itemView(mb, item);
  const properties: Record<string, string> = {};
  for (const [name, xml] of view.props) {
    // Attachments carry ids, sizes and times: they are compared below, by content.
    if (VOLATILE.has(name) || name === 'MimeContent' || name === 'Attachments' || (name === 'DateTimeReceived' && item.kind !== 'Message')) continue;
    let v = stableIds(mb, xml).replace(/<t:Member Key="[^"]*">/g, '<t:Member>'); // member keys are server-assigned
    // The organizer of an appointment / owner of a task is whoever's mailbox holds it.
    if (name === 'Organizer' || name === 'Owner') v = v.split(mb.address).join('(mailbox owner)');
    properties[name] = v;
  }
  const extended: Record<string, string | string[]> = {};
  for (const p of view.ext.values()) if (!VOLATILE_EXT.has(p.key)) extended[p.key] = p.value;
  const out: SnapshotItem = { folder: mb.folderPath(mb.folderMap.get(item.folder)!), type: item.kind, properties, extended };
  if (item.mime) out.mime = item.mime.toString('base64');
  if (item.exceptions.size) {
    out.exceptions = {};
    for (const [index, ex] of [...item.exceptions].sort((a, b) => a[0] - b[0])) {
      const props: Record<string, string> = {};
      for (const [name, el] of ex.props) props[name] = stableIds(mb, serialize(el));
      out.exceptions[String(index)] = props;
    }
  }
  if (item.deleted.size) out.deletedOccurrences = [...item.deleted].sort((a, b) => a - b);
  if (item.attachments.length) {
    out.attachments = item.attachments.map((a) => ({
      name: a.name,
      contentType: servedContentType(a),
      ...(a.contentId ? { contentId: a.contentId } : {}),
      isInline: a.isInline,
      isContactPhoto: a.isContactPhoto,
      sha256: createHash('sha256').update(a.content).digest('hex'),
    }));
  }
  return out;
}

export function mailboxSnapshot(mb: MailboxStore): MailboxSnapshot {
  const folders = [mb.top, ...mb.descendants(mb.top.n)].map((f) => {
    const extended: Record<string, string | string[]> = {};
    for (const p of f.ext.values()) extended[p.key] = p.value;
    return { path: mb.folderPath(f), folderClass: f.folderClass, ...(f.distinguishedId ? { distinguishedId: f.distinguishedId } : {}), extended };
  });
  folders.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const items = [...mb.itemMap.values()].map((i) => snapshotItem(mb, i));
  const keyed = items.map((i) => [JSON.stringify(i), i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    folders,
    items: keyed.map(([, i]) => i),
    rules: mb.storedRules.map((r) => stableIds(mb, serialize(r.rule))),
    oof: { ...mb.oof },
    hasOutlookRuleBlob: mb.hasOutlookRuleBlob,
  };
}
