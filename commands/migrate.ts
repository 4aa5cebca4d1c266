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
}

/** Told once both account URLs are known to be valid (the CLI warns about passwords in them then). */
export type OnParsed = () => void;

/** Parse → validate → create. Every input problem is a TernError naming its field. */
export async function migrate(service: TernService, req: MigrateRequest, actor: Actor, onParsed?: OnParsed): Promise<TaskView> {
  const source = parseAccountUrl(req.from, 'source', req.fromPassword);
  const destination = parseAccountUrl(req.to, 'destination', req.toPassword);
  onParsed?.();
  const items = parseItems(req.items);
  const notify = req.notify?.trim() || undefined;
  if (notify && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(notify)) {
    throw new TernError('BAD_ACCOUNT_URL', `The notification address "${notify}" is not an e-mail address.`, { field: 'notify' });
  }
  return service.create({ source, destination, items, notify }, actor);
}
