import { parseMigrateForm, type MigrateFormValues } from './migrate-form';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { TaskView } from '../src/task';

/** Imports a received .pst file into the destination of the form; the file takes the source's place. */
export async function importPst(service: TernService, req: { file: string; fileName: string; values: MigrateFormValues }, actor: Actor): Promise<TaskView> {
  const fileAsSource = { type: 'imap', login: 'pst', password: 'pst', host: 'pst.invalid' };
  const parsed = parseMigrateForm({ ...req.values, source: fileAsSource });
  return service.importPst({ file: req.file, fileName: req.fileName, destination: parsed.destination, items: parsed.items }, actor);
}
