// One mailbox: folders, items, inbox rules, OOF. The public half is FakeMailbox (tests seed and
// inspect through it); the rest is what the operations use: id encoding, folder/item lookup by
// the id elements of a request, and the error codes Exchange gives when a lookup fails.
import { changeKey, decodeId, encodeId, type IdKind } from './ids';
import type { ExtProp, ItemKind, OofSettings, StoredAttachment, StoredFolder, StoredItem, StoredRule } from './model';
import { EwsError } from './soap';
import { attr, child, childText, fragment, text } from './xml';
import { servedContentType } from './attachments';
import { createStoredItem, messageFromMime } from './create';
import { fullItemXml, itemExtendedRecord, mailboxSnapshot, type MailboxSnapshot } from './snapshot';
import { ruleSummary, storeRules } from './ops/rules';

export interface FakeFolder {
  id: string;
  parentId?: string;
  displayName: string;
  folderClass: string;
  distinguishedId?: string;
}

export interface FakeItem {
  id: string;
  folderId: string;
  type: ItemKind;
  /** The item as GetItem AllProperties would serve it, with every extended property (no MimeContent). */
  xml: string;
  mime?: Buffer;
  isRead?: boolean;
  /** Extended properties by normalized key: "0x0E07", "PublicStrings:X-Name", "{guid}:#0x8501". */
  extended: Record<string, string | string[]>;
  /** File attachments in the order they were added (content decoded). */
  attachments: FakeAttachment[];
  /** The CreateItem attributes the creating request carried. */
  messageDisposition?: string;
  sendMeetingInvitations?: string;
}

export interface FakeAttachment {
  id: string;
  name: string;
  /** As served (derived from the name when the client sent none). */
  contentType: string;
  size: number;
  isInline: boolean;
  isContactPhoto: boolean;
  content: Buffer;
}

export interface FakeRule {
  id: string;
  displayName: string;
  priority: number;
  isEnabled: boolean;
  /** The t:Rule element as GetInboxRules serves it. */
  xml: string;
}

export interface AddMessageOptions {
  isRead?: boolean;
  flagged?: boolean;
  categories?: string[];
  receivedAt?: Date;
}

export interface FakeMailbox {
  readonly address: string;
  folders(): FakeFolder[];
  folderByPath(path: string): FakeFolder | undefined;
  addFolder(parentPath: string, name: string, folderClass?: string): FakeFolder;
  /** Renames a folder, as a user would in Outlook: its id and items stay. */
  renameFolder(path: string, name: string): void;
  items(folderPath?: string): FakeItem[];
  addMessage(folderPath: string, mime: Buffer | string, options?: AddMessageOptions): FakeItem;
  addItem(folderPath: string, elementXml: string): FakeItem;
  /** Inbox rules in priority order; assign t:Rule XML strings (or FakeRule objects) to replace them. */
  get rules(): FakeRule[];
  set rules(list: Array<FakeRule | string>);
  oof: OofSettings;
  hasOutlookRuleBlob: boolean;
  /** The receive quota in KB that msgfolderroot serves as PidTagProhibitReceiveQuota (0x666A); unset: none served. */
  quotaKb?: number;
  snapshot(): MailboxSnapshot;
}

/** Which id kinds a lookup takes: an attachment id is no item id, nor the other way round. */
const ACCEPTED_KINDS: Record<'item' | 'folder' | 'attachment', IdKind[]> = { item: ['item', 'occurrence'], folder: ['folder'], attachment: ['attachment'] };

/** Exchange's English names (a mailbox created with an en-US locale). */
const DEFAULT_FOLDERS: Array<[string, string, string]> = [
  ['inbox', 'Inbox', 'IPF.Note'],
  ['drafts', 'Drafts', 'IPF.Note'],
  ['sentitems', 'Sent Items', 'IPF.Note'],
  ['deleteditems', 'Deleted Items', 'IPF.Note'],
  ['junkemail', 'Junk Email', 'IPF.Note'],
  ['outbox', 'Outbox', 'IPF.Note'],
  ['archive', 'Archive', 'IPF.Note'],
  ['contacts', 'Contacts', 'IPF.Contact'],
  ['calendar', 'Calendar', 'IPF.Appointment'],
  ['tasks', 'Tasks', 'IPF.Task'],
  ['notes', 'Notes', 'IPF.StickyNote'],
  ['journal', 'Journal', 'IPF.Journal'],
];

