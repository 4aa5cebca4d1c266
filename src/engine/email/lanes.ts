import type { MailDestination, MailSource, WriteLane } from '../../ports/mail';
import type { StepContext } from '../context';
import { openOn } from '../sided';

/** One source connection and one destination session with its write lane: a unit of parallel copying. */
export interface Lane {
  source: MailSource;
  destination: MailDestination;
  writer: WriteLane;
}

export async function openLane(ctx: StepContext): Promise<Lane> {
  const [from, to] = await Promise.all([ctx.connectors(ctx.source.protocol), ctx.connectors(ctx.destination.protocol)]);
  const source = await openOn('source', from.mailSource!(ctx.source, ctx.open));
  try {
    const destination = await openOn('destination', to.mailDestination!(ctx.destination, ctx.open));
    try {
      return { source, destination, writer: await destination.openLane() };
    } catch (err) {
      await destination.close().catch(() => {});
      throw err;
    }
  } catch (err) {
    await source.close().catch(() => {});
    throw err;
  }
}

export async function closeLane(lane: Lane): Promise<void> {
  await Promise.all([lane.source.close(), lane.writer.close(), lane.destination.close()].map((p) => p.catch(() => {})));
}

/** Lanes one task may open: as many as the configuration allows, fewer when a source allows fewer. */
export async function laneCount(ctx: StepContext, folders: number): Promise<number> {
  const from = await ctx.connectors(ctx.source.protocol);
  return Math.min(from.maxSourceConnections ?? ctx.connectionsPerAccount, ctx.connectionsPerAccount, Math.max(1, folders));
}
