import type { StepContext, StepResult } from '../context';
import type { StepCounters } from '../../task';
import type { DestinationFolder, FolderTree, MessageBytes, RawMessage } from '../../ports/mail';
import { TernError, isRetryable } from '../../errors';
import { planFolders } from '../folder-map';
import { closeLane, laneCount, openLane, openLanes, type Lane } from '../email/lanes';
import { cancelPending, forgetMessages, planJobs, plannedBytes, verifyFolder, type CopyChunk, type FolderJob } from '../email/folder-job';
import { WorkQueue } from '../email/work-queue';
import { scanFolderJob } from '../email/scan-folder';
import { copyChunk } from '../email/copy-chunk';
import { release } from '../../ports/message-bytes';
import { looksUnchanged, pairKey, saveSyncState } from '../email/sync-state';
import { selectFolders } from '../email/selection';
import { selectsMessages } from '../../options';
import { recordFailure } from '../failures';
import { factsOf } from '../../failure-category';

const SCAN_ATTEMPTS = 3;
/**
 * Bytes of messages a lane has read and not yet seen answered by the destination. Batches are
 * written one after the other without waiting for the previous one's answers (the pipeline never
 * drains), until this many bytes wait; then the lane waits for answers, not for a whole batch.
 */
const LANE_WINDOW_BYTES = 2 * 1024 * 1024;
// With the batch being read (at most 1 MiB, see scan-folder.ts), a lane holds at most about 3 MiB of messages.

/**
 * The e-mail step, for any source and any destination. Folders are scanned and copied by a few
 * lanes (one source connection and one destination session each); a large folder's batches are
 * shared among idle lanes, and each lane reads its next batch while earlier ones are being written.
 * Cancel lets folders already started finish and marks the others cancelled.
 */
