import type { StepContext } from '../context';
import type { StepCounters } from '../../task';
import type { MessageSummary } from '../../connectors/types';
import type { EwsFolder, EwsSession, NewMessage } from '../../connectors/ews/types';
import { openEws } from '../../connectors/ews';
import { planFolders } from '../folder-map';
import { openSource, maxSourceConnections, exchangeDedupeKeys, type SourceSession } from '../sources';
import { ExchangeFolders, mailTree } from '../exchange-folders';
import { chunkMessages, matchMessages } from './match';
import { cancelPending, planJobs, verifyFolder, type FolderJob } from './folder-job';

/** CreateItem batches: a few messages per request keep requests small and the server busy. */
const CHUNK_MESSAGES = 20;
const CHUNK_BYTES = 16 * 1024 * 1024;

/** IMAP keywords that are client bookkeeping, not a user's labels: never made into categories. */
const NOT_CATEGORIES = new Set(['junk', 'nonjunk', 'notjunk']);

/**
 * The e-mail step into an Exchange mailbox, from any source (IMAP, POP3, PST, Exchange). A few
 * lanes (one source connection each) copy folders in parallel; within a lane the next batch is
 * read while the current one is written. Cancel lets started folders finish.
 */
export async function runEmailStepToExchange(ctx: StepContext): Promise<{ cancelled: boolean }> {
  const ews = await openEws(ctx.destination, { timeoutMs: ctx.connectTimeoutMs });
  const sources: SourceSession[] = [];
  try {
    sources.push(await openSource(ctx.source, ctx.connectTimeoutMs));
    const folders = await ExchangeFolders.load(ews, { journal: ctx.journal, taskId: ctx.taskId });
    const plans = planFolders(await sources[0].folders(), mailTree(folders.all)).filter((p) => p.copyMessages);

    const counters: StepCounters = { total: 0, copied: 0, alreadyPresent: 0, failed: 0, bytes: 0 };
    const jobs = await planJobs(ctx, sources[0], plans, counters);
    const publish = (current?: string) => ctx.progress.update({ taskId: ctx.taskId, step: 'emails', counters: { ...counters }, current, at: Date.now() });
    publish();

    const wanted = Math.min(maxSourceConnections(ctx.source, ctx.connectionsPerAccount), Math.max(1, jobs.length));
    while (sources.length < wanted) sources.push(await openSource(ctx.source, ctx.connectTimeoutMs));

    const waiting = [...jobs];
    let cancelled = false;
    await Promise.all(
      sources.map(async (source) => {
        for (;;) {
          cancelled ||= ctx.cancelRequested();
          const job = cancelled ? undefined : waiting.shift();
          if (!job) return;
          await copyFolder(ctx, ews, folders, source, job, counters, publish);
        }
      }),
    );
    cancelPending(ctx, jobs);
    publish();
    await ctx.progress.flush();
    return { cancelled };
  } finally {
    await Promise.all([...sources.map((s) => s.close().catch(() => {})), ews.close().catch(() => {})]);
  }
}

async function copyFolder(ctx: StepContext, ews: EwsSession, folders: ExchangeFolders, source: SourceSession, job: FolderJob, counters: StepCounters, publish: (current?: string) => void): Promise<void> {
  const { report } = job;
  report.status = 'running';
  ctx.tasks.saveFolderReport(ctx.taskId, report);
  const target = await folders.ensure(job.plan.destination);
  job.destinationPath = job.plan.destination;

  const sourceMessages = await source.scan(job.plan.source);
  const sourceNote = await source.folderNote?.(job.plan.source);
  if (sourceNote && !report.note?.includes(sourceNote)) report.note = report.note ? `${report.note}; ${sourceNote}` : sourceNote;

  const match = await matchAtDestination(ctx, ews, target, job.plan.destination, sourceMessages);
  // Recount from what is really there: a resumed task must not count a message twice.
  counters.copied += match.copiedBefore.length - report.copied;
  counters.alreadyPresent += match.alreadyPresent.length - report.alreadyPresent;
  const bytesBefore = match.copiedBefore.reduce((n, m) => n + m.size, 0);
  counters.bytes += bytesBefore - report.bytes;
  counters.total += sourceMessages.length - report.sourceCount;
  Object.assign(report, { sourceCount: sourceMessages.length, copied: match.copiedBefore.length, alreadyPresent: match.alreadyPresent.length, bytes: bytesBefore, failed: 0 });
  ctx.tasks.saveFolderReport(ctx.taskId, report);
  publish(job.plan.source);

  const chunks = chunkMessages(match.toCopy, CHUNK_MESSAGES, CHUNK_BYTES);
  const read = (chunk: MessageSummary[]) => {
    const p = source.fetch(job.plan.source, chunk.map((m) => m.ref));
    p.catch(() => {}); // awaited below, or dropped when the write before it failed
    return p;
  };
  let ahead = chunks.length ? read(chunks[0]) : undefined;
  for (let i = 0; i < chunks.length; i++) {
    const raws = await ahead!;
    ahead = i + 1 < chunks.length ? read(chunks[i + 1]) : undefined;
    await writeChunk(ctx, ews, target, job, chunks[i], raws, counters);
    publish(job.plan.source);
  }
  report.destinationCount = await ews.countItems(target.id);
  report.warning = verifyFolder(report);
  report.status = 'done';
  ctx.tasks.saveFolderReport(ctx.taskId, report);
}

