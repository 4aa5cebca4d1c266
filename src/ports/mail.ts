/**
 * The e-mail ports: what the one e-mail step reads from (a mail source: IMAP, POP3, Exchange, a
 * PST file…) and writes to (a mail destination: IMAP, Exchange…). Connectors implement them and
 * know nothing of tasks or journals; the engine knows nothing of protocols.
 */

export interface FolderInfo {
  path: string;
  delimiter: string;
  /** RFC 6154 special use (\Sent, \Drafts, …), "\Inbox" for INBOX, from the server's flags or a well-known name. */
  specialUse?: string;
  /** Whether specialUse came from the server's own flags rather than the folder's name. */
  specialUseFromServer: boolean;
  /** False for a pure hierarchy level (IMAP \Noselect): it holds no messages. */
  selectable: boolean;
  /** The folder's state as listed, when the server tells it with the list (IMAP LIST-STATUS). */
  state?: FolderState;
  /** The name it gets at a destination without a folder of its special use (Gmail's All Mail becomes "Archive"). */
  preferredName?: string;
}

/** A mailbox's folders as IMAP names them: "INBOX", and the rest below the namespace prefix. */
export interface FolderTree {
  /** Personal namespace prefix, e.g. "" or "INBOX.". */
  prefix: string;
  delimiter: string;
  folders: FolderInfo[];
  /** A provider's folder holding its special folders (Gmail's "[Gmail]"): they map like top-level ones. */
  systemRoot?: string;
}

/** A message as a source lists it, before its bytes are read. */
export interface MessageSummary {
  /** Opaque, stable within the source folder (IMAP UID, POP3 UIDL, Exchange ItemId). */
  ref: string;
  size: number;
  /** IMAP system flags and keywords (\Seen, \Flagged, $Label1…). */
  flags: string[];
  internalDate?: Date;
  /** See dedupe-key.ts: both sides of any pair compute it the same way. */
  dedupeKey: string;
  /** Exchange sources: the categories as they are (keywords in `flags` cannot hold every name). */
  categories?: string[];
}

/**
 * A large message's source kept in a temporary file rather than in memory (see
 * src/connectors/spooled-message.ts): streamed from there to a destination that can take a stream,
 * read into memory for one that cannot. Its owner disposes of it once written.
 */
export interface SpooledMessage {
  /** Bytes, as Buffer.length. */
  readonly length: number;
  /** Bytes from `position` into the caller's buffer (reused piece after piece): how many were read, 0 at the end. */
  readInto(target: Buffer, position: number): Promise<number>;
  /** The bytes in one Buffer (for destinations that cannot stream). */
  read(): Promise<Buffer>;
  /** Its first bytes, at most `max` (a header, say), without reading the rest. */
  head(max: number): Promise<Buffer>;
  dispose(): Promise<void>;
}

/** A message's bytes: in memory, or spooled to disk (large messages). */
export type MessageBytes = Buffer | SpooledMessage;

export interface RawMessage {
  ref: string;
  /** The RFC 5322 source, byte for byte. */
  raw: MessageBytes;
}

/** What one STATUS tells of a folder: enough to know whether it changed since a pass (see FolderSyncStore). */
export interface FolderState {
  /** IMAP UIDVALIDITY: refs and ids are valid for it only. */
  generation: string;
  /** IMAP UIDNEXT: every message added later gets a ref or id at or above it. */
  next: number;
  count: number;
  /** IMAP HIGHESTMODSEQ (CONDSTORE), when the server keeps one: any flag change raises it. */
  modseq?: string;
  /** Sources that read changes from a cursor (Graph's deltaLink): where the last pass ended. Not compared: changes() reads from it. */
  cursor?: string;
}

/** What changed in a source folder since a pass that left it at a FolderState. */
export interface FolderChanges {
  /** Messages added since, as scan() lists them. A source that cannot tell new from changed (Graph's delta) lists changed ones here too. */
  added: MessageSummary[];
  /** The flags of messages that were there already and may have changed (all of them when the server keeps no modseq), by ref. */
  flags: Array<[ref: string, flags: string[]]>;
}

