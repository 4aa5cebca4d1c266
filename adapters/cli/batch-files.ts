import fs from 'node:fs';
import { TernError } from '../../src/errors';

/** A batch CSV bigger than this is refused before it is read (a CSV of 20,000 rows is a few MB). */
const MAX_CSV_BYTES = 16 * 1024 * 1024;

const why = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable');
};

/** The CSV of `tern batch FILE`. */
export function readBatchFile(file: string): string {
  try {
    if (fs.statSync(file).size > MAX_CSV_BYTES) throw new TernError('BAD_BATCH', `${file} is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB: split it into several batches.`);
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof TernError) throw err;
    throw new TernError('BAD_BATCH', `Cannot read ${file}: ${why(err)}.`);
  }
}

/** A `file:PATH` password reference of a batch CSV: the file's first line. */
export function readSecretFile(path: string): string {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new TernError('BAD_PASSWORD_FILE', `Cannot read the password file ${path}: ${why(err)}.`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (!password || /[\r\n]/.test(password)) throw new TernError('BAD_PASSWORD_FILE', `The password file ${path} must hold the password on one line.`);
  return password;
}