/**
 * Pairs the folder's source messages with what the destination holds. Messages this task wrote
 * before (journaled ItemIds, or intents whose answer never came, claimed by their key) count as
 * copied; others with the same key were there before and are left alone.
 */
async function matchAtDestination(ctx: StepContext, ews: EwsSession, target: EwsFolder, folder: string, sourceMessages: MessageSummary[]) {
  const present = await ews.scanMessages(target.id);
  const keys = await exchangeDedupeKeys(ews, present);
  const rows = ctx.journal.refs(ctx.taskId, 'message', folder);
  const ours = new Set(rows.flatMap((r) => (r.ref ? [r.ref] : [])));
  for (const row of rows.filter((r) => !r.ref)) {
    const found = present.find((m) => keys.get(m.id) === row.key && !ours.has(m.id));
    if (found) {
      ctx.journal.confirmRef(row.id, found.id);
      ours.add(found.id);
    } else {
      ctx.journal.remove(row.id);
    }
  }
  const indexed = present.map((m, uid) => ({ uid, dedupeKey: keys.get(m.id)! }));
  const ourIndexes = new Set(present.flatMap((m, i) => (ours.has(m.id) ? [i] : [])));
  return matchMessages(sourceMessages, indexed, ourIndexes);
}

async function writeChunk(ctx: StepContext, ews: EwsSession, target: EwsFolder, job: FolderJob, chunk: MessageSummary[], raws: Map<string, Buffer>, counters: StepCounters): Promise<void> {
  const { report } = job;
  const batch: Array<{ summary: MessageSummary; intent: number; message: NewMessage }> = [];
  for (const m of chunk) {
    const mime = raws.get(m.ref);
    if (!mime) {
      report.failed++;
      counters.failed++;
      ctx.log.warn({ task: ctx.taskId, folder: job.plan.source, ref: m.ref }, 'message vanished from the source before it could be copied');
      continue;
    }
    const intent = ctx.journal.addRefIntent(ctx.taskId, 'message', job.plan.destination, m.dedupeKey);
    batch.push({ summary: m, intent, message: newMessage(m, mime) });
  }
  raws.clear();
  if (!batch.length) return;
  const results = await ews.createMessages(target.id, batch.map((b) => b.message));
  results.forEach((res, i) => {
    const { summary, intent, message } = batch[i];
    if ('id' in res) {
      ctx.journal.confirmRef(intent, res.id);
      report.copied++;
      report.bytes += message.mime.length;
      counters.copied++;
      counters.bytes += message.mime.length;
    } else {
      ctx.journal.remove(intent);
      report.failed++;
      counters.failed++;
      ctx.log.warn({ task: ctx.taskId, folder: job.plan.destination, size: summary.size, reason: res.error }, 'the destination refused a message');
    }
  });
}

/** Flags as Exchange properties: \Seen is the read state, \Flagged the follow-up flag, keywords categories. */
function newMessage(m: MessageSummary, mime: Buffer): NewMessage {
  const keywords = m.flags.filter((f) => !f.startsWith('\\') && !f.startsWith('$') && !NOT_CATEGORIES.has(f.toLowerCase()));
  return {
    mime,
    isRead: m.flags.includes('\\Seen'),
    flagged: m.flags.includes('\\Flagged'),
    categories: m.categories ?? keywords,
    receivedAt: m.internalDate?.toISOString(),
  };
}