export interface MailSource {
  folders(): Promise<FolderTree>;
  /** Sources with stable refs (IMAP): the folder's state, and what changed since an earlier one (same generation). */
  state?(folder: string): Promise<FolderState>;
  /** Undefined when the source cannot tell (its cursor is missing or expired): the folder is compared in full. */
  changes?(folder: string, since: FolderState): Promise<FolderChanges | undefined>;
  /** Sources with a cursor: the one the folder's last scan() or changes() ended on, saved with its state for the next pass. */
  cursor?(folder: string): string | undefined;
  count(folder: string): Promise<number>;
  scan(folder: string): Promise<MessageSummary[]>;
  /**
   * The raw bytes of some messages of a folder, one message at a time, in the order asked. A
   * message gone meanwhile (or that the source cannot give) is left out.
   */
  read(folder: string, refs: string[]): AsyncIterable<RawMessage>;
  /** After scan: what of the folder could not be read, when the source knows (a damaged PST). */
  folderNote?(folder: string): Promise<string | undefined>;
  /** Sources whose server exports items whole in its own format (Microsoft 365's mailbox export API); why not, when it will not. */
  itemExport?(): Promise<ItemExport | { unavailable: string }>;
  close(): Promise<void>;
}

/**
 * Items exported whole by the source's server, in its own opaque format (not MIME): only a
 * destination importing the same format can take them. `raw` of each RawMessage is that data.
 */
export interface ItemExport {
  /** E.g. "exchange-online": a destination's ItemImport of the same format takes these items. */
  format: string;
  /** The items of a folder by ref, in groups as the server allows; an item gone meanwhile is left out. */
  read(folder: string, refs: string[]): AsyncIterable<RawMessage>;
}

/** A destination that imports items exported by a source of the same format (see ItemExport). */
export interface ItemImport {
  format: string;
  /** How messages are then written, shown on the task ("by mailbox import"). */
  writePath: string;
  /** A write lane whose messages carry exported data in `raw`, not MIME; ids journaled as for any write. */
  openLane(): Promise<WriteLane>;
}

/** A folder at a destination: its path (as the destination's folder tree names it) and the id it is known by. */
export interface DestinationFolder {
  path: string;
  /** The IMAP path, an Exchange FolderId, … */
  id: string;
}

/** A message at the destination, as a scan finds it. */
export interface StoredMessage {
  id: string;
  dedupeKey: string;
  /** Where it stands in the folder's write order (IMAP UID): a message written after a scan is at or above its watermark. */
  position?: number;
  /** The mark it was written with, for destinations that keep one (see OutgoingMessage.mark). */
  mark?: string;
}

export interface FolderContents {
  /** What ids are valid for (IMAP UIDVALIDITY): ids journaled under another generation name other messages. "" when ids never change. */
  generation: string;
  /** Messages written from now on get a position at or above this (IMAP UIDNEXT). */
  watermark?: number;
  /** Keywords the folder can store; undefined, or holding "\*": any. */
  permanentFlags?: Set<string>;
  messages: StoredMessage[];
}

export interface OutgoingMessage<Bytes extends MessageBytes = Buffer> {
  raw: Bytes;
  flags: string[];
  internalDate?: Date;
  /** Exchange sources: categories as they are. */
  categories?: string[];
  dedupeKey: string;
  /**
   * A mark unique to this write (task and journal entry). A destination that can keep it on the
   * message without touching its bytes (an Exchange property) does, and scan() reports it: a write
   * whose answer was lost is then recognised exactly.
   */
  mark: string;
}

/**
 * The destination's answer to one write: the new message's id when it says (and the generation
 * that id belongs to, when it says that too), or why it refused that message.
 */
export type WriteOutcome = { id?: string; generation?: string } | { refused: string; code?: string };

