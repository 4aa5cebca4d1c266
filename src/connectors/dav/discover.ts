import { fetchHomeUrl, fetchPrincipalUrl, propfind, serviceDiscovery, type DAVAccount } from 'tsdav';
import type { AccountCredentials } from '../../ports/account';
import { TernError } from '../../errors';
import { httpError, type DavFetch } from './http';

export interface DavHomes {
  principal: string;
  calendarHome?: string;
  addressbookHome?: string;
}

/** The URL the account names: https (dav:) or http (dav+http:), its host, port and starting path. */
export function baseUrl(account: AccountCredentials): string {
  const host = account.host.includes(':') ? `[${account.host}]` : account.host;
  const path = account.path && account.path !== '' ? account.path : '/';
  return `${account.secure ? 'https' : 'http'}://${host}:${account.port}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * RFC 6764 discovery: /.well-known/caldav (and carddav) first, else the URL's own path; there the
 * current-user-principal, and on it the calendar-home-set and addressbook-home-set. A server that
 * answers none of it is not a CalDAV/CardDAV server, and is named so.
 */
export async function discover(account: AccountCredentials, fetch: DavFetch): Promise<DavHomes> {
  const base = baseUrl(account);
  await checkLogin(account, base, fetch);
  const homes: Partial<DavHomes> = {};
  for (const accountType of ['caldav', 'carddav'] as const) {
    const dav: DAVAccount = { accountType, serverUrl: base };
    const starts = [...new Set([await serviceDiscovery({ account: dav, fetch }), base])];
    for (const rootUrl of starts) {
      const principal = await fetchPrincipalUrl({ account: { ...dav, rootUrl }, fetch }).catch(() => undefined);
      if (!principal) continue;
      homes.principal ??= principal;
      const home = await fetchHomeUrl({ account: { ...dav, rootUrl, principalUrl: principal }, fetch }).catch(() => undefined);
      if (home) {
        homes[accountType === 'caldav' ? 'calendarHome' : 'addressbookHome'] = home;
        break;
      }
    }
  }
  if (!homes.principal) {
    throw new TernError('PROTOCOL_ERROR', `${account.host} does not answer as a CalDAV/CardDAV server at ${base} (no current-user-principal there or at /.well-known/caldav). Check the URL's path (Nextcloud: /remote.php/dav).`);
  }
  return homes as DavHomes;
}

/** A wrong password is said as such at once, not as "not a DAV server" after discovery. */
async function checkLogin(account: AccountCredentials, base: string, fetch: DavFetch): Promise<void> {
  const [answer] = await propfind({ url: base, props: { 'd:current-user-principal': {} }, depth: '0', fetch });
  if (answer && answer.status === 401) throw httpError(account, 401, 'logging in');
}