export interface ServerInfo {
  tag: string;
  now(): Date;
  /** Whether an SMTP address is a mailbox on this server (MailboxType Mailbox rather than OneOff). */
  isUser(address: string): boolean;
}

export class MailboxStore implements FakeMailbox {
  readonly folderMap = new Map<number, StoredFolder>();
  readonly itemMap = new Map<number, StoredItem>();
  storedRules: StoredRule[] = [];
  oof: OofSettings = { state: 'Disabled', externalAudience: 'All', internalReply: '', externalReply: '' };
  hasOutlookRuleBlob = false;
  quotaKb?: number;
  private counter = 0;
  readonly root: StoredFolder;
  readonly top: StoredFolder;

  constructor(
    readonly address: string,
    readonly no: number,
    readonly server: ServerInfo,
  ) {
    this.root = this.newFolder(undefined, '', '', 'root');
    this.top = this.newFolder(this.root.n, 'Top of Information Store', '', 'msgfolderroot');
    for (const [id, name, cls] of DEFAULT_FOLDERS) this.newFolder(this.top.n, name, cls, id);
  }

  nextN(): number {
    return ++this.counter;
  }

  now(): Date {
    return this.server.now();
  }

  // ---- ids ------------------------------------------------------------------------------

  encode(kind: IdKind, n: number, index?: number): string {
    return encodeId({ kind, server: this.server.tag, mailbox: this.no, n, ...(index !== undefined ? { index } : {}) });
  }

  folderIdXml(f: StoredFolder, name = 'FolderId'): string {
    return `<t:${name} Id="${this.encode('folder', f.n)}" ChangeKey="${changeKey(f.version)}"/>`;
  }

  itemIdXml(item: StoredItem, index?: number, name = 'ItemId'): string {
    const version = index !== undefined ? (item.exceptions.get(index)?.version ?? item.version) : item.version;
    return `<t:${name} Id="${index !== undefined ? this.encode('occurrence', item.n, index) : this.encode('item', item.n)}" ChangeKey="${changeKey(version)}"/>`;
  }

  /** Attachment ids: the id alone (GetAttachment, DeleteAttachment, GetItem) or with the item's current id (CreateAttachment). */
  attachmentIdXml(item: StoredItem, att: StoredAttachment, withRoot = false): string {
    const root = withRoot ? ` RootItemId="${this.encode('item', item.n)}" RootItemChangeKey="${changeKey(item.version)}"` : '';
    return `<t:AttachmentId Id="${this.encode('attachment', item.n, att.n)}"${root}/>`;
  }

  private decodeLocal(id: string | undefined, what: 'item' | 'folder' | 'attachment'): { kind: IdKind; n: number; index?: number } {
    const p = id ? decodeId(id) : undefined;
    if (!p) throw new EwsError('ErrorInvalidIdMalformed');
    const notFound = what === 'folder' ? 'ErrorFolderNotFound' : 'ErrorItemNotFound';
    if (p.server !== this.server.tag || p.mailbox !== this.no) throw new EwsError(notFound);
    if (!ACCEPTED_KINDS[what].includes(p.kind)) throw new EwsError(notFound);
    return p;
  }

  // ---- folders ------------------------------------------------------------------------------

  private newFolder(parent: number | undefined, displayName: string, folderClass: string, distinguishedId?: string): StoredFolder {
    const f: StoredFolder = { n: this.nextN(), parent, displayName, folderClass, distinguishedId, ext: new Map(), version: 1 };
    this.folderMap.set(f.n, f);
    return f;
  }

