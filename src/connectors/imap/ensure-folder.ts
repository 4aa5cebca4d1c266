import type { DestinationFolder, FolderTree } from '../../ports/mail';
import { segmentsOf } from '../../ports/folder-paths';
import type { ImapSession } from './session';
import { createFolder, isInvalidNameError } from './folders';

/**
 * Creates destination folders on demand, parents first, once each even when several callers ask
 * at the same time. A name the server refuses is changed predictably ("~x" → "_~x", "new" →
 * "new_") and the change is reported.
 */
export class FolderMaker {
  private readonly ensured = new Map<string, Promise<{ path: string; note?: string }>>();
  private readonly existing: Set<string>;

  constructor(
    private readonly client: ImapSession,
    private readonly tree: FolderTree,
  ) {
    this.existing = new Set(tree.folders.map((f) => f.path));
  }

  has(path: string): boolean {
    return path === 'INBOX' || this.existing.has(path);
  }

  forget(path: string): void {
    this.existing.delete(path);
    this.ensured.delete(path);
  }

  /** The real path of a planned folder (it may have been renamed), created when missing. */
  ensure(plannedPath: string, created: (folder: DestinationFolder) => void): Promise<{ path: string; note?: string }> {
    let pending = this.ensured.get(plannedPath);
    if (!pending) {
      pending = this.create(plannedPath, created);
      this.ensured.set(plannedPath, pending);
      pending.catch(() => this.ensured.delete(plannedPath));
    }
    return pending;
  }

  private async create(plannedPath: string, created: (folder: DestinationFolder) => void): Promise<{ path: string; note?: string }> {
    if (this.has(plannedPath)) return { path: plannedPath };
    const segments = segmentsOf(plannedPath, this.tree);
    const name = segments[segments.length - 1];
    let parent = '';
    let note: string | undefined;
    if (segments.length > 1) {
      const parentPlanned = plannedPath.slice(0, plannedPath.length - name.length - this.tree.delimiter.length);
      const p = await this.ensure(parentPlanned, created);
      parent = p.path + this.tree.delimiter;
      note = p.note;
    } else {
      parent = segments[0] === plannedPath ? '' : this.tree.prefix;
    }
    const path = parent + name;
    try {
      await this.createOnce(path, created);
      return { path, note };
    } catch (err) {
      if (!isInvalidNameError(err)) throw err;
      const safe = name.startsWith('~') ? `_${name}` : `${name}_`;
      await this.createOnce(parent + safe, created);
      return { path: parent + safe, note: `renamed "${name}" to "${safe}": the destination refused the name` };
    }
  }

  private async createOnce(path: string, created: (folder: DestinationFolder) => void): Promise<void> {
    if (this.existing.has(path)) return;
    // CREATE of a folder that exists (made by another lane or process) says so: it is not ours then.
    if ((await createFolder(this.client, path)).created) created({ path, id: path });
    this.existing.add(path);
  }
}
