import path from 'node:path';
import { FormErrors, fieldOf, parseImportForm, type ImportFormValues } from './migrate-form';
import { parseAccountUrl } from '../src/accounts';
import { parseItems } from '../src/items';
import { TernError } from '../src/errors';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';
import { parseOptions, type OptionsInput } from '../src/options';

/**
 * PST import, platform-neutral. Chat: a file the adapter stored under TERN_DATA_DIR/uploads (Slack
 * share, Discord attachment) or an HTTPS link the service downloads, plus the import form
 * (destination, items, notify). CLI: a local path and a destination URL.
 */
export async function importPst(service: TernService, req: { file: string; fileName: string; values: ImportFormValues }, actor: Actor): Promise<TaskView> {
  const parsed = parseImportForm(req.values);
  return asFormErrors(() => service.importPst({ file: req.file, fileName: req.fileName, ...parsed }, actor));
}

/** A .pst above the chat's upload limit, given as an https:// link. The form is checked before the download starts. */
export async function importPstFromUrl(service: TernService, req: { url: string; values: ImportFormValues }, actor: Actor): Promise<TaskView> {
  const parsed = parseImportForm(req.values);
  const { file, fileName } = await service.downloadPst(req.url);
  return asFormErrors(() => service.importPst({ file, fileName, ...parsed }, actor));
}

export interface ImportPstCliRequest {
  file: string;
  to: string;
  items?: string | string[];
  notify?: string;
  /** TERN_TO_PASSWORD, used when the URL carries none. */
  toPassword?: string;
  /** For an ?auth=oauth2 destination: an access token a script holds (TERN_TO_ACCESS_TOKEN). */
  toAccessToken?: string;
  /** Date range, folders, newest first, size cap, as for migrate. */
  options?: OptionsInput;
}

/** `tern import-pst FILE --to URL`: the file is read where it is (never copied, never deleted). */
export async function importPstFile(service: TernService, req: ImportPstCliRequest, actor: Actor, onParsed?: () => void): Promise<TaskView> {
  const destination = parseAccountUrl(req.to, 'destination', req.toPassword, req.toAccessToken);
  onParsed?.();
  const items = parseItems(req.items);
  const notify = req.notify?.trim() || undefined;
  if (notify && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(notify)) {
    throw new TernError('BAD_ACCOUNT_URL', `The notification address "${notify}" is not an e-mail address.`, { field: 'notify' });
  }
  return service.importPst({ file: path.resolve(req.file), fileName: path.basename(req.file), destination, items, notify, options: parseOptions(req.options) }, actor);
}

/** Refusals about a form field (items, destination login) go back next to that field; file problems stay messages. */
async function asFormErrors(run: () => Promise<TaskView>): Promise<TaskView> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof TernError) || !err.field || err.code === 'BAD_UPLOAD') throw err;
    throw new FormErrors({ [fieldOf(err)]: err.userMessage });
  }
}
