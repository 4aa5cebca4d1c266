import type { FolderTree, MailDestination, MailSource, RawMessage, WriteLane } from '../../ports/mail';
import type { StepContext } from '../context';
import { openOn } from '../sided';
import { itemTransfer } from './item-transfer';

/** One source connection and one destination session with its write lane: a unit of parallel copying. */
export interface Lane {
  source: MailSource;
  destination: MailDestination;
  writer: WriteLane;
  /** A folder's messages by ref: their MIME, or their exported data when the lane copies items whole. */
  read(folder: string, refs: string[]): AsyncIterable<RawMessage>;
  /** How messages are written, shown on the task: the destination's own path, or "by mailbox import". */
  writePath?: string;
  /** The planning lane's destination folders, asked for as soon as the destination was open: the listing overlaps the source's login. */
  destinationFolders?: Promise<FolderTree>;
}

/** Both logins at once (on a distant server each costs several round trips), then the write lane. */
export async function openLane(ctx: StepContext, options: { planning?: boolean } = {}): Promise<Lane> {
  const [from, to] = await Promise.all([ctx.connectors(ctx.source.protocol), ctx.connectors(ctx.destination.protocol)]);
  const open = { ...ctx.open, copyLane: true };
  const opening = openOn('destination', to.mailDestination!(ctx.destination, open));
  const destinationFolders = options.planning ? opening.then((d) => d.folders()) : undefined;
  destinationFolders?.catch(() => {}); // awaited by the planner; a failed open is reported below
  const [source, destination] = await Promise.allSettled([openOn('source', from.mailSource!(ctx.source, open)), opening]);
  const opened = [source, destination].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const closeOpened = () => Promise.all(opened.map((p) => p.close().catch(() => {})));
  if (source.status === 'rejected' || destination.status === 'rejected') {
    await closeOpened();
    throw source.status === 'rejected' ? source.reason : (destination as PromiseRejectedResult).reason;
  }
  try {
    const from = source.value;
    const to = destination.value;
    const transfer = await itemTransfer(from, to);
    if (transfer && 'export' in transfer) {
      return { source: from, destination: to, writer: await transfer.import.openLane(), read: (folder, refs) => transfer.export.read(folder, refs), writePath: transfer.import.writePath, destinationFolders };
    }
    const writePath = transfer ? `${to.writePath ?? 'writing as MIME'} (not by mailbox import: ${transfer.unavailable})` : to.writePath;
    return { source: from, destination: to, writer: await to.openLane(), read: (folder, refs) => from.read(folder, refs), writePath, destinationFolders };
  } catch (err) {
    await closeOpened();
    throw err;
  }
}

/** Several lanes at once; when one cannot be opened, those that were are closed again. */
export async function openLanes(ctx: StepContext, count: number): Promise<Lane[]> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => openLane(ctx)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return results.map((r) => (r as PromiseFulfilledResult<Lane>).value);
  await Promise.all(results.flatMap((r) => (r.status === 'fulfilled' ? [closeLane(r.value)] : [])));
  throw failed.reason;
}

export async function closeLane(lane: Lane): Promise<void> {
  await Promise.all([lane.source.close(), lane.writer.close(), lane.destination.close()].map((p) => p.catch(() => {})));
}

/** Lanes one task may open: as many as the configuration allows, fewer when a source allows fewer. */
export async function laneCount(ctx: StepContext, folders: number): Promise<number> {
  const from = await ctx.connectors(ctx.source.protocol);
  return Math.min(from.maxSourceConnections ?? ctx.connectionsPerAccount, ctx.connectionsPerAccount, Math.max(1, folders));
}
