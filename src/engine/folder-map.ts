import type { FolderInfo, FolderTree } from '../ports/mail';
import { sanitizeName, segmentsOf } from '../ports/folder-paths';

/**
 * Where each source folder goes at the destination: the same hierarchy rebuilt with the
 * destination's own separator and namespace prefix; special-use folders matched to the
 * destination's special-use folders (never a "Sent Items" beside "Sent").
 */
export interface PlannedFolder {
  source: string;
  destination: string;
  /** False for \Noselect hierarchy levels: nothing to copy from them. */
  copyMessages: boolean;
  /** Set when the destination could not hold the name as it was. */
  note?: string;
}

const MAPPED_SPECIAL_USES = new Set(['\\Inbox', '\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive']);

export function planFolders(source: FolderTree, destination: FolderTree): PlannedFolder[] {
  const specialAtDestination = new Map<string, string>();
  // Prefer folders the server itself flags over name guesses.
  const byConfidence = [...destination.folders].sort((a, b) => Number(b.specialUseFromServer) - Number(a.specialUseFromServer));
  for (const f of byConfidence) {
    if (f.specialUse && isTopLevel(f, destination) && !specialAtDestination.has(f.specialUse)) specialAtDestination.set(f.specialUse, f.path);
  }
  specialAtDestination.set('\\Inbox', 'INBOX');

  const mapped = new Map<string, PlannedFolder>();
  const usedSpecial = new Set<string>();
  const sourceByPath = new Map(source.folders.map((f) => [f.path, f]));
  const ordered = [...source.folders].sort((a, b) => segmentsOf(a.path, source, a.delimiter).length - segmentsOf(b.path, source, b.delimiter).length || a.path.localeCompare(b.path));
  // Special folders first, so a flagged "Sent" wins over a merely named "Sent Items".
  ordered.sort((a, b) => Number(Boolean(b.specialUse && b.specialUseFromServer)) - Number(Boolean(a.specialUse && a.specialUseFromServer)));

  const resolve = (f: FolderInfo): PlannedFolder => {
    const known = mapped.get(f.path);
    if (known) return known;
    const segments = segmentsOf(f.path, source, f.delimiter);
    const name = segments[segments.length - 1];
    const special = f.specialUse && MAPPED_SPECIAL_USES.has(f.specialUse) && isTopLevel(f, source) ? f.specialUse : undefined;
    let plan: PlannedFolder;
    if (special && !usedSpecial.has(special) && (special === '\\Inbox' || f.specialUseFromServer || !sourceHasServerFlag(source, special))) {
      usedSpecial.add(special);
      const target = specialAtDestination.get(special);
      plan = { source: f.path, destination: target ?? destination.prefix + sanitizeName(f.preferredName ?? name, destination.delimiter), copyMessages: f.selectable };
    } else {
      const parentPath = segments.length > 1 ? segments.slice(0, -1).join(f.delimiter) : undefined;
      const parentFull = parentPath === undefined ? undefined : findParent(sourceByPath, source, parentPath);
      const safe = sanitizeName(name, destination.delimiter);
      const note = safe !== name ? `renamed "${name}" to "${safe}": the destination uses "${destination.delimiter}" as its folder separator` : undefined;
      const parentDestination = parentFull ? resolve(parentFull).destination : parentPath !== undefined ? destinationPathOf(parentPath.split(f.delimiter), destination) : undefined;
      const dest = parentDestination === undefined ? destination.prefix + safe : parentDestination + destination.delimiter + safe;
      plan = { source: f.path, destination: dest, copyMessages: f.selectable, ...(note ? { note } : {}) };
    }
    mapped.set(f.path, plan);
    return plan;
  };
  for (const f of ordered) resolve(f);
  return source.folders.map((f) => mapped.get(f.path)!);
}

function isTopLevel(f: FolderInfo, tree: FolderTree): boolean {
  const segments = segmentsOf(f.path, tree, f.delimiter);
  return segments.length === 1 || (segments.length === 2 && segments[0] === tree.systemRoot);
}

function sourceHasServerFlag(tree: FolderTree, specialUse: string): boolean {
  return tree.folders.some((f) => f.specialUse === specialUse && f.specialUseFromServer);
}

function findParent(byPath: Map<string, FolderInfo>, tree: FolderTree, relParent: string): FolderInfo | undefined {
  return byPath.get(relParent) ?? byPath.get(tree.prefix + relParent);
}

/** A parent level that the source did not list (servers may omit it): rebuilt from its names. */
function destinationPathOf(segments: string[], destination: FolderTree): string {
  if (segments.length === 1 && segments[0].toUpperCase() === 'INBOX') return 'INBOX';
  return destination.prefix + segments.map((s) => sanitizeName(s, destination.delimiter)).join(destination.delimiter);
}