export async function runEmailStep(step: StepContext): Promise<StepResult> {
  // A folder's re-run state records every message on both sides: with messages left out by the
  // task's options it would not hold, so such a task compares each folder in full.
  const ctx: StepContext = selectsMessages(step.options) ? { ...step, syncStates: undefined } : step;
  // Lanes beyond the first, being opened; closed in `finally` whatever happens. A first pass
  // between these accounts copies every folder, so they log in alongside the first one.
  let more: Promise<Lane[]> | undefined = (await isFirstPass(ctx)) ? laneCount(ctx, Infinity).then((wanted) => openLanes(ctx, wanted - 1)) : undefined;
  more?.catch(() => {});
  const lanes: Lane[] = [];
  try {
    const planner = await openLane(ctx, { planning: true });
    lanes.push(planner);
    await noteWritePath(ctx, planner.writePath);
    const [sourceTree, destinationTree] = await Promise.all([planner.source.folders(), planner.destinationFolders ?? planner.destination.folders()]);
    const plans = selectFolders(ctx.options, sourceTree, planFolders(sourceTree, destinationTree)).filter((p) => p.copyMessages);
    // Folders are made through one session, once each, and journaled as soon as they exist.
    const ensured = new Map<string, Promise<{ folder: DestinationFolder; note?: string }>>();
    const ensure = (path: string) => {
      let pending = ensured.get(path);
      if (!pending) {
        pending = planner.destination.ensureFolder(path, async (f) => void (await ctx.journal.record(ctx.taskId, 'folder', { folder: f.path, key: 'mail', ref: f.id })));
        ensured.set(path, pending);
        pending.catch(() => ensured.delete(path));
      }
      return pending;
    };

    const counters: StepCounters = { total: 0, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 };
    const listedStates = (tree: FolderTree) => new Map(tree.folders.flatMap((f) => (f.state ? [[f.path, f.state] as const] : [])));
    const jobs = await planJobs(ctx, planner.source, plans, counters, { source: listedStates(sourceTree), destination: listedStates(destinationTree) });
    // The other lanes log in while the first one starts; only as many as folders that look changed (a re-run may need none).
    if (!more) {
      const changed = (await Promise.all(jobs.map((job) => looksUnchanged(ctx, job)))).filter((unchanged) => !unchanged).length;
      more = laneCount(ctx, changed).then((wanted) => openLanes(ctx, wanted - 1));
    }
    more.catch(() => {});
    // Counters change with every message; the throttle persists and publishes them at most every
    // 500 ms, and only then are they copied and the bytes to move added up (a loop over the folders).
    const publish = (current?: string) =>
      ctx.progress.update(() => {
        counters.totalBytes = plannedBytes(jobs);
        return { taskId: ctx.taskId, step: 'emails', counters: { ...counters }, current, at: Date.now() };
      });
    publish();

    const work = new WorkQueue(jobs);
    let cancelled = false;
    // The first failure of any lane stops them all: no new work is handed out, nothing is left
    // waiting, and every promise has a handler (a worker must never die of a server's failure).
    let failure: { error: unknown } | undefined;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const fail = (error: unknown) => {
      failure ??= { error };
      work.stop();
      stop();
    };
    const finishFolder = async (lane: Lane, job: FolderJob, batches: Promise<void>) => {
      await Promise.race([batches, stopped]);
      if (failure) return;
      job.report.destinationCount = await saveSyncState(ctx, lane, job);
      job.report.warning = verifyFolder(job.report);
      job.report.status = 'done';
      await ctx.tasks.saveFolderReport(ctx.taskId, job.report);
      forgetMessages(job);
      publish(job.plan.source);
    };
    /** Takes work until there is none (or a lane failed); folders it scanned are finished in `finishing`. */
    const takeWork = async (lane: Lane, finishing: Promise<void>[]) => {
      // Batches written and not yet all answered, and their bytes: the lane reads its next batch
      // while these are on the wire, once they are fewer than the window.
      const writing = new Set<Promise<void>>();
      let bytesWriting = 0;
      // The folder this lane's source has open: its batches are taken first.
      let lastFolder: FolderJob | undefined;
      try {
        while (!failure) {
          while (!failure && bytesWriting >= LANE_WINDOW_BYTES) await Promise.race(writing);
          // Between batches: a run told to stop (its worker shuts down, it lost its task) starts
          // nothing more; the batches on the wire are answered and journaled (the finally below).
          await ctx.ensureRunning();
          const next = await work.next(async () => {
            cancelled ||= await ctx.cancelRequested();
            return !cancelled;
          }, lastFolder);
          if (!next) return;
          lastFolder = 'messages' in next ? next.job : next;
          if ('messages' in next) {
            const raws = await read(lane, next);
            try {
              await ctx.ensureRunning();
            } catch (err) {
              // Told to stop while reading: the batch read is not sent, and its spooled files go.
              await Promise.all([...raws.values()].map((raw) => release(raw).catch(() => {})));
              throw err;
            }
            const bytes = [...raws.values()].reduce((n, raw) => n + raw.length, 0);
            bytesWriting += bytes;
            const written: Promise<void> = copyChunk(ctx, lane, next, raws, counters, () => publish(next.job.plan.source))
              .then(() => {
                if (--next.job.pendingChunks === 0) next.job.done?.();
              })
              .catch(fail)
              .finally(() => {
                bytesWriting -= bytes;
                writing.delete(written);
              });
            writing.add(written);
            continue;
          }
          const job = next;
          job.report.status = 'running';
          await ctx.tasks.saveFolderReport(ctx.taskId, job.report);
          let batches: Promise<void>;
          try {
            const chunks = (await scanWithRetry(ctx, lane, ensure, job, counters, () => Promise.all(writing))).map((messages): CopyChunk => ({ job, messages }));
            job.pendingChunks = chunks.length;
            batches = chunks.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => (job.done = resolve));
            work.addChunks(chunks);
          } catch (err) {
            if (!(err instanceof TernError) || err.code !== 'FOLDER_REFUSED') throw err;
            await folderRefused(ctx, job, err, counters);
            publish(job.plan.source);
            continue;
          } finally {
            work.scanned();
          }
          publish(job.plan.source);
          // Not awaited here: this lane goes on to help copy the folder's batches.
          finishing.push(finishFolder(lane, job, batches).catch(fail));
        }
      } finally {
        await Promise.all(writing);
      }
    };
    const runLane = async (lane: Lane) => {
      const finishing: Promise<void>[] = [];
      await takeWork(lane, finishing).catch(fail);
      await Promise.all(finishing);
    };
    // The first lane starts at once; the others join as they are logged in.
    const opening = more;
    const others = opening.then((opened) => {
      lanes.push(...opened);
      more = undefined;
      return Promise.all(opened.map(runLane));
    }, fail);
    await Promise.all([runLane(planner), others]);
    if (failure) {
      // What the folders under way got to is kept in their reports, failed where they stopped.
      for (const job of jobs.filter((j) => j.report.status === 'running')) await ctx.tasks.saveFolderReport(ctx.taskId, { ...job.report, status: 'failed' });
      publish();
      throw failure.error;
    }

    await cancelPending(ctx, jobs);
    publish();
    await ctx.progress.flush();
    return { cancelled, counters };
  } finally {
    if (more) lanes.push(...(await more.catch(() => [])));
    // Logging out costs each connection a round trip (50 ms and more to a distant server): the
    // step's outcome does not wait for it. closeLane never throws.
    void Promise.all(lanes.map(closeLane));
  }
}