  /** A t:FolderId or t:DistinguishedFolderId element → folder (ErrorFolderNotFound otherwise). */
  resolveFolder(el: Element, missing = 'ErrorFolderNotFound'): StoredFolder {
    if (el.localName === 'DistinguishedFolderId') {
      const mbx = childText(child(el, 'Mailbox'), 'EmailAddress');
      if (mbx && mbx.toLowerCase() !== this.address.toLowerCase()) throw new EwsError('ErrorAccessDenied', `The fake serves only the mailbox the request acts on (${this.address}), not ${mbx}.`);
      const f = [...this.folderMap.values()].find((x) => x.distinguishedId === attr(el, 'Id'));
      if (!f) throw new EwsError(missing);
      return f;
    }
    try {
      const p = this.decodeLocal(attr(el, 'Id'), 'folder');
      const f = this.folderMap.get(p.n);
      if (!f) throw new EwsError(missing);
      return f;
    } catch (e) {
      if (e instanceof EwsError && e.code === 'ErrorFolderNotFound') throw new EwsError(missing);
      throw e;
    }
  }

  /** The first FolderId/DistinguishedFolderId child of `parent`. */
  resolveFolderIn(parent: Element | undefined, missing = 'ErrorFolderNotFound'): StoredFolder {
    const el = child(parent, 'FolderId') ?? child(parent, 'DistinguishedFolderId');
    if (!el) throw new EwsError('ErrorInvalidRequest', 'A folder id is required.');
    return this.resolveFolder(el, missing);
  }

  childFolders(n: number): StoredFolder[] {
    return [...this.folderMap.values()].filter((f) => f.parent === n);
  }

  /** Depth-first, parents before children, siblings in creation order (FindFolder Deep). */
  descendants(n: number): StoredFolder[] {
    return this.childFolders(n).flatMap((f) => [f, ...this.descendants(f.n)]);
  }

  folderPath(f: StoredFolder): string {
    const parts: string[] = [];
    for (let cur: StoredFolder | undefined = f; cur && cur !== this.top && cur !== this.root; cur = cur.parent ? this.folderMap.get(cur.parent) : undefined) parts.unshift(cur.displayName);
    return parts.join('/');
  }

  createFolder(parent: StoredFolder, displayName: string, folderClass: string, ext?: Map<string, ExtProp>): StoredFolder {
    if (this.childFolders(parent.n).some((f) => f.displayName.toLowerCase() === displayName.toLowerCase())) throw new EwsError('ErrorFolderExists');
    const f = this.newFolder(parent.n, displayName, folderClass);
    if (ext) f.ext = ext;
    this.folderVersionBump(parent);
    return f;
  }

  folderVersionBump(f: StoredFolder): void {
    f.version++;
  }

  /** Removes a folder, its subfolders and all their items. */
  removeFolder(f: StoredFolder): void {
    for (const sub of this.descendants(f.n)) this.dropFolder(sub);
    this.dropFolder(f);
  }

  private dropFolder(f: StoredFolder): void {
    for (const it of this.itemsIn(f.n)) this.itemMap.delete(it.n);
    this.folderMap.delete(f.n);
  }

  itemsIn(folder: number): StoredItem[] {
    return [...this.itemMap.values()].filter((i) => i.folder === folder);
  }

  // ---- items --------------------------------------------------------------------------------

  /** An item id element (ItemId, OccurrenceItemId, RecurringMasterItemId) → item (+ occurrence index). */
  resolveItem(el: Element): { item: StoredItem; index?: number } {
    if (el.localName === 'OccurrenceItemId') {
      const master = this.resolveItemId(attr(el, 'RecurringMasterId'));
      if (master.index !== undefined) throw new EwsError('ErrorCalendarCannotUseIdForRecurringMasterId', 'The RecurringMasterId is an occurrence id.');
      return { item: master.item, index: Number(attr(el, 'InstanceIndex')) };
    }
    if (el.localName === 'RecurringMasterItemId') return { item: this.resolveItemId(attr(el, 'OccurrenceId')).item };
    return this.resolveItemId(attr(el, 'Id'));
  }

  private resolveItemId(id: string | undefined): { item: StoredItem; index?: number } {
    const p = this.decodeLocal(id, 'item');
    const item = this.itemMap.get(p.n);
    if (!item) throw new EwsError('ErrorItemNotFound');
    return p.kind === 'occurrence' ? { item, index: p.index } : { item };
  }

