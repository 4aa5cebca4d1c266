import type { DestinationFolder, FolderState, MessageSummary, StoredMessage } from '../../ports/mail';
import type { StepCounters } from '../../task';
import type { StepContext } from '../context';
import type { FolderJob } from './folder-job';
import type { Lane } from './lanes';
import { matchMessages, storableFlags } from './match';

/**
 * Instant re-runs. A folder both sides of which are as the last pass between the same accounts
 * left them costs one STATUS a side; one whose source changed costs only what changed: its new
 * messages are matched against what the last pass saw at the destination, and flags changed at
 * the source are set at the destination. Anything else (no state, another UIDVALIDITY on either
 * side, a destination changed by someone else, a task resumed mid-folder) gets the full
 * comparison, which then saves a fresh state.
 */

/** The accounts a state belongs to: a later task between the same two has the same key. */
export function pairKey(ctx: StepContext): string {
  const side = (a: StepContext['source']) => `${a.protocol}:${a.user.toLowerCase()}@${a.host.toLowerCase()}:${a.port}${a.impersonate ? `/${a.impersonate.toLowerCase()}` : ''}`;
  return `${side(ctx.source)}→${side(ctx.destination)}`;
}

const sameState = (a: FolderState, b: FolderState) => a.generation === b.generation && a.next === b.next && a.count === b.count && a.modseq === b.modseq;
const sameFlags = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');

/** Whether the folder looks unchanged on both sides from the states listed with the folders: it will need no lane of its own. */
export async function looksUnchanged(ctx: StepContext, job: FolderJob): Promise<boolean> {
  const stored = await ctx.syncStates?.get(pairKey(ctx), job.plan.source);
  const { source, destination } = job.listed ?? {};
  return !!(stored && source && destination && stored.destinationFolder === job.plan.destination && sameState(stored.source, source) && sameState(stored.destination, destination));
}

/**
 * Takes the folder from its sync state when it can. Returns the messages still to copy (none for
 * an unchanged folder), or undefined when the folder needs the full comparison; either way
 * `job.sync` is set up to collect the new state when the sides can give one.
 */
