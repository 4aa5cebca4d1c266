import type { PimItem, PimKind, OofData, RuleData } from '../../ports/pim-items';

/**
 * What the engine uses of an Exchange mailbox (EWS). Implemented over ews-javascript-api in
 * this folder; connectors know nothing of tasks or chat. Every call retries ErrorServerBusy
 * after the server's BackOffMilliseconds, and fails with a TernError naming the server.
 */

/** Exchange's well-known (distinguished) folders that Tern maps between mailboxes. */
export type WellKnownFolder = 'inbox' | 'sentitems' | 'drafts' | 'deleteditems' | 'junkemail' | 'archive' | 'outbox' | 'contacts' | 'calendar' | 'tasks' | 'notes' | 'journal';

export interface EwsFolder {
  id: string;
  /** Display names from below the message root, "/"-joined (a "/" inside a name becomes "_"). */
  path: string;
  displayName: string;
  /** Undefined for folders directly under the message root. */
  parentId?: string;
  /** "IPF.Note" (mail), "IPF.Contact", "IPF.Appointment", "IPF.Task", … */
  folderClass: string;
  wellKnown?: WellKnownFolder;
  totalCount: number;
  /** Set by createFolder when the folder was there already (made meanwhile by someone else). */
  existed?: boolean;
}

export interface EwsMessageSummary {
  id: string;
  size: number;
  isRead: boolean;
  flagged: boolean;
  categories: string[];
  /** The Message-ID header, with its angle brackets, when the message has one. */
  internetMessageId?: string;
  /** Fallback dedupe material when there is no Message-ID. */
  subject?: string;
  from?: string;
  /** ISO. */
  sentAt?: string;
  receivedAt?: string;
  /** The write mark Tern set on it (see NewMessage.mark). */
  mark?: string;
}

export interface NewMessage {
  /** The RFC 822 source, byte for byte. */
  mime: Buffer;
  isRead: boolean;
  flagged: boolean;
  categories: string[];
  /** ISO; set as the delivery time (PidTagMessageDeliveryTime 0x0E06). */
  receivedAt?: string;
  /** Kept in a named property; scanMessages gives it back. */
  mark?: string;
}

/** One answer per item of a batch, in order: the new ItemId, or why the server refused that item. */
export type CreateResult = { id: string } | { error: string };

/** A destination item as the engine needs it for dedupe: the Tern stamp when Tern created it. */
export type StoredItem = PimItem & { id: string; stamp?: string };

/** How readItems reads: `attachments: false` leaves file attachments out (their content is never fetched). */
export interface ReadOptions {
  attachments?: boolean;
}

export interface EwsSession {
  /** The mailbox's SMTP address (the impersonated one when an admin account acts for it). */
  readonly mailbox: string;

  /** Every folder below the message root (deep), with well-known folders marked. */
  folders(): Promise<EwsFolder[]>;
  createFolder(parentId: string | undefined, displayName: string, folderClass: string): Promise<EwsFolder>;
  /** Hard delete; a folder already gone is not an error. */
  deleteFolder(id: string): Promise<void>;
  /** The folder's item count now (for verification). */
  countItems(folderId: string): Promise<number>;
  /** The mailbox's size and receive quota, when the server gives both. */
  quota(): Promise<{ usedBytes: number; limitBytes: number } | undefined>;

  /** All messages of a mail folder (paged FindItem, no bodies). */
  scanMessages(folderId: string): Promise<EwsMessageSummary[]>;
  /** MIME sources by ItemId (GetItem with MimeContent); items gone are left out. Keep batches small. */
  fetchMime(ids: string[]): Promise<Map<string, Buffer>>;
  /**
   * CreateItem with MimeContent (SaveOnly) into the folder, several items per request; read
   * state, flag, categories, PidTagMessageFlags (not a draft) and delivery time set.
   */
  createMessages(folderId: string, messages: NewMessage[]): Promise<CreateResult[]>;

  /** Item IDs of a contact, calendar or task folder (paged FindItem; masters only for calendars). */
  listItemIds(folderId: string): Promise<string[]>;
  /**
   * Full items (GetItem, ≤ 50 per call) in neutral shapes, with Tern's stamp when present. File
   * attachments come with their content (one GetAttachment per item that has any) unless
   * `attachments: false`, for reads that only look for stamps and fingerprints.
   */
  readItems(kind: PimKind, folder: EwsFolder, ids: string[], options?: ReadOptions): Promise<StoredItem[]>;
  /**
   * Creates one item in the folder, stamped with `stamp` (a Tern extended property) so a re-run
   * recognises it. Events: created with SendMeetingInvitations=SendToNone and a new UID, then
   * their modified and deleted occurrences applied. Groups: members whose contactSourceId is in
   * `contactIds` point at that destination contact.
   */
  createItem(folderId: string, item: PimItem, options: { stamp: string; contactIds?: ReadonlyMap<string, string> }): Promise<string>;
  /** Hard delete by ItemId, in batches; items already gone are not an error. */
  deleteItems(ids: string[]): Promise<void>;

  /** Server-side inbox rules, folder references as folder paths; and whether client-side rules exist. */
  readRules(): Promise<{ rules: RuleData[]; hasClientRules: boolean }>;
  /** Replaces the whole rule collection (UpdateInboxRules); folder paths resolved to this mailbox's folders. */
  writeRules(rules: RuleData[]): Promise<void>;
  readOof(): Promise<OofData>;
  writeOof(oof: OofData): Promise<void>;

  close(): Promise<void>;
}
