import type { ItemExport, ItemImport, MailDestination, MailSource } from '../../ports/mail';

/** Items copied whole: exported by the source's server, imported by the destination's (Microsoft 365 ↔ Microsoft 365). */
export interface ItemTransfer {
  export: ItemExport;
  import: ItemImport;
}

/**
 * Whether this pair copies items whole rather than as MIME: both sides must offer it, in the same
 * format, and their servers must answer. Undefined when the pair cannot at all (no note); the
 * reason when it could but will not, so the task says why the usual path was taken.
 */
export async function itemTransfer(source: MailSource, destination: MailDestination): Promise<ItemTransfer | { unavailable: string } | undefined> {
  if (!source.itemExport || !destination.itemImport) return undefined;
  const [exported, imported] = await Promise.all([source.itemExport(), destination.itemImport()]);
  if ('unavailable' in exported) return { unavailable: exported.unavailable };
  if ('unavailable' in imported) return { unavailable: imported.unavailable };
  if (exported.format !== imported.format) return { unavailable: `items exported as ${exported.format} cannot be imported as ${imported.format}` };
  return { export: exported, import: imported };
}
