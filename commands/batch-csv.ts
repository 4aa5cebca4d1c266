import { parse } from 'csv-parse/sync';
import { accountUrlOf, parseAccountUrl } from '../src/accounts';
import { parseItems } from '../src/items';
import { TernError } from '../src/errors';
import type { RowProblem } from '../src/batch';
import type { BatchRow } from '../src/service/batches';

/** Where password references point: TERN_PW_* variables, and (CLI only) files. */
export interface SecretSources {
  env: Record<string, string>;
  /** Reads `file:PATH` references; unset (chat): they are refused. */
  readFile?: (path: string) => string;
}

export const BATCH_COLUMNS = ['source', 'destination', 'items', 'notify', 'source_password', 'destination_password'] as const;
type Column = (typeof BATCH_COLUMNS)[number];
const ALIASES: Record<string, Column> = { from: 'source', to: 'destination', from_password: 'source_password', to_password: 'destination_password' };

/** A CSV shared in chat larger than this is refused before it is downloaded. */
export const MAX_BATCH_CSV_BYTES = 16 * 1024 * 1024;

/** A CSV bigger than this is refused whole (tens of thousands of rows). */
export const MAX_BATCH_ROWS = 20_000;

/**
 * Reads a batch CSV: a header row naming the columns (source, destination, items, notify,
 * source_password, destination_password; any order, any case), then one migration per row.
 * Accounts are URLs or bare addresses (the server detected); a password cell is a reference,
 * `env:TERN_PW_NAME` or `file:PATH`, never the password itself. Every bad row is said by line and
 * column; good rows are returned whatever the others hold.
 */
export function parseBatchCsv(text: string, secrets: SecretSources): { rows: BatchRow[]; problems: RowProblem[] } {
  let records: Array<{ record: string[]; info: { lines: number }; raw: string }>;
  try {
    records = parse(text, { info: true, raw: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as never;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new TernError('BAD_BATCH', `The CSV cannot be read${e.lines ? ` at line ${e.lines}` : ''}: ${e.message ?? 'not CSV'}. Check its quotes (a cell with a comma needs "…").`);
  }
  const [header, ...body] = records.filter((r) => !(r.record.length === 1 && r.record[0].startsWith('#')));
  if (!header) throw new TernError('BAD_BATCH', `The CSV is empty: its first line must name the columns (${BATCH_COLUMNS.join(', ')}), one migration per line after it.`);
  const columns = header.record.map((name) => {
    const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
    return (ALIASES[key] ?? (BATCH_COLUMNS as readonly string[]).includes(key)) ? (ALIASES[key] ?? (key as Column)) : undefined;
  });
  const unknown = header.record.filter((_, i) => !columns[i]);
  if (unknown.length) throw new TernError('BAD_BATCH', `Line 1: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}. The columns are ${BATCH_COLUMNS.join(', ')} (source and destination required).`);
  for (const needed of ['source', 'destination'] as const) {
    if (!columns.includes(needed)) throw new TernError('BAD_BATCH', `Line 1: the CSV has no "${needed}" column. Its first line must name the columns, e.g. source,destination,items,notify.`);
  }
  if (body.length > MAX_BATCH_ROWS) throw new TernError('BAD_BATCH', `The CSV has ${body.length} rows, more than ${MAX_BATCH_ROWS}: split it into several batches.`);
  const rows: BatchRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const r of body) {
    // Where the row starts (a quoted cell may span lines).
    const line = r.info.lines - (r.raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
    const cell = (c: Column) => r.record[columns.indexOf(c)]?.trim() ?? '';
    try {
      const request = rowRequest(cell, secrets);
      const key = `${request.source.protocol}:${request.source.user}@${request.source.host} ${request.destination.protocol}:${request.destination.user}@${request.destination.host}`.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) throw new TernError('BAD_BATCH', `The same migration as line ${first}; give each source and destination pair once.`, { field: 'source' });
      seen.set(key, line);
      rows.push({ line, request });
    } catch (err) {
      if (!(err instanceof TernError)) throw err;
      problems.push({ line, column: err.field && (BATCH_COLUMNS as readonly string[]).includes(err.field) ? err.field : undefined, message: err.userMessage });
    }
  }
  return { rows, problems };
}

function rowRequest(cell: (c: Column) => string, secrets: SecretSources): BatchRow['request'] {
  const source = account(cell('source'), 'source', cell('source_password'), secrets);
  const destination = account(cell('destination'), 'destination', cell('destination_password'), secrets);
  const items = parseItems(cell('items').replace(/[;\s|]+/g, ',') || undefined);
  const notify = cell('notify') || undefined;
  return { source, destination, items, notify };
}

/** A URL, or a bare address whose server is detected (as the chat forms' Autodetect). */
function account(text: string, side: 'source' | 'destination', reference: string, secrets: SecretSources) {
  if (!text) throw new TernError('BAD_ACCOUNT_URL', `The ${side} is empty: give an account URL or an e-mail address.`, { field: side });
  const url = accountUrlOf(text);
  if (/^[a-z][\w+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url)) {
    throw new TernError('BAD_ACCOUNT_URL', `The ${side} URL carries a password: a CSV is copied and shared, so take it out and put a reference in ${side}_password (env:TERN_PW_NAME or file:PATH).`, { field: side });
  }
  const oauth = /[?&]auth=oauth2\b/i.test(url);
  const password = oauth ? undefined : secretOf(reference, side, secrets);
  return parseAccountUrl(url, side, password);
}

/** A password reference: env:TERN_PW_NAME (a variable of the process reading the CSV) or file:PATH (the CLI only). */
function secretOf(reference: string, side: 'source' | 'destination', secrets: SecretSources): string {
  const column = `${side}_password`;
  const fail = (why: string) => new TernError('BAD_PASSWORD_FILE', why, { field: column });
  if (!reference) throw fail(`No password for the ${side}: put env:TERN_PW_NAME (an environment variable of Tern) or file:PATH (tern batch only) in ${column}, or use an ?auth=oauth2 account.`);
  const [kind, ...rest] = reference.split(':');
  const target = rest.join(':').trim();
  if (kind.toLowerCase() === 'env') {
    if (!/^TERN_PW_\w+$/.test(target)) throw fail(`env:${target} is not allowed: password variables must be named TERN_PW_something, so a CSV cannot reach Tern's other secrets.`);
    const value = secrets.env[target];
    if (value === undefined) throw fail(`The environment variable ${target} is not set where this CSV is read.`);
    return value;
  }
  if (kind.toLowerCase() === 'file') {
    if (!secrets.readFile) throw fail(`file: references are read by tern batch on a terminal only; in chat use env:TERN_PW_NAME (set on the bot).`);
    try {
      return secrets.readFile(target);
    } catch (err) {
      throw err instanceof TernError ? fail(err.userMessage) : err;
    }
  }
  throw fail(`${column} must be a reference, env:TERN_PW_NAME or file:PATH, not the password itself: a CSV is copied and shared.`);
}
