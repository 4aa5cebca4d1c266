import type { StepContext } from '../context';
import type { StepCounters } from '../../task';
import { closeImap, imapError, openImap, type ImapSession } from '../../connectors/imap/session';
import { listFolders, countMessages } from '../../connectors/imap/folders';
import { appendMessage, findByKey, scanFolder } from '../../connectors/imap/messages';
import { AppendRefused, openAppendPipe, type AppendPipe } from '../../connectors/imap/append-pipe';
import { planFolders } from '../folder-map';
import { openSource, maxSourceConnections, type SourceSession } from '../sources';
import { DestinationFolders } from '../email/destination-folders';
import { chunkMessages, matchMessages, storableFlags } from '../email/match';
import { cancelPending, planJobs, verifyFolder, type CopyChunk, type FolderJob } from '../email/folder-job';
import { TernError, isTransient } from '../../errors';
import { runEmailStepToExchange } from '../email/to-exchange';

/** Batches: a FETCH brings at most this many messages or bytes into memory per connection. */
const CHUNK_MESSAGES = 100;
const CHUNK_BYTES = 16 * 1024 * 1024;
const SCAN_ATTEMPTS = 3;

interface Lane {
  source: SourceSession;
  destination: ImapSession;
  /** Pipelined APPENDs when the destination speaks LITERAL+; else APPENDs go through `destination`. */
  appender?: AppendPipe;
}

/**
 * The e-mail step. Folders are scanned and copied by a few lanes (one source and one destination
 * connection each); a large folder's batches are shared among idle lanes. Cancel lets folders
 * already started finish and marks the others cancelled.
 */
export async function runEmailStep(ctx: StepContext): Promise<{ cancelled: boolean }> {
  if (ctx.destination.protocol === 'ews') return runEmailStepToExchange(ctx);
  const lanes: Lane[] = [await openLane(ctx)];
  try {
    const sourceTree = await lanes[0].source.folders();
    const destinationTree = await atDestination(ctx, listFolders(lanes[0].destination));
    const plans = planFolders(sourceTree, destinationTree).filter((p) => p.copyMessages);
    const folders = new DestinationFolders(destinationTree, ctx.journal, ctx.taskId);

    const counters: StepCounters = { total: 0, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 };
    const jobs = await planJobs(ctx, lanes[0].source, plans, counters);
    // Counters change with every message; the throttle persists and publishes them at most every 500 ms.
    const publish = (current?: string) => {
      ctx.progress.update({ taskId: ctx.taskId, step: 'emails', counters: { ...counters }, current, at: Date.now() });
    };
    publish();

    const wanted = Math.min(maxSourceConnections(ctx.source, ctx.connectionsPerAccount), Math.max(1, jobs.length));
    for (let i = 1; i < wanted; i++) lanes.push(await openLane(ctx));

    const work = new WorkQueue(jobs);
    let cancelled = false;
    const finishFolder = async (lane: Lane, job: FolderJob, batches: Promise<void>) => {
      await batches;
      // Appends may have come through other connections: NOOP brings this session's view of a
      // selected folder up to date before it is counted.
      await atDestination(ctx, lane.destination.noop());
      job.report.destinationCount = await atDestination(ctx, countMessages(lane.destination, job.destinationPath!));
      job.report.warning = verifyFolder(job.report);
      job.report.status = 'done';
      ctx.tasks.saveFolderReport(ctx.taskId, job.report);
      publish(job.plan.source);
    };
    const runLane = async (lane: Lane) => {
      const finishing: Promise<void>[] = [];
      // The next batch is read on the source connection while this one is written on the
      // destination's: at most two batches per lane in memory.
      let ahead: Prefetched | undefined;
      try {
        for (;;) {
          const next =
            ahead?.chunk ??
            (await work.next(() => {
              cancelled ||= ctx.cancelRequested();
              return !cancelled;
            }));
          if (!next) break;
          if ('messages' in next) {
            const sources = await (ahead?.chunk === next ? ahead.sources : prefetch(lane, next).sources);
            // One source command at a time per connection: the next read starts once this one is in.
            const following = work.takeChunk();
            ahead = following && prefetch(lane, following);
            await copyChunk(ctx, lane, next, sources, counters, () => publish(next.job.plan.source));
            if (--next.job.pendingChunks === 0) next.job.done?.();
            continue;
          }
          const job = next;
          job.report.status = 'running';
          ctx.tasks.saveFolderReport(ctx.taskId, job.report);
          let batches: Promise<void>;
          try {
            const chunks = (await scanWithRetry(ctx, lane, folders, job, counters)).map((messages): CopyChunk => ({ job, messages }));
            job.pendingChunks = chunks.length;
            batches = chunks.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => (job.done = resolve));
            work.addChunks(chunks);
          } finally {
            work.scanned();
          }
          publish(job.plan.source);
          // Not awaited here: this lane goes on to help copy the folder's batches.
          finishing.push(finishFolder(lane, job, batches));
        }
      } finally {
        ahead = undefined;
      }
      await Promise.all(finishing);
    };
    await Promise.all(lanes.map(runLane));

    cancelPending(ctx, jobs);
    publish();
    await ctx.progress.flush();
    return { cancelled };
  } finally {
    await Promise.all(lanes.map(closeLane));
  }
}

