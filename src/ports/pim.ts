import type { DestinationFolder, FolderRemoval } from './mail';
import type { OofData, PimItem, PimKind, RuleData } from './pim-items';

/**
 * The ports of the non-mail steps: contacts, contact groups, calendars and tasks come from a PIM
 * source and go to a PIM destination as the neutral shapes of pim-items.ts; inbox rules and
 * out-of-office settings go through the settings port.
 */

/** A source folder of one item kind; the default one (Contacts, Calendar, Tasks) maps to the destination's default. */
export interface PimFolder {
  path: string;
  isDefault: boolean;
  count: number;
}

export interface PimSource {
  folders(kind: PimKind): Promise<PimFolder[]>;
  /** The folder's items of that kind, in small batches (items may carry attachments: memory stays bounded). */
  read(kind: PimKind, folder: PimFolder): AsyncIterable<PimItem[]>;
  /** How many items of the kind the source lists but cannot read (damaged PST entries). */
  unreadable(kind: PimKind): Promise<number>;
  /** Items of the folder read() skipped (a malformed .ics or .vcf), each with what and why; asked once the folder is read. */
  skipped?(kind: PimKind, folder: PimFolder): string[];
  close(): Promise<void>;
}

/** An item at the destination: its id, and the stamp Tern wrote on it when Tern created it. */
export type StoredPimItem = PimItem & { id: string; stamp?: string };

export interface PimDestination {
  /** The source formats it writes as they are (PimBase.native): nothing of such an item is lost. */
  readonly keepsNative?: ReadonlyArray<'icalendar' | 'vcard'>;
  /** The fields of a neutral item this destination's format has no place for (named in the report). */
  cannotHold?(item: PimItem): string[];
  /**
   * A destination with no contact groups (Microsoft 365) takes each group as its members: contacts
   * carrying the group's name as a category. Adds that category to a contact (by id), or takes it
   * off again (rollback; a contact gone since is not an error).
   */
  readonly groupsAsCategories?: {
    add(id: string, category: string): Promise<void>;
    remove(id: string, category: string): Promise<void>;
  };
  /** The destination's default folder of the kind (its address book, calendar, task list). */
  defaultFolder(kind: PimKind): Promise<DestinationFolder>;
  /** Every folder that holds items of the kind. */
  folders(kind: PimKind): Promise<DestinationFolder[]>;
  /** The folder of the kind at that path, created with its parents when missing; `created` hears of each folder made. */
  ensureFolder(kind: PimKind, path: string, created: (folder: DestinationFolder) => Promise<void> | void): Promise<DestinationFolder>;
  /** The folder at that path holding that kind, if any; never creates. */
  findFolder(kind: PimKind, path: string): Promise<DestinationFolder | undefined>;
  /** The folder's items of the kind, for dedupe (stamps and content), without their attachments. */
  scan(kind: PimKind, folder: DestinationFolder): Promise<StoredPimItem[]>;
  /**
   * Creates one item, carrying `stamp` (the identity of its source item) so a re-run recognises
   * it. Group members whose contactSourceId is in `contactIds` point at that destination contact.
   * An item the destination refuses fails with ITEM_REFUSED; one it already holds (same UID) with ITEM_PRESENT.
   */
  create(folder: DestinationFolder, item: PimItem, options: { stamp: string; contactIds?: ReadonlyMap<string, string> }): Promise<string>;
  count(folder: DestinationFolder): Promise<number>;
  /**
   * Removes items by id; items already gone are not an error. A destination that can tell an item
   * edited since it was written (a DAV ETag) keeps it and says so in `kept`.
   */
  remove(ids: string[]): Promise<void | { kept: string[] }>;
  removeFolderIfEmpty(folder: DestinationFolder): Promise<FolderRemoval>;
  close(): Promise<void>;
}

/** Inbox rules and automatic replies. Folder references in rules are paths of the account's mail folder tree. */
export interface SettingsPort {
  readRules(): Promise<{ rules: RuleData[]; hasClientRules: boolean }>;
  /**
   * Replaces the whole rule collection. A destination that cannot hold some rule as it is leaves
   * that rule out (never a part of it) and names it in `refused`, with why.
   */
  writeRules(rules: RuleData[]): Promise<void | { refused: Array<{ displayName: string; reason: string }> }>;
  readOof(): Promise<OofData>;
  writeOof(oof: OofData): Promise<void>;
  close(): Promise<void>;
}
