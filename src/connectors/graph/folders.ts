import type { DestinationFolder, FolderTree } from '../../ports/mail';
import { sanitizeName } from '../../ports/folder-paths';
import type { GraphHttp } from './http';
import { EXCHANGE_SPECIAL_USE } from '../exchange-mail';

/** Exchange's well-known mail folders as Graph names them, and the RFC 6154 special use each matches. */
export const WELL_KNOWN = EXCHANGE_SPECIAL_USE;

export interface GraphFolder {
  id: string;
  displayName: string;
  /** Undefined for folders at the top of the mailbox. */
  parentId?: string;
  /** "/"-joined display names from the top; Inbox and below as "INBOX…", as IMAP names them. */
  path: string;
  wellKnown?: string;
  totalItemCount: number;
  childFolderCount: number;
}

interface Listed {
  id: string;
  displayName: string;
  parentFolderId?: string;
  totalItemCount?: number;
  childFolderCount?: number;
}

const FIELDS = '$select=id,displayName,parentFolderId,totalItemCount,childFolderCount&$top=250';

/**
 * A mailbox's mail folders through Graph: listed level by level (childFolders), well-known ones
 * found by name in one $batch, created with their parents when missing (a folder another session
 * made meanwhile, answered 409, is found and not claimed). Callers asking for the same path at
 * once share one creation.
 */
export class GraphFolders {
  private readonly byPath = new Map<string, GraphFolder>();
  private readonly creating = new Map<string, Promise<GraphFolder>>();
  readonly all: GraphFolder[] = [];

  private constructor(
    private readonly http: GraphHttp,
    private readonly rootId: string,
    private readonly wellKnownIds: Map<string, string>,
  ) {}

  static async load(http: GraphHttp): Promise<GraphFolders> {
    const names = ['msgfolderroot', ...Object.keys(WELL_KNOWN)];
    const answers = await http.batch(names.map((n) => ({ method: 'GET', url: `${http.userPath}/mailFolders/${n}?$select=id` })));
    const ids = new Map<string, string>();
    answers.forEach((a, i) => {
      if (a.status === 200 && typeof a.body?.id === 'string') ids.set(a.body.id, names[i]);
      // A mailbox without an archive folder answers 404 for it; anything else is a real failure.
      else if (a.status !== 404) throw http.refusal(a, 'GET', `${http.userPath}/mailFolders/${names[i]}`);
    });
    const rootId = [...ids].find(([, n]) => n === 'msgfolderroot')?.[0];
    if (!rootId) throw http.refusal(answers[0], 'GET', `${http.userPath}/mailFolders/msgfolderroot`);
    ids.delete(rootId);
    const folders = new GraphFolders(http, rootId, ids);
    let level: Array<{ listed: Listed; parent?: GraphFolder }> = (await http.all<Listed>(`${http.userPath}/mailFolders?${FIELDS}`)).map((listed) => ({ listed }));
    while (level.length > 0) {
      const next: typeof level = [];
      const added = level.map(({ listed, parent }) => folders.add(listed, parent));
      const withChildren = added.filter((f) => f.childFolderCount > 0);
      const children = await Promise.all(withChildren.map((f) => http.all<Listed>(`${http.userPath}/mailFolders/${enc(f.id)}/childFolders?${FIELDS}`)));
      children.forEach((list, i) => next.push(...list.map((listed) => ({ listed, parent: withChildren[i] }))));
      level = next;
    }
    return folders;
  }

  tree(): FolderTree {
    return {
      prefix: '',
      delimiter: '/',
      folders: this.all.map((f) => ({ path: f.path, delimiter: '/', specialUse: f.wellKnown && WELL_KNOWN[f.wellKnown], specialUseFromServer: Boolean(f.wellKnown), selectable: true })),
    };
  }

  find(path: string): GraphFolder | undefined {
    return this.byPath.get(path.toLowerCase());
  }

  forget(id: string): void {
    for (const f of this.all.filter((f) => f.id === id || f.path.startsWith(this.all.find((x) => x.id === id)?.path + '/'))) {
      this.all.splice(this.all.indexOf(f), 1);
      this.byPath.delete(f.path.toLowerCase());
    }
  }

  ensure(path: string, created: (folder: DestinationFolder) => Promise<void> | void): Promise<GraphFolder> {
    const found = this.find(path);
    if (found) return Promise.resolve(found);
    const key = path.toLowerCase();
    let pending = this.creating.get(key);
    if (!pending) {
      pending = this.create(path, created).finally(() => this.creating.delete(key));
      this.creating.set(key, pending);
    }
    return pending;
  }

  private add(listed: Listed, parent: GraphFolder | undefined): GraphFolder {
    const wellKnown = this.wellKnownIds.get(listed.id);
    const name = sanitizeName(listed.displayName, '/');
    const inboxLevel = wellKnown === 'inbox' && !parent;
    const path = inboxLevel ? 'INBOX' : parent ? `${parent.path}/${name}` : name;
    const f: GraphFolder = {
      id: listed.id,
      displayName: listed.displayName,
      parentId: parent?.id,
      path,
      wellKnown,
      totalItemCount: listed.totalItemCount ?? 0,
      childFolderCount: listed.childFolderCount ?? 0,
    };
    this.all.push(f);
    if (!this.byPath.has(path.toLowerCase())) this.byPath.set(path.toLowerCase(), f);
    return f;
  }

  private async create(path: string, created: (folder: DestinationFolder) => Promise<void> | void): Promise<GraphFolder> {
    const cut = path.lastIndexOf('/');
    const parent = cut === -1 ? undefined : await this.ensure(path.slice(0, cut), created);
    const name = path.slice(cut + 1);
    const collection = parent ? `${this.http.userPath}/mailFolders/${enc(parent.id)}/childFolders` : `${this.http.userPath}/mailFolders`;
    const res = await this.http.call('POST', collection, { body: { displayName: name }, accept: [409] });
    if (res.status === 409) {
      // Made meanwhile by another session: not this caller's to journal.
      const siblings = await this.http.all<Listed>(`${collection}?${FIELDS}`);
      const theirs = siblings.find((s) => s.displayName.toLowerCase() === name.toLowerCase());
      if (!theirs) throw this.http.refusal(res, 'POST', collection);
      return this.add(theirs, parent);
    }
    const folder = this.add(res.json as unknown as Listed, parent);
    await created({ path: folder.path, id: folder.id });
    return folder;
  }

  get root(): string {
    return this.rootId;
  }
}

export const enc = encodeURIComponent;
