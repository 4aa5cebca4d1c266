import { parseAccountUrl } from '../src/accounts';
import type { AccountCredentials } from '../src/ports/account';
import { parseItems } from '../src/items';
import { parseOptions, type OptionsInput } from '../src/options';
import { TernError } from '../src/errors';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';

export interface MigrateRequest {
  from: string;
  to: string;
  items?: string | string[];
  notify?: string;
  /** Used when the URL carries no password (TERN_FROM_PASSWORD / a form field). */
  fromPassword?: string;
  toPassword?: string;
  /** A CalDAV/CardDAV account (dav://, dav+http://) that carries the source's contacts, groups, calendars and tasks. */
  fromDav?: string;
  /** The same for the destination. */
  toDav?: string;
  /** For ?auth=oauth2 accounts: an access token a script holds (TERN_FROM_ACCESS_TOKEN / TERN_TO_ACCESS_TOKEN). */
  fromAccessToken?: string;
  toAccessToken?: string;
  /** Date range, folders, newest first, size cap (see src/options.ts). */
  options?: OptionsInput;
}

/** Told once both account URLs are known to be valid (the CLI warns about passwords in them then). */
export type OnParsed = () => void;

/**
 * The side's mail account with the CalDAV/CardDAV account next to it; the DAV URL's password
 * defaults to the side's own (providers give one app password for both).
 */
export function withDav(account: AccountCredentials, url: string | undefined, side: 'source' | 'destination', fallback?: string, option = side === 'source' ? '--from-dav' : '--to-dav'): AccountCredentials {
  if (!url?.trim()) return account;
  const dav = parseAccountUrl(url, side, fallback ?? account.password);
  if (dav.protocol !== 'dav') throw new TernError('BAD_ACCOUNT_URL', `${option} takes a CalDAV/CardDAV account (dav://user@host/path or dav+http://…), not "${url.split(':')[0]}:".`, { field: side });
  if (account.protocol === 'dav') throw new TernError('BAD_ACCOUNT_URL', `The ${side} account is a CalDAV/CardDAV account already: leave ${option} out.`, { field: side });
  return { ...account, pim: dav };
}

/** A request's accounts, items, notification address and options, validated; each problem names its field. */
export function parseMigrateRequest(req: MigrateRequest, onParsed?: OnParsed) {
  const source = withDav(parseAccountUrl(req.from, 'source', req.fromPassword, req.fromAccessToken), req.fromDav, 'source', req.fromPassword);
  const destination = withDav(parseAccountUrl(req.to, 'destination', req.toPassword, req.toAccessToken), req.toDav, 'destination', req.toPassword);
  onParsed?.();
  const items = parseItems(req.items);
  const notify = req.notify?.trim() || undefined;
  if (notify && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(notify)) {
    throw new TernError('BAD_ACCOUNT_URL', `The notification address "${notify}" is not an e-mail address.`, { field: 'notify' });
  }
  return { source, destination, items, notify, options: parseOptions(req.options) };
}

/** Parse → validate → create. Every input problem is a TernError naming its field. */
export async function migrate(service: TernService, req: MigrateRequest, actor: Actor, onParsed?: OnParsed): Promise<TaskView> {
  return service.create(parseMigrateRequest(req, onParsed), actor);
}
