import type { AccountCredentials } from '../../ports/account';
import type { OpenOptions } from '../../ports/connector';
import type { PimKind } from '../../ports/pim-items';
import { baseUrl, discover, type DavHomes } from './discover';
import { davFetch, type DavFetch } from './http';
import { holds, listCollections, noHome, TYPE_OF, type Collection } from './collections';

/** A logged-in DAV account: its homes and collections (listed once, kept up to date by this session). */
export interface DavSession {
  account: AccountCredentials;
  fetch: DavFetch;
  homes: DavHomes;
  base: string;
  collections(): Promise<Collection[]>;
  /** Forget the listing (after a collection was made or removed elsewhere). */
  refresh(): void;
  /** The collections of the kind; fails when the account has no home for it. */
  of(kind: PimKind): Promise<Collection[]>;
}

export async function openDav(account: AccountCredentials, options: OpenOptions): Promise<DavSession> {
  const fetch = davFetch(account, options.timeoutMs);
  const homes = await discover(account, fetch);
  let listed: Promise<Collection[]> | undefined;
  const session: DavSession = {
    account,
    fetch,
    homes,
    base: baseUrl(account),
    collections: () => (listed ??= listCollections(homes, account, fetch).catch((err) => {
      listed = undefined;
      throw err;
    })),
    refresh: () => {
      listed = undefined;
    },
    of: async (kind) => {
      const type = TYPE_OF[kind];
      if (!(type === 'calendar' ? homes.calendarHome : homes.addressbookHome)) throw noHome(account, type);
      return (await session.collections()).filter((c) => holds(c, kind));
    },
  };
  return session;
}

/** An item's id at the destination: its path and the ETag it had when Tern wrote (or found) it. */
export const itemId = (url: string, etag: string) => `${new URL(url).pathname}#${etag}`;

export function parseItemId(id: string, base: string): { url: string; etag: string } {
  const at = id.indexOf('#');
  return at === -1 ? { url: new URL(id, base).href, etag: '' } : { url: new URL(id.slice(0, at), base).href, etag: id.slice(at + 1) };
}
