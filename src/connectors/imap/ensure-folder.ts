import type { DestinationFolder, FolderTree } from '../../ports/mail';
import { segmentsOf } from '../../ports/folder-paths';
import { TernError } from '../../errors';
import { isInvalidNameError } from './folders';
import { serverWords } from './server-words';

/**
 * Creates destination folders on demand, parents first, once each even when several callers ask
 * at the same time. A name the server refuses is changed predictably ("~x" → "_~x", "new" →
 * "new_", a name too long shortened) and the change is reported; a folder the server will not
 * create at all fails with FOLDER_REFUSED and the server's words, so the others can go on.
 */
export class FolderMaker {
  private readonly ensured = new Map<string, Promise<{ path: string; note?: string }>>();
  private readonly existing: Set<string>;

  constructor(
    private readonly tree: FolderTree,
    /** CREATE (and subscribe); a folder there already is no error. NO/BAD rejects with the server's words. */
    private readonly createFolder: (path: string) => Promise<void>,
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
  ensure(plannedPath: string, created: (folder: DestinationFolder) => Promise<void> | void): Promise<{ path: string; note?: string }> {
    let pending = this.ensured.get(plannedPath);
    if (!pending) {
      pending = this.create(plannedPath, created);
      this.ensured.set(plannedPath, pending);
      pending.catch(() => this.ensured.delete(plannedPath));
    }
    return pending;
  }

  private async create(plannedPath: string, created: (folder: DestinationFolder) => Promise<void> | void): Promise<{ path: string; note?: string }> {
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
    for (const candidate of [name, ...alternativeNames(name)]) {
      try {
        await this.createOnce(parent + candidate, created);
        return { path: parent + candidate, note: candidate === name ? note : `renamed "${name}" to "${candidate}": the destination refused the name` };
      } catch (err) {
        if (!isInvalidNameError(err)) throw refused(err, parent + name);
      }
    }
    throw refused(undefined, parent + name);
  }

  private async createOnce(path: string, created: (folder: DestinationFolder) => Promise<void> | void): Promise<void> {
    if (this.existing.has(path)) return;
    // The folder was not in the listing the task started from, so once it exists it is the task's,
    // even when CREATE answers ALREADYEXISTS: Dovecot has been seen to create the folder and still
    // answer so while other sessions of the user log in. Rollback removes it only when it is empty
    // and holds no one else's folders, so a folder another process made meanwhile loses nothing.
    await this.createFolder(path);
    await created({ path, id: path });
    this.existing.add(path);
  }
}

/** Names to try when one is refused: "_" added ("~x" → "_~x", "new" → "new_"), then shortened when long. */
function alternativeNames(name: string): string[] {
  const marked = name.startsWith('~') ? `_${name}` : `${name}_`;
  return name.length > 60 ? [marked, `${[...name].slice(0, 60).join('')}_`] : [marked];
}

/**
 * A CREATE the server answered NO or BAD becomes FOLDER_REFUSED with its words; anything else (a
 * lost connection) stays what it was.
 */
function refused(err: unknown, path: string): unknown {
  const answer = err as { responseStatus?: string; responseText?: string; serverResponseCode?: string } | undefined;
  if (err !== undefined && answer?.responseStatus !== 'NO' && answer?.responseStatus !== 'BAD') return err;
  const said = err === undefined ? 'it refused the name and every plainer or shorter one Tern tried' : serverWords(answer?.responseText) || 'no reason given';
  return new TernError('FOLDER_REFUSED', `The destination refused to create the folder "${path}": ${said}.`, { serverCode: answer?.serverResponseCode });
}
