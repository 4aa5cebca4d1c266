import type { ImapSession } from '../../connectors/imap/session';
import { createFolder, isInvalidNameError, type FolderTree } from '../../connectors/imap/folders';
import { segmentsOf } from '../folder-map';
import type { Journal } from '../../store/journal';

/**
 * Creates destination folders on demand, parents first, once each even when several lanes ask
 * at the same time. Every folder this task creates is journaled. A name the server refuses is
 * changed predictably ("~x" → "_~x", "new" → "new_") and the change is reported.
 */
export class DestinationFolders {
  private readonly ensured = new Map<string, Promise<{ path: string; note?: string }>>();
  private readonly existing: Set<string>;

  constructor(
    private readonly tree: FolderTree,
    private readonly journal: Journal,
    private readonly taskId: string,
  ) {
    this.existing = new Set(tree.folders.map((f) => f.path));
  }

  /** The real path of a planned destination folder (it may have been renamed), created if missing. */
  ensure(client: ImapSession, plannedPath: string): Promise<{ path: string; note?: string }> {
    let pending = this.ensured.get(plannedPath);
    if (!pending) {
      pending = this.create(client, plannedPath);
      this.ensured.set(plannedPath, pending);
      pending.catch(() => this.ensured.delete(plannedPath));
    }
    return pending;
  }

  private async create(client: ImapSession, plannedPath: string): Promise<{ path: string; note?: string }> {
    if (plannedPath === 'INBOX' || this.existing.has(plannedPath)) return { path: plannedPath };
    const segments = segmentsOf(plannedPath, this.tree);
    const name = segments[segments.length - 1];
    let parent = '';
    let note: string | undefined;
    if (segments.length > 1) {
      const parentPlanned = plannedPath.slice(0, plannedPath.length - name.length - this.tree.delimiter.length);
      const p = await this.ensure(client, parentPlanned);
      parent = p.path + this.tree.delimiter;
      note = p.note;
    } else {
      parent = segments[0] === plannedPath ? '' : this.tree.prefix;
    }
    const path = parent + name;
    try {
      await this.createOnce(client, path);
      return { path, note };
    } catch (err) {
      if (!isInvalidNameError(err)) throw err;
      const safe = name.startsWith('~') ? `_${name}` : `${name}_`;
      await this.createOnce(client, parent + safe);
      return { path: parent + safe, note: `renamed "${name}" to "${safe}": the destination refused the name` };
    }
  }

  private async createOnce(client: ImapSession, path: string): Promise<void> {
    if (this.existing.has(path)) return;
    const { created } = await createFolder(client, path);
    if (created) this.journal.addFolder(this.taskId, path);
    this.existing.add(path);
  }
}