export async function fromSyncState(ctx: StepContext, lane: Lane, job: FolderJob, folder: DestinationFolder, counters: StepCounters): Promise<MessageSummary[] | undefined> {
  const { source, destination } = lane;
  if (!ctx.syncStates || !source.state || !source.changes || !destination.state || !destination.setFlags) return undefined;
  const stored = await ctx.syncStates.get(pairKey(ctx), job.plan.source);
  // A first pass only needs the source's state (taken before it is read); the destination's is taken at the end.
  const listed = job.listed ?? {};
  const [sourceNow, destinationNow] = await Promise.all([
    listed.source ?? source.state(job.plan.source),
    stored && (folder.path === job.plan.destination && listed.destination ? listed.destination : destination.state(folder)),
  ]);
  job.sync = { source: sourceNow, messages: [], complete: true };
  if (!stored || !destinationNow || stored.destinationFolder !== folder.path || !sameState(stored.destination, destinationNow) || stored.source.generation !== sourceNow.generation) return undefined;
  // A task resumed mid-folder: its own writes are claimed by the full comparison.
  if ((await ctx.journal.entries(ctx.taskId, { kind: 'message', folder: folder.path })).length > 0) return undefined;

  let toCopy: MessageSummary[] = [];
  let messages = stored.messages;
  // Without a modseq nothing tells whether flags changed: their FETCH is the one extra command.
  if (!sameState(stored.source, sourceNow) || sourceNow.modseq === undefined) {
    const changes = await source.changes(job.plan.source, stored.source);
    if (!changes) return undefined;
    messages = [...messages];
    const byRef = new Map(messages.flatMap((m, i) => (m[0] ? [[m[0], i] as const] : [])));
    // A source that lists changed messages with the new ones (Graph's delta): those paired already changed their flags.
    const added = changes.added.filter((m) => !byRef.has(m.ref));
    const changedFlags = [...changes.flags, ...changes.added.filter((m) => byRef.has(m.ref)).map((m): [string, string[]] => [m.ref, m.flags])];
    // Messages gone from the source since (moved away, deleted): the full comparison sorts that out.
    if (stored.source.count + added.length !== sourceNow.count) return undefined;
    const flagChanges: Array<[string, string[]]> = [];
    for (const [ref, flags] of changedFlags) {
      const i = byRef.get(ref);
      if (i === undefined || sameFlags(messages[i][3], flags)) continue;
      messages[i] = [messages[i][0], messages[i][1], messages[i][2], flags];
      flagChanges.push([messages[i][1], storableFlags(flags, stored.permanentFlags && new Set(stored.permanentFlags))]);
    }
    if (flagChanges.length) await destination.setFlags(folder, flagChanges);
    // New source messages pair, by dedupe key, with destination messages no source message had.
    const unpaired = messages.flatMap((m, i) => (m[0] ? [] : [{ id: m[1], dedupeKey: m[2], i }]));
    const match = matchMessages(added, unpaired, new Set());
    const at = new Map(unpaired.map((u) => [u.id, u.i]));
    for (const m of match.alreadyPresent) {
      const id = match.pairedWith.get(m.ref)!;
      messages[at.get(id)!] = [m.ref, id, m.dedupeKey, m.flags];
    }
    toCopy = match.toCopy;
  }
  const changed = messages !== stored.messages || !sameState(stored.source, sourceNow);
  job.sync = { source: sourceNow, permanentFlags: stored.permanentFlags, messages, complete: true, changed };
  if (!changed) job.unchangedAt = destinationNow;
  job.contents = { generation: destinationNow.generation, watermark: destinationNow.next, permanentFlags: stored.permanentFlags && new Set(stored.permanentFlags), messages: [] };

  // Everything at the source but what is to be copied is at the destination already.
  const report = job.report;
  const present = sourceNow.count - toCopy.length;
  counters.copied -= report.copied;
  counters.alreadyPresent += present - report.alreadyPresent;
  counters.bytes -= report.bytes;
  counters.total += sourceNow.count - report.sourceCount;
  Object.assign(report, { sourceCount: sourceNow.count, copied: 0, alreadyPresent: present, bytes: 0 });
  await ctx.tasks.saveFolderReport(ctx.taskId, report);
  return toCopy;
}

/** After the full comparison: what it paired, and the destination's unpaired messages, start the folder's new state. */
export function pairedByScan(job: FolderJob, sourceMessages: MessageSummary[], destination: StoredMessage[], pairedWith: Map<string, string>, permanentFlags: Set<string> | undefined): void {
  if (!job.sync) return;
  job.sync.permanentFlags = permanentFlags && [...permanentFlags];
  for (const m of sourceMessages) {
    const id = pairedWith.get(m.ref);
    if (id !== undefined) job.sync.messages.push([m.ref, id, m.dedupeKey, m.flags]);
  }
  const paired = new Set(pairedWith.values());
  for (const m of destination) if (!paired.has(m.id)) job.sync.messages.push(['', m.id, m.dedupeKey, []]);
}

/** Once the folder is done: its new state, when every message is accounted for on both sides. */
export async function saveSyncState(ctx: StepContext, lane: Lane, job: FolderJob): Promise<number> {
  const folder = job.folder!;
  const sync = job.sync;
  const usable = ctx.syncStates && sync?.complete && job.report.failed === 0 && lane.destination.state;
  if (!usable) {
    // A state this pass could not renew would be stale: the next pass compares in full.
    if (sync) await ctx.syncStates?.drop(pairKey(ctx), job.plan.source);
    return job.unchangedAt?.count ?? job.knownDestination?.count ?? lane.destination.count(folder);
  }
  // An unchanged folder's state stays as it is: nothing to write.
  if (job.unchangedAt && !sync.changed) return job.unchangedAt.count;
  const destinationNow = job.knownDestination ?? (await lane.destination.state!(folder));
  // A source with a change cursor: the next pass reads from where this one ended.
  const cursor = lane.source.cursor?.(job.plan.source);
  const source = cursor ? { ...sync.source, cursor } : sync.source;
  await ctx.syncStates!.put(pairKey(ctx), job.plan.source, { destinationFolder: folder.path, source, destination: destinationNow, permanentFlags: sync.permanentFlags, messages: sync.messages });
  return destinationNow.count;
}
