import { parseAccountUrl } from '../src/accounts';
import { parseItems } from '../src/items';
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
  /** For ?auth=oauth2 accounts: an access token a script holds (TERN_FROM_ACCESS_TOKEN / TERN_TO_ACCESS_TOKEN). */
  fromAccessToken?: string;
  toAccessToken?: string;
}

/** Told once both account URLs are known to be valid (the CLI warns about passwords in them then). */
export type OnParsed = () => void;

/** Parse → validate → create. Every input problem is a TernError naming its field. */
export async function migrate(service: TernService, req: MigrateRequest, actor: Actor, onParsed?: OnParsed): Promise<TaskView> {
  const source = parseAccountUrl(req.from, 'source', req.fromPassword, req.fromAccessToken);
  const destination = parseAccountUrl(req.to, 'destination', req.toPassword, req.toAccessToken);
  onParsed?.();
  const items = parseItems(req.items);
  const notify = req.notify?.trim() || undefined;
  if (notify && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(notify)) {
    throw new TernError('BAD_ACCOUNT_URL', `The notification address "${notify}" is not an e-mail address.`, { field: 'notify' });
  }
  return service.create({ source, destination, items, notify }, actor);
}