/** A destination failure becomes a TernError naming the server (dropped connections are retried by the queue). */
function atDestination<T>(ctx: StepContext, operation: Promise<T>): Promise<T> {
  return operation.catch((err: unknown) => {
    throw imapError(err, ctx.destination);
  });
}

async function openLane(ctx: StepContext): Promise<Lane> {
  const source = await openSource(ctx.source, ctx.connectTimeoutMs);
  try {
    const destination = await openImap(ctx.destination, { timeoutMs: ctx.connectTimeoutMs });
    const appender = !ctx.imapPipelining ? undefined : await openAppendPipe(ctx.destination, ctx.connectTimeoutMs).catch(async (err: unknown) => {
      await closeImap(destination);
      throw err;
    });
    return { source, destination, appender };
  } catch (err) {
    await source.close();
    throw err;
  }
}

async function closeLane(lane: Lane): Promise<void> {
  await Promise.all([lane.source.close().catch(() => {}), closeImap(lane.destination), lane.appender?.close()]);
}

/**
 * Scanning is idempotent, so a connection dropped while scanning (a server process may die under
 * load) is retried on fresh connections rather than failing the whole attempt.
 */
async function scanWithRetry(ctx: StepContext, lane: Lane, folders: DestinationFolders, job: FolderJob, counters: StepCounters) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await scanFolderJob(ctx, lane, folders, job, counters);
    } catch (err) {
      if (attempt >= SCAN_ATTEMPTS || !isTransient(err)) throw err;
      ctx.log.warn({ task: ctx.taskId, folder: job.plan.source, code: (err as TernError).code }, 'connection lost while scanning a folder; reconnecting');
      await closeLane(lane);
      Object.assign(lane, await openLane(ctx));
    }
  }
}

/** Scans both sides of one folder, claims this task's earlier copies, and returns the batches to copy. */
async function scanFolderJob(ctx: StepContext, lane: Lane, folders: DestinationFolders, job: FolderJob, counters: StepCounters) {
  const ensured = await atDestination(ctx, folders.ensure(lane.destination, job.plan.destination));
  job.destinationPath = ensured.path;
  job.report.destinationFolder = ensured.path;
  if (ensured.note && !job.report.note) job.report.note = ensured.note;

  const sourceMessages = await lane.source.scan(job.plan.source);
  // A source that could read only part of the folder (a damaged PST) says so in the report.
  const sourceNote = await lane.source.folderNote?.(job.plan.source);
  if (sourceNote && !job.report.note?.includes(sourceNote)) job.report.note = job.report.note ? `${job.report.note}; ${sourceNote}` : sourceNote;
  const dest = await atDestination(ctx, scanFolder(lane.destination, ensured.path, { readOnly: false }));
  job.uidValidity = dest.uidValidity;
  job.uidNext = dest.uidNext;
  job.permanentFlags = dest.permanentFlags;

  const ourUids = claimJournal(ctx, ensured.path, dest);
  const match = matchMessages(sourceMessages, dest.messages, ourUids);
  // Recount from what is really there: a resumed task must not count a message twice.
  const before = job.report;
  counters.copied -= before.copied;
  counters.alreadyPresent -= before.alreadyPresent;
  counters.bytes -= before.bytes;
  counters.total += sourceMessages.length - before.sourceCount;
  before.sourceCount = sourceMessages.length;
  before.copied = match.copiedBefore.length;
  before.alreadyPresent = match.alreadyPresent.length;
  before.bytes = match.copiedBefore.reduce((n, m) => n + m.size, 0);
  counters.copied += before.copied;
  counters.alreadyPresent += before.alreadyPresent;
  counters.bytes += before.bytes;
  ctx.tasks.saveFolderReport(ctx.taskId, before);
  return chunkMessages(match.toCopy, CHUNK_MESSAGES, CHUNK_BYTES);
}

