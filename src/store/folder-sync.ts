import { and, eq } from 'drizzle-orm';
import type { Db } from './db';

/** One side of a folder as a pass left it: what tells, with one STATUS, whether it changed since. */
export interface SideState {
  /** IMAP UIDVALIDITY: ids (UIDs) are valid for it only. */
  generation: string;
  /** IMAP UIDNEXT: every message written later has an id at or above it. */
  next: number;
  count: number;
  /** IMAP HIGHESTMODSEQ (CONDSTORE), when the server keeps one: any flag change raises it. */
  modseq?: string;
  /** A source's change cursor (Graph's deltaLink), kept inside the JSON state: no column of its own. */
  cursor?: string;
}

/** A message both sides hold: its source ref, its destination id, its dedupe key and its flags at the source. */
export type SyncedMessage = [ref: string, id: string, key: string, flags: string[]];

export interface FolderSyncState {
  destinationFolder: string;
  source: SideState;
  destination: SideState;
  /** The keywords the destination folder stores (IMAP PERMANENTFLAGS); undefined: any. */
  permanentFlags?: string[];
  /** Pairs, and (with an empty source ref) the destination's messages no source message had. */
  messages: SyncedMessage[];
}

/**
 * Per-folder sync state between two accounts (see schema.ts: folder_sync). Kept apart from any
 * task: a later migration between the same accounts is a new task.
 */
export class FolderSyncStore {
  constructor(private readonly db: Db) {}

  async get(pair: string, sourceFolder: string): Promise<FolderSyncState | undefined> {
    const { folderSync } = this.db.t;
    const [row] = await this.db.orm.select().from(folderSync).where(and(eq(folderSync.pair, pair), eq(folderSync.sourceFolder, sourceFolder)));
    return row ? (JSON.parse(row.state) as FolderSyncState) : undefined;
  }

  async put(pair: string, sourceFolder: string, state: FolderSyncState, now = Date.now()): Promise<void> {
    const { folderSync } = this.db.t;
    const values = { pair, sourceFolder, destinationFolder: state.destinationFolder, state: JSON.stringify(state), updatedAt: now };
    await this.db.orm.insert(folderSync).values(values).onConflictDoUpdate({ target: [folderSync.pair, folderSync.sourceFolder], set: values });
  }

  /** Forgets a folder's state: the next pass compares the folder in full. */
  async drop(pair: string, sourceFolder: string): Promise<void> {
    const { folderSync } = this.db.t;
    await this.db.orm.delete(folderSync).where(and(eq(folderSync.pair, pair), eq(folderSync.sourceFolder, sourceFolder)));
  }
}
