import type { FolderInfo, FolderTree, MessageSummary } from '../../ports/mail';
import { segmentsOf } from '../../ports/folder-paths';
import type { MigrationOptions } from '../../options';
import type { PlannedFolder } from '../folder-map';

/**
 * The task's options applied to folders and messages, the same way by the e-mail step and by the
 * plan, for every kind of source: only what a source lists (paths, dates, sizes) is used.
 */

/** Whether a folder (as the source names it) is in the task's folder selection; sub-folders follow their parent. */
export function folderSelected(options: MigrationOptions | undefined, tree: FolderTree, folder: Pick<FolderInfo, 'path' | 'delimiter'>): boolean {
  if (!options?.folders && !options?.excludeFolders) return true;
  const rel = segmentsOf(folder.path, tree, folder.delimiter).join('/').toLowerCase();
  const raw = folder.path.toLowerCase();
  const under = (pattern: string) => {
    const p = pattern.toLowerCase();
    const native = p.split('/').join(folder.delimiter || '/');
    return rel === p || rel.startsWith(p + '/') || raw === native || raw.startsWith(native + (folder.delimiter || '/'));
  };
  if (options.excludeFolders?.some(under)) return false;
  return !options.folders || options.folders.some(under);
}

/** The planned folders the options keep. */
export function selectFolders(options: MigrationOptions | undefined, tree: FolderTree, plans: PlannedFolder[]): PlannedFolder[] {
  const byPath = new Map(tree.folders.map((f) => [f.path, f]));
  return plans.filter((p) => folderSelected(options, tree, byPath.get(p.source) ?? { path: p.source, delimiter: tree.delimiter }));
}

/** Folder selection patterns that name no folder of the source (a typo, most likely). */
export function unmatchedFolders(options: MigrationOptions | undefined, tree: FolderTree): string[] {
  const patterns = [...(options?.folders ?? []), ...(options?.excludeFolders ?? [])];
  return patterns.filter((p) => !tree.folders.some((f) => folderSelected({ folders: [p] }, tree, f)));
}

export interface Selection<T extends MessageSummary> {
  selected: T[];
  /** Left out by the date range. */
  outOfRange: number;
  /** Left out by the size cap. */
  overCap: number;
}

const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The messages the options keep, newest first when asked (messages without a date last). */
export function selectMessages<T extends MessageSummary>(options: MigrationOptions | undefined, messages: T[]): Selection<T> {
  if (!options) return { selected: messages, outOfRange: 0, overCap: 0 };
  const since = options.since ? dayStart(options.since) : -Infinity;
  const before = options.before ? dayStart(options.before) : Infinity;
  let outOfRange = 0;
  let overCap = 0;
  const selected = messages.filter((m) => {
    // A message without a received date (some sources cannot tell) is kept: nothing says it is out of range.
    const at = m.internalDate?.getTime();
    if (at !== undefined && !Number.isNaN(at) && (at < since || at >= before)) return outOfRange++, false;
    if (options.maxMessageBytes !== undefined && m.size > options.maxMessageBytes) return overCap++, false;
    return true;
  });
  return { selected: options.newestFirst ? newestFirst(selected) : selected, outOfRange, overCap };
}

/** Newest received first; undated messages after the dated ones, in their source order. */
export function newestFirst<T extends MessageSummary>(messages: T[]): T[] {
  const time = (m: T) => m.internalDate?.getTime() ?? -Infinity;
  return [...messages].sort((a, b) => time(b) - time(a));
}

/** "3 outside the date range, 1 over the size cap left out", for a folder's report. */
export function leftOutNote(s: Pick<Selection<MessageSummary>, 'outOfRange' | 'overCap'>): string | undefined {
  const parts = [s.outOfRange && `${s.outOfRange} outside the date range`, s.overCap && `${s.overCap} over the size cap`].filter(Boolean);
  return parts.length ? `${parts.join(', ')} left out by the task's options` : undefined;
}