/**
 * The destination UIDs this task created in this folder. An intent without a UID (the worker
 * died between APPEND and journal) claims the matching message that appeared after it was written.
 */
function claimJournal(ctx: StepContext, folder: string, dest: { uidValidity: string; messages: Array<{ uid: number; dedupeKey: string }> }): Set<number> {
  const rows = ctx.journal.messages(ctx.taskId, folder).filter((r) => r.uidValidity === dest.uidValidity);
  const ours = new Set(rows.filter((r) => r.uid != null).map((r) => r.uid!));
  for (const row of rows.filter((r) => r.uid == null)) {
    const found = dest.messages.find((m) => m.dedupeKey === row.dedupeKey && m.uid >= (row.minUid ?? Infinity) && !ours.has(m.uid));
    if (found) {
      ctx.journal.confirm(row.id, found.uid);
      ours.add(found.uid);
    } else {
      ctx.journal.remove(row.id);
    }
  }
  return ours;
}

interface Prefetched {
  chunk: CopyChunk;
  sources: Promise<Map<string, Buffer>>;
}

function prefetch(lane: Lane, chunk: CopyChunk): Prefetched {
  const sources = lane.source.fetch(chunk.job.plan.source, chunk.messages.map((m) => m.ref));
  // Awaited later, or never when the lane fails meanwhile: no unhandled rejection either way.
  sources.catch(() => {});
  return { chunk, sources };
}

async function copyChunk(ctx: StepContext, lane: Lane, chunk: CopyChunk, sources: Map<string, Buffer>, counters: StepCounters, publish: () => void): Promise<void> {
  if (lane.appender) return copyChunkPipelined(ctx, lane, lane.appender, chunk, sources, counters, publish);
  const { job } = chunk;
  const folder = job.destinationPath!;
  for (const m of chunk.messages) {
    const raw = sources.get(m.ref);
    sources.delete(m.ref); // let the batch's memory go as it is written
    if (!raw) {
      job.report.failed++;
      counters.failed++;
      ctx.log.warn({ task: ctx.taskId, folder: job.plan.source, ref: m.ref }, 'message vanished from the source before it could be copied');
      continue;
    }
    const intent = ctx.journal.addMessageIntent(ctx.taskId, folder, job.uidValidity!, m.dedupeKey, job.uidNext!);
    try {
      const res = await appendMessage(lane.destination, folder, raw, storableFlags(m.flags, job.permanentFlags), m.internalDate);
      const uid = res.uid ?? (await findAppendedUid(ctx, lane, folder, m.dedupeKey, job.uidNext!));
      if (uid !== undefined) ctx.journal.confirm(intent, uid);
      job.report.copied++;
      job.report.bytes += raw.length;
      counters.copied++;
      counters.bytes += raw.length;
    } catch (err) {
      if (!isRefusal(err)) throw imapError(err, ctx.destination);
      ctx.journal.remove(intent);
      job.report.failed++;
      counters.failed++;
      ctx.log.warn({ task: ctx.taskId, folder, size: m.size, reason: (err as { responseText?: string }).responseText }, 'the destination refused a message');
    }
    publish();
  }
}

/**
 * The same as copyChunk with the APPENDs on the wire together: each is journaled (intent) before
 * it is sent and confirmed when its answer comes, so a worker dying mid-batch loses nothing.
 */