  /**
   * A t:AttachmentId → its item and attachment. An attachment whose item is gone is gone too:
   * ErrorItemNotFound, which is what Exchange answers for an attachment id it cannot find.
   */
  resolveAttachment(el: Element): { item: StoredItem; attachment: StoredAttachment } {
    const p = this.decodeLocal(attr(el, 'Id'), 'attachment');
    const item = this.itemMap.get(p.n);
    const attachment = item?.attachments.find((a) => a.n === p.index);
    if (!item || !attachment) throw new EwsError('ErrorItemNotFound');
    return { item, attachment };
  }

  touch(item: StoredItem): void {
    item.version++;
    item.modified = this.now();
  }

  // ---- FakeMailbox ------------------------------------------------------------------------

  private publicFolder(f: StoredFolder): FakeFolder {
    return {
      id: this.encode('folder', f.n),
      ...(f.parent !== undefined && f !== this.top ? { parentId: this.encode('folder', f.parent) } : {}),
      displayName: f.displayName,
      folderClass: f.folderClass,
      ...(f.distinguishedId ? { distinguishedId: f.distinguishedId } : {}),
    };
  }

  folders(): FakeFolder[] {
    return [this.top, ...this.descendants(this.top.n)].map((f) => this.publicFolder(f));
  }

  folderAt(path: string): StoredFolder | undefined {
    let cur: StoredFolder | undefined = this.top;
    for (const name of path.split('/').filter(Boolean)) {
      cur = this.childFolders(cur.n).find((f) => f.displayName.toLowerCase() === name.toLowerCase());
      if (!cur) return undefined;
    }
    return cur;
  }

  private requireFolder(path: string): StoredFolder {
    const f = this.folderAt(path);
    if (!f) throw new Error(`${this.address} has no folder "${path}"`);
    return f;
  }

  folderByPath(path: string): FakeFolder | undefined {
    const f = this.folderAt(path);
    return f && this.publicFolder(f);
  }

  addFolder(parentPath: string, name: string, folderClass = 'IPF.Note'): FakeFolder {
    return this.publicFolder(this.createFolder(this.requireFolder(parentPath), name, folderClass));
  }

  renameFolder(path: string, name: string): void {
    const f = this.requireFolder(path);
    f.displayName = name;
    this.folderVersionBump(f);
  }

  publicItem(item: StoredItem): FakeItem {
    return {
      id: this.encode('item', item.n),
      folderId: this.encode('folder', item.folder),
      type: item.kind,
      xml: fullItemXml(this, item),
      ...(item.mime ? { mime: Buffer.from(item.mime) } : {}),
      ...(item.kind === 'Message' ? { isRead: text(item.props.get('IsRead')) === 'true' } : {}),
      extended: itemExtendedRecord(this, item),
      attachments: item.attachments.map((a) => ({
        id: this.encode('attachment', item.n, a.n),
        name: a.name,
        contentType: servedContentType(a),
        size: a.content.length,
        isInline: a.isInline,
        isContactPhoto: a.isContactPhoto,
        content: Buffer.from(a.content),
      })),
      ...item.createdWith,
    };
  }

  items(folderPath?: string): FakeItem[] {
    const list = folderPath === undefined ? [...this.itemMap.values()] : this.itemsIn(this.requireFolder(folderPath).n);
    return list.map((i) => this.publicItem(i));
  }

  addMessage(folderPath: string, mime: Buffer | string, options: AddMessageOptions = {}): FakeItem {
    const folder = this.requireFolder(folderPath);
    const item = messageFromMime(this, folder, typeof mime === 'string' ? Buffer.from(mime, 'utf8') : mime, options);
    return this.publicItem(item);
  }

  addItem(folderPath: string, elementXml: string): FakeItem {
    const folder = this.requireFolder(folderPath);
    const item = createStoredItem(this, folder, fragment(elementXml), {});
    return this.publicItem(item);
  }

  get rules(): FakeRule[] {
    return this.storedRules.map((r) => ruleSummary(this, r));
  }

  set rules(list: Array<FakeRule | string>) {
    storeRules(this, list.map((r) => (typeof r === 'string' ? r : r.xml)));
  }

  snapshot(): MailboxSnapshot {
    return mailboxSnapshot(this);
  }
}
