import { randomUUID } from 'node:crypto';
import { davRequest, makeCalendar, propfind } from 'tsdav';
import type { AccountCredentials } from '../../ports/account';
import type { PimKind } from '../../ports/pim-items';
import { TernError } from '../../errors';
import type { DavHomes } from './discover';
import { httpError, type DavFetch } from './http';

/** A calendar or address book: its URL, the path Tern shows for it (its display name), what it holds. */
export interface Collection {
  url: string;
  path: string;
  type: 'calendar' | 'addressbook';
  /** VEVENT, VTODO…; empty when the server does not say (then it takes every kind). */
  components: string[];
  /** Made by Tern (its URL segment starts with "tern-"): never taken for the account's default. */
  ours: boolean;
}

export const TYPE_OF: Record<PimKind, Collection['type']> = { contact: 'addressbook', group: 'addressbook', event: 'calendar', task: 'calendar' };
const COMPONENT: Partial<Record<PimKind, string>> = { event: 'VEVENT', task: 'VTODO' };

export function holds(c: Collection, kind: PimKind): boolean {
  if (c.type !== TYPE_OF[kind]) return false;
  const comp = COMPONENT[kind];
  return !comp || c.components.length === 0 || c.components.includes(comp);
}

const componentsOf = (comp: unknown): string[] =>
  (Array.isArray(comp) ? comp : comp ? [comp] : []).flatMap((c) => (c as { _attributes?: { name?: string } })?._attributes?.name ?? []).map((n) => n.toUpperCase());

const nameOf = (v: unknown): string => (typeof v === 'string' ? v : typeof (v as { _cdata?: string })?._cdata === 'string' ? (v as { _cdata: string })._cdata : v !== undefined && v !== null && typeof v !== 'object' ? String(v) : '');

/** Every calendar and address book of the account's homes, named by display name (made unique). */
export async function listCollections(homes: DavHomes, account: AccountCredentials, fetch: DavFetch): Promise<Collection[]> {
  const found: Collection[] = [];
  for (const home of new Set([homes.calendarHome, homes.addressbookHome].filter((h): h is string => !!h))) {
    const answers = await propfind({
      url: home,
      props: { 'd:displayname': {}, 'd:resourcetype': {}, 'c:supported-calendar-component-set': {} },
      depth: '1',
      fetch,
    });
    if (answers.length === 1 && !answers[0].ok) throw httpError(account, answers[0].status, `listing the collections of ${home}`);
    for (const a of answers) {
      const types = Object.keys(a.props?.resourcetype ?? {});
      const type = types.includes('calendar') ? 'calendar' : types.includes('addressbook') ? 'addressbook' : undefined;
      if (!type || !a.href) continue;
      const url = new URL(a.href, home).href;
      const segment = decodeURIComponent(url.replace(/\/$/, '').split('/').pop() ?? '');
      found.push({ url, type, path: nameOf(a.props?.displayname).trim() || segment, components: componentsOf(a.props?.supportedCalendarComponentSet?.comp), ours: segment.startsWith('tern-') });
    }
  }
  found.sort((a, b) => (a.url < b.url ? -1 : 1));
  // Two collections of one type with one name get " (2)", " (3)": folder paths name one folder each.
  const seen = new Map<string, number>();
  for (const c of found) {
    const key = `${c.type}\n${c.path}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 1) c.path = `${c.path} (${n})`;
  }
  return found;
}

/** The account's own collection of the kind: the first the server lists that Tern did not make. */
export function defaultOf(all: Collection[], kind: PimKind): Collection | undefined {
  const candidates = all.filter((c) => holds(c, kind));
  return candidates.find((c) => !c.ours) ?? candidates[0];
}

const slug = (path: string) => (path.split('/').pop() ?? 'folder').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'folder';

/**
 * A new calendar (for events or tasks only: a collection holds one kind, so a folder path names one
 * folder per kind) or address book under the home, named by `path`.
 */
export async function makeCollection(kind: PimKind, path: string, homes: DavHomes, account: AccountCredentials, fetch: DavFetch): Promise<Collection> {
  const type = TYPE_OF[kind];
  const home = type === 'calendar' ? homes.calendarHome : homes.addressbookHome;
  if (!home) throw noHome(account, type);
  const url = new URL(`tern-${slug(path)}-${randomUUID().slice(0, 8)}/`, home).href;
  const comp = COMPONENT[kind]!;
  const [answer] =
    type === 'calendar'
      ? await makeCalendar({ url, props: { 'd:displayname': path, 'c:supported-calendar-component-set': { 'c:comp': { _attributes: { name: comp } } } }, fetch })
      : await davRequest({
          url,
          init: {
            method: 'MKCOL',
            namespace: 'd',
            body: { mkcol: { _attributes: { 'xmlns:d': 'DAV:', 'xmlns:card': 'urn:ietf:params:xml:ns:carddav' }, set: { prop: { resourcetype: { collection: {}, 'card:addressbook': {} }, displayname: path } } } },
          },
          fetch,
        });
  if (answer && !answer.ok) {
    if (answer.status === 403 || answer.status === 405 || answer.status === 409) {
      throw new TernError('FOLDER_REFUSED', `${account.host} refused to create the ${type === 'calendar' ? 'calendar' : 'address book'} "${path}" (HTTP ${answer.status}).`, { httpStatus: answer.status });
    }
    throw httpError(account, answer.status, `creating the ${type} "${path}"`);
  }
  return { url, path, type, components: type === 'calendar' ? [comp] : [], ours: true };
}

export function noHome(account: AccountCredentials, type: Collection['type']): TernError {
  const what = type === 'calendar' ? 'calendar home (calendar-home-set: CalDAV)' : 'address book home (addressbook-home-set: CardDAV)';
  return new TernError('PROTOCOL_ERROR', `${account.host} has no ${what} for ${account.user}: the server does not offer ${type === 'calendar' ? 'calendars' : 'contacts'} to this account. Leave that item kind out, or check the URL's path.`);
}