/** One connection's worth of writing, pipelined where the protocol allows. */
export interface WriteLane {
  /**
   * Writes the messages into the folder; `answered(i, outcome)` is called as each is answered,
   * in any order. Resolves once all are answered. A refused message is an outcome; a lost
   * connection rejects (messages not yet answered may or may not have been written). Once `stop`
   * is aborted (the run stops), a lane may send nothing more: it resolves when what it sent is
   * answered, and the messages it never sent stay unanswered.
   */
  write(folder: DestinationFolder, messages: OutgoingMessage[], answered: (index: number, outcome: WriteOutcome) => void, stop?: AbortSignal): Promise<void>;
  /**
   * The same, for a lane that streams spooled (large) messages from disk without holding them
   * whole; a lane without it is given them read into memory.
   */
  writeStreamed?(folder: DestinationFolder, messages: Array<OutgoingMessage<MessageBytes>>, answered: (index: number, outcome: WriteOutcome) => void, stop?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export type FolderRemoval = { removed: true } | { removed: false; holds: string };

export interface MailDestination {
  /** How messages are written, for a connector with more than one way (Microsoft 365: by IMAP, by Graph): shown on the task. */
  readonly writePath?: string;
  /** Whether scan() reports the marks messages were written with (then a lost answer is found by its mark, not by key and watermark). */
  readonly keepsMarks: boolean;
  folders(): Promise<FolderTree>;
  /**
   * The folder at that path of folders(), created with its parents when missing. `created` is
   * called for each folder this call created, as soon as it exists. A name the destination
   * refuses is changed, and `note` says how.
   */
  ensureFolder(path: string, created: (folder: DestinationFolder) => Promise<void> | void): Promise<{ folder: DestinationFolder; note?: string }>;
  /** The folder at that path, if there is one; never creates. */
  findFolder(path: string): Promise<DestinationFolder | undefined>;
  /** What the folder holds: every message with its dedupe key. `readOnly`: for a plan, touching nothing (IMAP EXAMINE). */
  scan(folder: DestinationFolder, options?: { readOnly?: boolean }): Promise<FolderContents>;
  /** A write lane on its own connection. */
  openLane(): Promise<WriteLane>;
  /** Ids of the messages with this key at or above `watermark`: how a write answered without an id is found. */
  findByKey(folder: DestinationFolder, dedupeKey: string, watermark?: number): Promise<string[]>;
  count(folder: DestinationFolder): Promise<number>;
  /** The folder's state (one STATUS), for destinations whose ids stay (IMAP). */
  state?(folder: DestinationFolder): Promise<FolderState>;
  /** Sets these messages' flags to exactly these (source flags changed since the last pass). */
  setFlags?(folder: DestinationFolder, changes: Array<[id: string, flags: string[]]>): Promise<void>;
  /**
   * Removes messages by id. Where ids mean something only inside their folder (IMAP UIDs), nothing
   * is removed when the folder is gone ("gone": its messages went with it) or was recreated since
   * (its generation changed: "stale"). Where ids name a message wherever it is (Exchange), the
   * folder is not needed and may be only a path.
   */
  remove(folder: DestinationFolder, generation: string, ids: string[]): Promise<'removed' | 'gone' | 'stale'>;
  /** Removes the folder when it holds nothing (no message, no sub-folder); otherwise says what it holds. */
  removeFolderIfEmpty(folder: DestinationFolder): Promise<FolderRemoval>;
  /** The mailbox's storage quota, when the server tells (IMAP QUOTA). */
  quota?(): Promise<{ usedBytes: number; limitBytes: number } | undefined>;
  /** The largest message the server takes (IMAP APPENDLIMIT), when it says; undefined: unknown. */
  messageSizeLimit?(): Promise<number | undefined>;
  /** Destinations that import items a source exported whole (see ItemExport); why not, when the server will not. */
  itemImport?(): Promise<ItemImport | { unavailable: string }>;
  close(): Promise<void>;
}

/** Response codes of a write refused because the mailbox is full: the copy stops there, not message by message. */
export const MAILBOX_FULL_CODES = new Set(['OVERQUOTA', 'ErrorQuotaExceeded']);
