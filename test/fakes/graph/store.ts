// The fake Graph's mailboxes: mail folders (with Exchange's well-known ones), messages kept as
// their MIME bytes plus the properties Graph lets a client set, and a change sequence that delta
// queries read (with tombstones for what was deleted). PIM entities (contacts, events, To Do,
// rules) are kept as the JSON a client wrote plus what the server adds.
import { randomBytes } from 'node:crypto';

/** Exchange's well-known folder names as Graph accepts them in place of an id. */
export const WELL_KNOWN_MAIL = ['inbox', 'drafts', 'sentitems', 'deleteditems', 'junkemail', 'archive', 'outbox'] as const;
export type WellKnownMail = (typeof WELL_KNOWN_MAIL)[number] | 'msgfolderroot';

const DISPLAY: Record<(typeof WELL_KNOWN_MAIL)[number], string> = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  junkemail: 'Junk Email',
  archive: 'Archive',
  outbox: 'Outbox',
};

/** PR_MESSAGE_FLAGS bits: read, and unsent (a draft). */
export const MSGFLAG_READ = 0x1;
export const MSGFLAG_UNSENT = 0x8;

export interface FakeGraphFolder {
  id: string;
  displayName: string;
  /** The root's own parent is ''. */
  parentFolderId: string;
  wellKnownName?: WellKnownMail;
  seq: number;
}

export interface FakeGraphMessage {
  id: string;
  folderId: string;
  mime: Buffer;
  categories: string[];
  flagStatus: 'notFlagged' | 'flagged' | 'complete';
  /** Extended properties by their id as Graph spells it, lower-cased ("integer 0x0e07"). */
  extended: Map<string, string>;
  createdDateTime: string;
  lastModifiedDateTime: string;
  seq: number;
  /** File attachments added after the message was created (by upload session), beside its MIME. */
  attachments: FakeGraphAttachment[];
}

export interface FakeGraphAttachment {
  id: string;
  name: string;
  contentType: string;
  isInline: boolean;
  contentId?: string;
  bytes: Buffer;
}

export interface FakeGraphEntity {
  id: string;
  /** "contacts", "contactFolders", "calendars", "events", "todoLists", "todoTasks", "messageRules". */
  set: string;
  /** The containing folder, calendar or list ('' for the default one). */
  parentId: string;
  json: Record<string, unknown>;
  seq: number;
  created: string;
  modified: string;
  /** File attachments of an event or a To Do task. */
  attachments?: FakeGraphAttachment[];
  /** A contact's photo. */
  photo?: { bytes: Buffer; contentType: string };
}

export const newId = (prefix = 'AAMkAG') => `${prefix}${randomBytes(33).toString('base64url')}=`;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export const PROP_FLAGS = 'integer 0x0e07';
export const PROP_RECEIVED = 'systemtime 0x0e06';
export const PROP_SENT = 'systemtime 0x0039';
export const PROP_SIZE = 'integer 0x0e08';