/** The destination will not have this folder: its messages fail, with the server's words, and the other folders go on. */
async function folderRefused(ctx: StepContext, job: FolderJob, err: TernError, counters: StepCounters): Promise<void> {
  const unaccounted = job.report.sourceCount - job.report.copied - job.report.alreadyPresent - job.report.failed;
  if (unaccounted > 0) await recordFailure(ctx, job.report, { kind: 'emails', reason: err.userMessage, facts: factsOf(err), count: unaccounted });
  counters.failed += unaccounted;
  job.report.status = 'failed';
  job.report.warning = err.userMessage;
  await ctx.tasks.saveFolderReport(ctx.taskId, job.report);
  ctx.log.warn({ task: ctx.taskId, folder: job.plan.source, reason: err.userMessage }, 'the destination refused a folder');
}

/**
 * Scanning is idempotent, so a connection dropped while scanning (a server process may die under
 * load) is retried on fresh connections rather than failing the whole attempt.
 */
async function scanWithRetry(ctx: StepContext, lane: Lane, ensure: Parameters<typeof scanFolderJob>[2], job: FolderJob, counters: StepCounters, settled: () => Promise<unknown>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await scanFolderJob(ctx, lane, ensure, job, counters);
    } catch (err) {
      if (attempt >= SCAN_ATTEMPTS || !isRetryable(err)) throw err;
      ctx.log.warn({ task: ctx.taskId, folder: job.plan.source, code: (err as TernError).code }, 'connection lost while scanning a folder; reconnecting');
      await settled(); // the lane's writes still under way get their answers before its connections go
      await closeLane(lane);
      Object.assign(lane, await openLane(ctx));
    }
  }
}

/** A batch's messages from the lane's source, by ref. */
function read(lane: Lane, chunk: CopyChunk): Promise<Map<string, MessageBytes>> {
  return collect(lane.read(chunk.job.plan.source, chunk.messages.map((m) => m.ref)));
}

async function collect(messages: AsyncIterable<RawMessage>): Promise<Map<string, MessageBytes>> {
  const out = new Map<string, MessageBytes>();
  try {
    for await (const m of messages) out.set(m.ref, m.raw);
  } catch (err) {
    // What was spooled to disk before the read failed is not left behind.
    await Promise.all([...out.values()].map(release));
    throw err;
  }
  return out;
}

/**
 * A destination with more than one way to write (Microsoft 365: IMAP, Graph) says which it took:
 * a note on the task's card and status, beside the servers autodetection chose; once per task.
 */
async function noteWritePath(ctx: StepContext, writePath: string | undefined): Promise<void> {
  if (!writePath) return;
  const note = `e-mails to ${ctx.destination.user}: ${writePath}`;
  const log = await ctx.tasks.auditLog(ctx.taskId);
  if (!log.some((e) => e.action === 'account.detected' && e.detail === note)) await ctx.tasks.audit(ctx.taskId, 'worker', 'account.detected', note);
}

/** No state from an earlier pass between the same accounts (INBOX is on every pass): every folder will be read. */
async function isFirstPass(ctx: StepContext): Promise<boolean> {
  return !ctx.syncStates || !(await ctx.syncStates.get(pairKey(ctx), 'INBOX'));
}
