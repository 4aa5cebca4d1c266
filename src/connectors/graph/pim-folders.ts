import type { DestinationFolder } from '../../ports/mail';
import type { PimKind } from '../../ports/pim-items';
import { TernError } from '../../errors';
import type { GraphHttp } from './http';
import { enc } from './folders';

/**
 * Where a mailbox keeps each PIM kind through Graph, as folders with paths:
 * - contacts: the default Contacts folder ("Contacts", reached as /contacts) and its folders below,
 *   a tree ("Contacts/Work/Team");
 * - events: calendars, which Graph keeps flat: the default one by its name ("Calendar"), the
 *   others below it by name ("Calendar/Work"; a name may hold "/" for a deeper path);
 * - tasks: Microsoft To Do lists, flat the same way ("Tasks", "Tasks/Groceries").
 * Graph v1.0 has no contact groups: that kind has no folders.
 */
export interface PimPlace {
  id: string;
  path: string;
  isDefault: boolean;
  /** The collection of its items. */
  items: string;
}

/** The sentinel id of the default Contacts folder, reached as /contacts. */
export const DEFAULT_CONTACTS = 'contacts';

interface Listed {
  id: string;
  displayName?: string;
  name?: string;
  isDefaultCalendar?: boolean;
  wellknownListName?: string;
}

export class GraphPimFolders {
  private readonly loaded = new Map<PimKind, Promise<PimPlace[]>>();

  constructor(private readonly http: GraphHttp) {}

  all(kind: PimKind): Promise<PimPlace[]> {
    let places = this.loaded.get(kind);
    if (!places) {
      places = this.load(kind);
      this.loaded.set(kind, places);
      places.catch(() => this.loaded.delete(kind));
    }
    return places;
  }

  forget(kind?: PimKind): void {
    if (kind) this.loaded.delete(kind);
    else this.loaded.clear();
  }

  async find(kind: PimKind, path: string): Promise<PimPlace | undefined> {
    return (await this.all(kind)).find((p) => p.path.toLowerCase() === path.toLowerCase());
  }

  async byId(kind: PimKind, id: string): Promise<PimPlace | undefined> {
    return (await this.all(kind)).find((p) => p.id === id);
  }

  async defaultOf(kind: PimKind): Promise<PimPlace> {
    const found = (await this.all(kind)).find((p) => p.isDefault);
    if (!found) throw new TernError('PROTOCOL_ERROR', `The Microsoft 365 mailbox ${this.http.mailbox} has no default ${kind === 'task' ? 'To Do list' : kind === 'event' ? 'calendar' : 'Contacts folder'}.`);
    return found;
  }

  /** The place at the path, made (with the places above it) when missing; `created` hears of each one made. */
  async ensure(kind: PimKind, path: string, created: (folder: DestinationFolder) => Promise<void> | void): Promise<PimPlace> {
    const found = await this.find(kind, path);
    if (found) return found;
    if (kind === 'group') throw noGroups(this.http.mailbox);
    const cut = path.lastIndexOf('/');
    if (cut === -1) {
      // A top-level name: a sibling of the default one, which Graph's contacts tree does not have.
      if (kind === 'contact') return this.ensure(kind, `${(await this.defaultOf(kind)).path}/${path}`, created);
    }
    const parent = cut === -1 ? undefined : await this.ensure(kind, path.slice(0, cut), created);
    const place = kind === 'contact' ? await this.createContactFolder(parent!, path) : await this.createFlat(kind, path);
    (await this.all(kind)).push(place);
    await created({ path: place.path, id: place.id });
    return place;
  }

  private async createContactFolder(parent: PimPlace, path: string): Promise<PimPlace> {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const collection = parent.id === DEFAULT_CONTACTS ? `${this.http.userPath}/contactFolders` : `${this.http.userPath}/contactFolders/${enc(parent.id)}/childFolders`;
    const res = await this.http.call('POST', collection, { body: { displayName: name } });
    const id = String(res.json?.id);
    return { id, path, isDefault: false, items: `${this.http.userPath}/contactFolders/${enc(id)}/contacts` };
  }

  /** A calendar or To Do list named for its path below the default one. */
  private async createFlat(kind: PimKind, path: string): Promise<PimPlace> {
    const root = await this.defaultOf(kind);
    const name = path.toLowerCase().startsWith(`${root.path.toLowerCase()}/`) ? path.slice(root.path.length + 1) : path;
    const [collection, body] = kind === 'event' ? [`${this.http.userPath}/calendars`, { name }] : [`${this.http.userPath}/todo/lists`, { displayName: name }];
    const res = await this.http.call('POST', collection, { body });
    return this.flatPlace(kind, { id: String(res.json?.id), name, displayName: name }, root.path);
  }

  private flatPlace(kind: PimKind, l: Listed, rootPath: string | undefined): PimPlace {
    const name = (kind === 'event' ? l.name : l.displayName) ?? l.id;
    const isDefault = kind === 'event' ? l.isDefaultCalendar === true : l.wellknownListName === 'defaultList';
    const items = kind === 'event' ? `${this.http.userPath}/calendars/${enc(l.id)}/events` : `${this.http.userPath}/todo/lists/${enc(l.id)}/tasks`;
    return { id: l.id, path: isDefault || !rootPath ? name : `${rootPath}/${name}`, isDefault, items };
  }

  private async load(kind: PimKind): Promise<PimPlace[]> {
    switch (kind) {
      case 'group':
        return [];
      case 'contact': {
        const places: PimPlace[] = [{ id: DEFAULT_CONTACTS, path: 'Contacts', isDefault: true, items: `${this.http.userPath}/contacts` }];
        let level = [{ parent: places[0], url: `${this.http.userPath}/contactFolders?$select=id,displayName&$top=250` }];
        while (level.length) {
          const next: typeof level = [];
          for (const { parent, url } of level) {
            for (const f of await this.http.all<Listed>(url)) {
              const place = { id: f.id, path: `${parent.path}/${f.displayName}`, isDefault: false, items: `${this.http.userPath}/contactFolders/${enc(f.id)}/contacts` };
              places.push(place);
              next.push({ parent: place, url: `${this.http.userPath}/contactFolders/${enc(f.id)}/childFolders?$select=id,displayName&$top=250` });
            }
          }
          level = next;
        }
        return places;
      }
      case 'event':
      case 'task': {
        const url = kind === 'event' ? `${this.http.userPath}/calendars?$select=id,name,isDefaultCalendar&$top=250` : `${this.http.userPath}/todo/lists?$top=250`;
        const listed = await this.http.all<Listed>(url);
        const root = listed.find((l) => (kind === 'event' ? l.isDefaultCalendar : l.wellknownListName === 'defaultList'));
        const rootPath = root && (kind === 'event' ? root.name : root.displayName);
        return listed.map((l) => this.flatPlace(kind, l, rootPath));
      }
    }
  }
}

export function noGroups(mailbox: string): TernError {
  return new TernError('ITEM_REFUSED', `Microsoft Graph v1.0 has no contact groups (distribution lists), so the Microsoft 365 mailbox ${mailbox} cannot be given one through Graph.`);
}