async function copyChunkPipelined(ctx: StepContext, lane: Lane, pipe: AppendPipe, chunk: CopyChunk, sources: Map<string, Buffer>, counters: StepCounters, publish: () => void): Promise<void> {
  const { job } = chunk;
  const folder = job.destinationPath!;
  const withoutUid: Array<{ intent: number; key: string }> = [];
  const sent: Promise<void>[] = [];
  for (const m of chunk.messages) {
    const raw = sources.get(m.ref);
    sources.delete(m.ref);
    if (!raw) {
      job.report.failed++;
      counters.failed++;
      ctx.log.warn({ task: ctx.taskId, folder: job.plan.source, ref: m.ref }, 'message vanished from the source before it could be copied');
      continue;
    }
    const intent = ctx.journal.addMessageIntent(ctx.taskId, folder, job.uidValidity!, m.dedupeKey, job.uidNext!);
    const size = raw.length;
    const answered = pipe.append(folder, raw, storableFlags(m.flags, job.permanentFlags), m.internalDate).then(
      (res) => {
        if (res.uid !== undefined && res.uidValidity === job.uidValidity) ctx.journal.confirm(intent, res.uid);
        else withoutUid.push({ intent, key: m.dedupeKey });
        job.report.copied++;
        job.report.bytes += size;
        counters.copied++;
        counters.bytes += size;
        publish();
      },
      (err: unknown) => {
        if (!(err instanceof AppendRefused)) throw err;
        ctx.journal.remove(intent);
        job.report.failed++;
        counters.failed++;
        ctx.log.warn({ task: ctx.taskId, folder, size, reason: err.responseText }, 'the destination refused a message');
        publish();
      },
    );
    sent.push(answered);
  }
  const settled = await Promise.allSettled(sent);
  const broken = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (broken) throw broken.reason;
  // Servers without UIDPLUS: find each new message by its key, one after the other.
  for (const { intent, key } of withoutUid) {
    const uid = await findAppendedUid(ctx, lane, folder, key, job.uidNext!);
    if (uid !== undefined) ctx.journal.confirm(intent, uid);
  }
}

/** Without UIDPLUS: the newest message with this key, above where this task started writing, not yet claimed. */
async function findAppendedUid(ctx: StepContext, lane: Lane, folder: string, key: string, minUid: number): Promise<number | undefined> {
  const claimed = new Set(ctx.journal.messages(ctx.taskId, folder).map((r) => r.uid));
  const candidates = (await atDestination(ctx, findByKey(lane.destination, folder, key, minUid))).filter((uid) => !claimed.has(uid));
  return candidates.length ? Math.max(...candidates) : undefined;
}

/** A NO/BAD answer to one APPEND (message too large, refused): that message fails, the step goes on. */
function isRefusal(err: unknown): boolean {
  if (err instanceof TernError) return false;
  const status = (err as { responseStatus?: string }).responseStatus;
  return status === 'NO' || status === 'BAD';
}

/**
 * Hands out work to lanes: batches of started folders first (so started folders finish), then
 * new folders while `mayStart()` (false once cancel was asked). Lanes with nothing to do wait for
 * folders being scanned, which may yet queue batches.
 */
class WorkQueue {
  private readonly folders: FolderJob[];
  private readonly chunks: CopyChunk[] = [];
  private scanning = 0;
  private wake: Array<() => void> = [];

  constructor(jobs: FolderJob[]) {
    this.folders = [...jobs];
  }

  /** A batch that is ready now, without waiting (for reading ahead). */
  takeChunk(): CopyChunk | undefined {
    return this.chunks.shift();
  }

  addChunks(chunks: CopyChunk[]): void {
    this.chunks.push(...chunks);
    this.notify();
  }

  async next(mayStart: () => boolean): Promise<CopyChunk | FolderJob | undefined> {
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk) return chunk;
      if (this.folders.length > 0 && mayStart()) {
        this.scanning++;
        return this.folders.shift()!;
      }
      if (this.scanning === 0) return undefined;
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  /** A folder's scan ended (its batches, if any, were or will be added). */
  scanned(): void {
    this.scanning--;
    this.notify();
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }
}
