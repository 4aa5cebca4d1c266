import { TernError } from './errors';
import { itemLabel, type ItemKind } from './items';
import { sizeText } from './size-text';

/**
 * What of the mailbox a migration moves, beyond the item kinds: a date range, folders to take or
 * leave, newest mail first, a size cap. Stored with the task (never a secret), so a resumed or
 * re-run task applies exactly the same selection.
 */
export interface MigrationOptions {
  /** Messages received on or after this day (YYYY-MM-DD, UTC). */
  since?: string;
  /** Messages received before this day (YYYY-MM-DD, UTC). */
  before?: string;
  /** Only these folders and their sub-folders (paths with "/", as the source names them). */
  folders?: string[];
  /** Never these folders nor their sub-folders. */
  excludeFolders?: string[];
  /** Each folder's newest messages are copied first (this month's mail arrives first). */
  newestFirst?: boolean;
  /** Messages larger than this many bytes are left out. */
  maxMessageBytes?: number;
}

/** The options as a person types them (CLI flags, form fields). */
export interface OptionsInput {
  since?: string;
  before?: string;
  folders?: string | string[];
  excludeFolders?: string | string[];
  newestFirst?: boolean;
  maxSize?: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(value: string | undefined, field: 'since' | 'before'): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const m = DAY.exec(v);
  const d = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (!m || !d || d.getUTCDate() !== Number(m[3]) || d.getUTCMonth() !== Number(m[2]) - 1) {
    throw new TernError('BAD_OPTION', `--${field} "${v}" is not a day: write it as YYYY-MM-DD (e.g. 2024-01-31).`, { field });
  }
  return v;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** "25MB", "500 KB", "1.5G", "1048576" → bytes. */
export function parseSize(value: string | undefined): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(v);
  const unit = m && UNITS[m[2].toLowerCase()];
  const bytes = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(bytes > 0)) throw new TernError('BAD_OPTION', `--max-size "${v}" is not a size: write it as a number with KB, MB or GB (e.g. 25MB).`, { field: 'maxSize' });
  return bytes;
}

/** "Archive, Lists/Old" or ["Archive"] → cleaned folder paths ("/" between levels). */
function parseFolders(value: string | string[] | undefined): string[] | undefined {
  const list = (Array.isArray(value) ? value : (value ?? '').split(/[,\n]/)).map((s) => s.trim().replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return list.length ? [...new Set(list)] : undefined;
}

/** Validates what a person typed; undefined when no option is set. Each problem names its field. */
export function parseOptions(input: OptionsInput = {}): MigrationOptions | undefined {
  const options: MigrationOptions = {
    since: parseDay(input.since, 'since'),
    before: parseDay(input.before, 'before'),
    folders: parseFolders(input.folders),
    excludeFolders: parseFolders(input.excludeFolders),
    newestFirst: input.newestFirst || undefined,
    maxMessageBytes: parseSize(input.maxSize),
  };
  if (options.since && options.before && options.since >= options.before) {
    throw new TernError('BAD_OPTION', `--since ${options.since} is not before --before ${options.before}: no message could be in that range.`, { field: 'before' });
  }
  const both = options.folders?.filter((f) => options.excludeFolders?.some((x) => x.toLowerCase() === f.toLowerCase()));
  if (both?.length) throw new TernError('BAD_OPTION', `"${both[0]}" is both in --folders and --exclude-folders: keep it in one of them.`, { field: 'excludeFolders' });
  const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as MigrationOptions;
  return Object.keys(set).length ? set : undefined;
}

/** Whether the options leave messages out within a folder (then a folder's re-run state cannot be reused). */
export function selectsMessages(o: MigrationOptions | undefined): boolean {
  return !!(o && (o.since || o.before || o.maxMessageBytes));
}

/** The options in words, for cards, the CLI and the plan: "since 2024-01-01 · folders: Archive · newest first". */
export function describeOptions(o: MigrationOptions | undefined): string[] {
  if (!o) return [];
  return [
    o.since && o.before ? `received ${o.since} to before ${o.before}` : o.since ? `received since ${o.since}` : o.before ? `received before ${o.before}` : undefined,
    o.folders && `only folders: ${o.folders.join(', ')}`,
    o.excludeFolders && `not folders: ${o.excludeFolders.join(', ')}`,
    o.maxMessageBytes && `messages up to ${sizeText(o.maxMessageBytes)}`,
    o.newestFirst && 'newest first',
  ].filter((s): s is string => !!s);
}

/**
 * The options choose messages only: contacts, groups, calendars, tasks, rules and out-of-office
 * move whole (a calendar cut at a date breaks recurring series and meeting history; these kinds
 * are small). When a task sets options and moves other kinds too, this says so (never a silent
 * ignore); undefined otherwise.
 */
export function optionsScopeNote(o: MigrationOptions | undefined, items: ItemKind[]): string | undefined {
  const others = items.filter((k) => k !== 'emails');
  if (!o || others.length === 0) return undefined;
  const names = others.map((k) => itemLabel(k).toLowerCase());
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return `The options apply to e-mails only: ${list} move whole.`;
}
