import type { DestinationFolder, FolderTree } from '../../ports/mail';
import type { EwsFolder, EwsSession, WellKnownFolder } from './types';
import { EXCHANGE_SPECIAL_USE } from '../exchange-mail';


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
      const specialUse = f.wellKnown && EXCHANGE_SPECIAL_USE[f.wellKnown];
      return { path: enginePath(f, inbox), delimiter: '/', specialUse, specialUseFromServer: Boolean(specialUse), selectable: true };
    }),
  };
}

/** Folder classes that hold the same kind of item: a mail folder and a contact folder never stand in for each other. */
const FAMILIES: Array<[prefix: string, label: string]> = [
  ['IPF.Contact', 'Contacts'],
  ['IPF.Appointment', 'Calendar'],
  ['IPF.Task', 'Tasks'],
];
function familyOf(folderClass: string): string {
  return FAMILIES.find(([prefix]) => folderClass === prefix || folderClass.startsWith(prefix + '.'))?.[0] ?? (folderClass === '' || folderClass.startsWith('IPF.Note') ? 'IPF.Note' : folderClass);
}
const labelOf = (family: string) => FAMILIES.find(([prefix]) => prefix === family)?.[1] ?? 'Mail';

/** Told of each folder created, with the path it was asked for and its FolderId. */
export type FolderCreated = (folder: DestinationFolder) => Promise<void> | void;

/**
 * A mailbox's folders: found by path and folder class, created level by level when missing (each
 * creation told to the caller, who journals it). A name already taken by a folder of another
 * class (a mail folder "Contacts" next to the address book) gets the kind in brackets,
 * "Contacts (Mail)". Callers asking for the same folder at once share one creation.
 */
export class ExchangeFolders {
  private readonly byKey = new Map<string, EwsFolder>();
  private readonly byPath = new Map<string, EwsFolder>();
  private readonly creating = new Map<string, Promise<EwsFolder>>();

  readonly all: EwsFolder[];

  constructor(
    private readonly ews: EwsSession,
    folders: EwsFolder[],
  ) {
    this.all = [...folders];
    for (const f of this.all) this.index(this.pathOf(f), f);
  }

  static async load(ews: EwsSession): Promise<ExchangeFolders> {
    return new ExchangeFolders(ews, await ews.folders());
  }

  forget(id: string): void {
    const gone = this.all.filter((f) => f.id === id);
    for (const f of gone) this.all.splice(this.all.indexOf(f), 1);
    for (const map of [this.byKey, this.byPath]) for (const [k, f] of map) if (f.id === id) map.delete(k);
  }

  wellKnown(name: WellKnownFolder): EwsFolder | undefined {
    return this.all.find((f) => f.wellKnown === name);
  }

  /** The folder of that class family at the path (Exchange compares folder names without case). */
  find(path: string, folderClass = 'IPF.Note'): EwsFolder | undefined {
    return this.byKey.get(keyOf(path, familyOf(folderClass)));
  }

  /** A contact, calendar or task folder at the path. */
  findItemFolder(path: string): EwsFolder | undefined {
    return FAMILIES.map(([family]) => this.find(path, family)).find(Boolean);
  }

  pathOf(folder: EwsFolder): string {
    return enginePath(folder, this.wellKnown('inbox'));
  }

  ensure(path: string, folderClass: string, created: FolderCreated): Promise<EwsFolder> {
    const found = this.find(path, folderClass);
    if (found) return Promise.resolve(found);
    const key = keyOf(path, familyOf(folderClass));
    let pending = this.creating.get(key);
    if (!pending) {
      pending = this.create(path, folderClass, created).finally(() => this.creating.delete(key));
      this.creating.set(key, pending);
    }
    return pending;
  }

  private index(path: string, f: EwsFolder): void {
    this.byKey.set(keyOf(path, familyOf(f.folderClass)), f);
    if (!this.byPath.has(path.toLowerCase())) this.byPath.set(path.toLowerCase(), f);
  }

  private async create(path: string, folderClass: string, created: FolderCreated): Promise<EwsFolder> {
    const cut = path.lastIndexOf('/');
    const parentPath = cut === -1 ? undefined : path.slice(0, cut);
    // The parent holds the same kind: mail below the calendar would be invisible in Outlook's mail view.
    const parent = parentPath === undefined ? undefined : await this.ensure(parentPath, folderClass, created);
    let name = path.slice(cut + 1);
    if (this.byPath.has(path.toLowerCase())) {
      name = `${name} (${labelOf(familyOf(folderClass))})`;
      const renamed = this.find(parentPath === undefined ? name : `${parentPath}/${name}`, folderClass);
      if (renamed) {
        this.index(path, renamed);
        return renamed;
      }
    }
    const { existed, ...folder } = await this.ews.createFolder(parent?.id, name, folderClass);
    // A folder made meanwhile by someone else is not this caller's to journal.
    if (!existed) await created({ path: this.pathOf(folder), id: folder.id });
    if (!this.all.some((f) => f.id === folder.id)) this.all.push(folder);
    this.index(this.pathOf(folder), folder);
    this.byKey.set(keyOf(path, familyOf(folderClass)), folder);
    return folder;
  }
}

const keyOf = (path: string, family: string) => `${family}|${path.toLowerCase()}`;
