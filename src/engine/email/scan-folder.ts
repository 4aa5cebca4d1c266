import type { StepCounters } from '../../task';
import type { DestinationFolder } from '../../ports/mail';
import type { StepContext } from '../context';
import { claimIntents } from '../claims';
import type { Lane } from './lanes';
import { chunkMessages, matchMessages } from './match';
import type { FolderJob } from './folder-job';
import { fromSyncState, pairedByScan } from './sync-state';
import { leftOutNote, newestFirst, selectMessages } from './selection';

/**
 * Batches: a read brings at most this many messages or bytes into memory per lane. Each batch
 * costs the source one FETCH (a round trip), so they are large in count and small in bytes.
 */
const CHUNK_MESSAGES = 250;
const CHUNK_BYTES = 1024 * 1024;

/**
 * Scans both sides of one folder (the destination folder ensured first), claims this task's
 * earlier writes, recounts the folder from what is really there, and returns the batches still to
 * copy. When the last pass between the same accounts left a usable sync state, only what changed
 * since is read (sync-state.ts).
 */
export async function scanFolderJob(ctx: StepContext, lane: Lane, ensure: (path: string) => Promise<{ folder: DestinationFolder; note?: string }>, job: FolderJob, counters: StepCounters) {
  const ensured = await ensure(job.plan.destination);
  job.folder = ensured.folder;
  job.report.destinationFolder = ensured.folder.path;
  if (ensured.note && !job.report.note) job.report.note = ensured.note;
  // An empty source folder, as listed, has nothing to copy or compare: neither side is read (four
  // round trips saved), and the destination's state is the listed one when there is one.
  const listed = job.listed ?? {};
  if (listed.source?.count === 0) {
    job.knownDestination = ensured.folder.path === job.plan.destination ? listed.destination : undefined;
    // Both sides empty: that is the whole state, and the next pass finds the folder unchanged. A
    // destination holding messages gets no state from here (it would not know them to match against).
    if (job.knownDestination?.count === 0 && lane.source.state && lane.source.changes) job.sync = { source: listed.source, messages: [], complete: true };
    job.plannedBytes = 0;
    return [];
  }
  // A re-run: an unchanged folder costs a STATUS a side, a changed one only what changed.
  const changed = await fromSyncState(ctx, lane, job, ensured.folder, counters);
  if (changed) {
    job.plannedBytes = sizeOf(changed);
    return chunkMessages(ctx.options?.newestFirst ? newestFirst(changed) : changed, CHUNK_MESSAGES, CHUNK_BYTES);
  }

  // Both sides at once, on their own connections (a round trip saved per folder at a distance).
  const [scanned, contents] = await Promise.all([lane.source.scan(job.plan.source), lane.destination.scan(ensured.folder)]);
  // The task's options (date range, size cap, order) decide which source messages take part at all.
  const selection = selectMessages(ctx.options, scanned);
  const sourceMessages = selection.selected;
  const leftOut = leftOutNote(selection);
  if (leftOut && !job.report.note?.includes(leftOut)) job.report.note = job.report.note ? `${job.report.note}; ${leftOut}` : leftOut;
  // A source that could read only part of the folder (a damaged PST) says so in the report.
  const sourceNote = await lane.source.folderNote?.(job.plan.source);
  if (sourceNote && !job.report.note?.includes(sourceNote)) job.report.note = job.report.note ? `${job.report.note}; ${sourceNote}` : sourceNote;
  // The copies need the folder's generation, watermark and flags, not its list of messages (kept only while matching).
  job.contents = { ...contents, messages: [] };

  const entries = (await ctx.journal.entries(ctx.taskId, { kind: 'message', folder: ensured.folder.path })).filter((e) => e.scope === contents.generation);
  const candidates = contents.messages.map((m) => ({ id: m.id, key: m.dedupeKey, position: m.position, mark: m.mark }));
  const ours = await claimIntents(ctx.journal, ctx.taskId, entries, candidates, lane.destination.keepsMarks);
  const match = matchMessages(sourceMessages, contents.messages, ours);
  pairedByScan(job, sourceMessages, contents.messages, match.pairedWith, contents.permanentFlags);
  // Recount from what is really there: a resumed task must not count a message twice.
  const report = job.report;
  counters.copied += match.copiedBefore.length - report.copied;
  counters.alreadyPresent += match.alreadyPresent.length - report.alreadyPresent;
  const bytesBefore = match.copiedBefore.reduce((n, m) => n + m.size, 0);
  counters.bytes += bytesBefore - report.bytes;
  counters.total += sourceMessages.length - report.sourceCount;
  Object.assign(report, { sourceCount: sourceMessages.length, copied: match.copiedBefore.length, alreadyPresent: match.alreadyPresent.length, bytes: bytesBefore });
  await ctx.tasks.saveFolderReport(ctx.taskId, report);
  job.plannedBytes = bytesBefore + sizeOf(match.toCopy);
  return chunkMessages(match.toCopy, CHUNK_MESSAGES, CHUNK_BYTES);
}

const sizeOf = (messages: Array<{ size: number }>) => messages.reduce((n, m) => n + m.size, 0);
