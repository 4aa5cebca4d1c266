import type { FolderTree } from './mail';

/** Folder path → its names below the namespace prefix ("INBOX.Foo.Bar" → ["Foo", "Bar"]). */
export function segmentsOf(path: string, tree: Pick<FolderTree, 'prefix' | 'delimiter'>, delimiter = tree.delimiter): string[] {
  if (path.toUpperCase() === 'INBOX') return ['INBOX'];
  const rel = tree.prefix && path.startsWith(tree.prefix) ? path.slice(tree.prefix.length) : path;
  return rel.split(delimiter).filter((s) => s !== '');
}

/** A name the destination cannot hold as one level: its separator inside is replaced by "_". */
export function sanitizeName(name: string, destinationDelimiter: string): string {
  return destinationDelimiter ? name.split(destinationDelimiter).join('_') : name;
}
