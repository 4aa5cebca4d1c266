import type { EwsFolder, EwsSession, WellKnownFolder } from '../connectors/ews/types';
import type { FolderTree } from '../connectors/imap/folders';
import type { Journal } from '../store/journal';

/** Exchange's well-known mail folders as RFC 6154 special uses, so planFolders can match them to IMAP's. */
const SPECIAL_USE: Partial<Record<WellKnownFolder, string>> = {
  inbox: '\\Inbox',
  sentitems: '\\Sent',
  drafts: '\\Drafts',
  deleteditems: '\\Trash',
  junkemail: '\\Junk',
  archive: '\\Archive',
};

const isMailFolder = (f: EwsFolder) => f.folderClass === '' || f.folderClass === 'IPF.Note' || f.folderClass.startsWith('IPF.Note.');

/**
 * A mailbox's folders as the engine names them: "/"-joined display names, with the Inbox and
 * what is below it under "INBOX" as IMAP names it, so one folder plan serves every pair.
 */
export function enginePath(f: EwsFolder, inbox: EwsFolder | undefined): string {
  if (!inbox) return f.path;
  if (f.id === inbox.id) return 'INBOX';
  return f.path.startsWith(inbox.path + '/') ? 'INBOX' + f.path.slice(inbox.path.length) : f.path;
}

export function mailTree(folders: EwsFolder[]): FolderTree {
  const inbox = folders.find((f) => f.wellKnown === 'inbox');
  return {
    prefix: '',
    delimiter: '/',
    folders: folders.filter(isMailFolder).map((f) => {
      const specialUse = f.wellKnown && SPECIAL_USE[f.wellKnown];
      return { path: enginePath(f, inbox), delimiter: '/', specialUse, specialUseFromServer: Boolean(specialUse), selectable: true };
    }),
  };
}

/**
 * The destination mailbox's folders: found by engine path, created level by level when missing
 * (each creation journaled with its FolderId, for rollback). Lanes asking for the same folder at
 * once share one creation.
 */
export class ExchangeFolders {
  private readonly byPath = new Map<string, EwsFolder>();
  private readonly creating = new Map<string, Promise<EwsFolder>>();

  /** `writer`: where created folders are journaled; without one (a source), nothing is created. */
  constructor(
    private readonly ews: EwsSession,
    readonly all: EwsFolder[],
    private readonly writer?: { journal: Journal; taskId: string },
  ) {
    const inbox = all.find((f) => f.wellKnown === 'inbox');
    for (const f of all) this.byPath.set(enginePath(f, inbox).toLowerCase(), f);
  }

  static async load(ews: EwsSession, writer?: { journal: Journal; taskId: string }): Promise<ExchangeFolders> {
    return new ExchangeFolders(ews, await ews.folders(), writer);
  }

  wellKnown(name: WellKnownFolder): EwsFolder | undefined {
    return this.all.find((f) => f.wellKnown === name);
  }

  /** Exchange compares folder names without case. */
  find(path: string): EwsFolder | undefined {
    return this.byPath.get(path.toLowerCase());
  }

  pathOf(folder: EwsFolder): string {
    return enginePath(folder, this.wellKnown('inbox'));
  }

  ensure(path: string, folderClass = 'IPF.Note'): Promise<EwsFolder> {
    const found = this.find(path);
    if (found) return Promise.resolve(found);
    const key = path.toLowerCase();
    let pending = this.creating.get(key);
    if (!pending) {
      pending = this.create(path, folderClass).finally(() => this.creating.delete(key));
      this.creating.set(key, pending);
    }
    return pending;
  }

  private async create(path: string, folderClass: string): Promise<EwsFolder> {
    if (!this.writer) throw new Error(`ExchangeFolders: no folder "${path}" and nowhere to journal its creation`);
    const cut = path.lastIndexOf('/');
    const parent = cut === -1 ? undefined : await this.ensure(path.slice(0, cut), folderClass);
    const created = await this.ews.createFolder(parent?.id, path.slice(cut + 1), folderClass);
    this.writer.journal.addFolder(this.writer.taskId, path, Date.now(), created.id);
    this.byPath.set(path.toLowerCase(), created);
    this.all.push(created);
    return created;
  }
}