export class FakeGraphMailbox {
  readonly folders = new Map<string, FakeGraphFolder>();
  readonly messages = new Map<string, FakeGraphMessage>();
  readonly entities = new Map<string, FakeGraphEntity>();
  /** Deleted items and folders, with the sequence of their deletion, for delta queries. */
  readonly tombstones: Array<{ id: string; parentId: string; set: string; seq: number }> = [];
  /** The receive quota in KB msgfolderroot serves as PidTagProhibitReceiveQuota (`Integer 0x666A`); unset: none served. */
  quotaKb?: number;
  mailboxSettings: Record<string, unknown> = {
    automaticRepliesSetting: {
      status: 'disabled',
      externalAudience: 'all',
      internalReplyMessage: '',
      externalReplyMessage: '',
      scheduledStartDateTime: { dateTime: '2026-01-01T00:00:00.0000000', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2026-01-02T00:00:00.0000000', timeZone: 'UTC' },
    },
    timeZone: 'UTC',
  };
  private seq = 0;
  readonly root: FakeGraphFolder;

  constructor(readonly user: string) {
    this.root = this.addFolderUnder('', 'Top of Information Store', 'msgfolderroot');
    for (const w of WELL_KNOWN_MAIL) this.addFolderUnder(this.root.id, DISPLAY[w], w);
    // The default contacts folder, calendar and To Do list every Exchange Online mailbox has.
    this.defaults = {
      contactFolders: this.addEntity('contactFolders', '', { displayName: 'Contacts' }),
      calendars: this.addEntity('calendars', '', { name: 'Calendar', isDefaultCalendar: true, canEdit: true }),
      todoLists: this.addEntity('todoLists', '', { displayName: 'Tasks', wellknownListName: 'defaultList', isOwner: true, isShared: false }),
    };
  }

  private readonly defaults: Record<'contactFolders' | 'calendars' | 'todoLists', FakeGraphEntity>;

  defaultOf(set: string): FakeGraphEntity {
    const found = this.defaults[set as keyof typeof this.defaults];
    if (!found) throw new Error(`the fake Graph has no default ${set}`);
    return found;
  }

  isDefault(e: FakeGraphEntity): boolean {
    return Object.values(this.defaults).includes(e);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  get currentSeq(): number {
    return this.seq;
  }

  /** By id or well-known name. */
  folder(idOrName: string): FakeGraphFolder | undefined {
    const lower = idOrName.toLowerCase();
    return this.folders.get(idOrName) ?? [...this.folders.values()].find((f) => f.wellKnownName === lower);
  }

  /** By display names below the root, "/"-joined ("Inbox/Sub"). */
  folderByPath(path: string): FakeGraphFolder | undefined {
    let at: FakeGraphFolder | undefined = this.root;
    for (const name of path.split('/').filter(Boolean)) {
      at = this.children(at!.id).find((f) => f.displayName.toLowerCase() === name.toLowerCase());
      if (!at) return undefined;
    }
    return at;
  }

  pathOf(folder: FakeGraphFolder): string {
    const names: string[] = [];
    for (let f: FakeGraphFolder | undefined = folder; f && f !== this.root; f = this.folders.get(f.parentFolderId)) names.unshift(f.displayName);
    return names.join('/');
  }

  children(parentId: string): FakeGraphFolder[] {
    return [...this.folders.values()].filter((f) => f.parentFolderId === parentId);
  }

  addFolderUnder(parentId: string, displayName: string, wellKnownName?: WellKnownMail): FakeGraphFolder {
    const f: FakeGraphFolder = { id: newId('AQMkAG'), displayName, parentFolderId: parentId, wellKnownName, seq: this.nextSeq() };
    this.folders.set(f.id, f);
    return f;
  }

  /** Creates the folder at the path (and its parents) when missing. */
  addFolder(path: string): FakeGraphFolder {
    let at = this.root;
    for (const name of path.split('/').filter(Boolean)) at = this.children(at.id).find((f) => f.displayName.toLowerCase() === name.toLowerCase()) ?? this.addFolderUnder(at.id, name);
    return at;
  }

  deleteFolder(id: string): void {
    for (const child of this.children(id)) this.deleteFolder(child.id);
    for (const m of [...this.messages.values()].filter((m) => m.folderId === id)) this.deleteMessage(m.id);
    const f = this.folders.get(id);
    if (!f) return;
    this.folders.delete(id);
    this.tombstones.push({ id, parentId: f.parentFolderId, set: 'mailFolders', seq: this.nextSeq() });
  }

  /** A delivered message (not a draft), as a mail server would file it. */
  addMessage(folderPath: string, mime: Buffer, options: { isRead?: boolean; flagged?: boolean; categories?: string[]; receivedAt?: Date } = {}): FakeGraphMessage {
    const folder = this.folderByPath(folderPath) ?? this.addFolder(folderPath);
    const m = this.storeMessage(folder.id, mime, options.isRead ? MSGFLAG_READ : 0);
    m.categories = options.categories ?? [];
    m.flagStatus = options.flagged ? 'flagged' : 'notFlagged';
    if (options.receivedAt) m.extended.set(PROP_RECEIVED, options.receivedAt.toISOString());
    return m;
  }

  storeMessage(folderId: string, mime: Buffer, flags: number): FakeGraphMessage {
    const at = now();
    const m: FakeGraphMessage = {
      id: newId(),
      folderId,
      mime,
      categories: [],
      flagStatus: 'notFlagged',
      extended: new Map([[PROP_FLAGS, String(flags)]]),
      createdDateTime: at,
      lastModifiedDateTime: at,
      seq: this.nextSeq(),
      attachments: [],
    };
    this.messages.set(m.id, m);
    return m;
  }

  touch(m: FakeGraphMessage | FakeGraphEntity | FakeGraphFolder): void {
    m.seq = this.nextSeq();
    if ('lastModifiedDateTime' in m) m.lastModifiedDateTime = now();
    if ('modified' in m) m.modified = now();
  }

  deleteMessage(id: string): boolean {
    const m = this.messages.get(id);
    if (!m) return false;
    this.messages.delete(id);
    this.tombstones.push({ id, parentId: m.folderId, set: 'messages', seq: this.nextSeq() });
    return true;
  }

  messagesIn(folderId: string): FakeGraphMessage[] {
    return [...this.messages.values()].filter((m) => m.folderId === folderId);
  }

  flagsOf(m: FakeGraphMessage): number {
    return Number(m.extended.get(PROP_FLAGS) ?? '0');
  }

  addEntity(set: string, parentId: string, json: Record<string, unknown>, id = newId()): FakeGraphEntity {
    const at = now();
    const e: FakeGraphEntity = { id, set, parentId, json, seq: this.nextSeq(), created: at, modified: at };
    this.entities.set(e.id, e);
    return e;
  }

  /** Dates ("YYYY-MM-DD") of a series' cancelled occurrences, by master id. */
  readonly cancelled = new Map<string, Set<string>>();

  /** A series' exceptions: events kept under their master. */
  exceptionsOf(masterId: string): FakeGraphEntity[] {
    return this.entitiesIn('events', masterId);
  }

  entitiesIn(set: string, parentId: string): FakeGraphEntity[] {
    return [...this.entities.values()].filter((e) => e.set === set && e.parentId === parentId);
  }

  deleteEntity(id: string): boolean {
    const e = this.entities.get(id);
    if (!e) return false;
    this.entities.delete(id);
    // A series deleted takes its cancelled occurrences with it.
    this.cancelled.delete(id);
    for (const child of [...this.entities.values()].filter((c) => c.parentId === id)) this.deleteEntity(child.id);
    this.tombstones.push({ id, parentId: e.parentId, set: e.set, seq: this.nextSeq() });
    return true;
  }
}
