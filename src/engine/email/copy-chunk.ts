import type { StepCounters } from '../../task';
import type { StepContext } from '../context';
import { MAILBOX_FULL_CODES } from '../../ports/mail';
import { TernError } from '../../errors';
import { markOf } from '../claims';
import type { Lane } from './lanes';
import type { CopyChunk } from './folder-job';
import { storableFlags } from './match';
import { recordFailure } from '../failures';
import { AnswerBatch } from './answer-batch';
import { subjectOf } from './subject';

/**
 * Writes one batch through the lane: every message is journaled as an intent before it is sent,
 * and the answers (ids) are journaled together in one transaction (AnswerBatch), so a worker
 * dying mid-batch loses nothing and copies nothing twice. A message the destination refuses fails alone.
 */
export async function copyChunk(ctx: StepContext, lane: Lane, chunk: CopyChunk, raws: Map<string, Buffer>, counters: StepCounters, publish: () => void): Promise<void> {
  const { job } = chunk;
  const folder = job.folder!;
  const contents = job.contents!;
  const batch = chunk.messages.flatMap((m) => {
    const raw = raws.get(m.ref);
    if (raw) return [{ summary: m, raw }];
    const why = 'could not be read from the source (gone since it was listed, or damaged)';
    recordFailure(ctx, job.report, { kind: 'emails', reason: why, facts: { text: why, atSource: true }, item: { date: m.internalDate, id: m.ref } });
    job.plannedBytes = Math.max(0, (job.plannedBytes ?? 0) - m.size);
    counters.failed++;
    ctx.log.warn({ task: ctx.taskId, folder: job.plan.source, ref: m.ref }, 'message vanished from the source before it could be copied');
    return [];
  });
  raws.clear();
  if (batch.length === 0) return;
  const ids = ctx.journal.intendAll(
    ctx.taskId,
    'message',
    batch.map((b) => ({ folder: folder.path, key: b.summary.dedupeKey, scope: contents.generation, watermark: contents.watermark })),
  );
  const outgoing = batch.map(({ summary: m, raw }, i) => ({
    raw,
    flags: storableFlags(m.flags, contents.permanentFlags),
    internalDate: m.internalDate,
    categories: m.categories,
    dedupeKey: m.dedupeKey,
    mark: markOf(ctx.taskId, ids[i]),
  }));
  const withoutId: number[] = [];
  let full = false;
  // The folder's next sync state pairs each copy with its destination id.
  const synced = (i: number, id: string) => job.sync?.messages.push([batch[i].summary.ref, id, batch[i].summary.dedupeKey, batch[i].summary.flags]);
  const answers = new AnswerBatch(ctx.journal);
  await lane.writer.write(folder, outgoing, (i, outcome) => {
    const size = batch[i].raw.length;
    if ('refused' in outcome) {
      full ||= outcome.code !== undefined && MAILBOX_FULL_CODES.has(outcome.code);
      answers.drop(ids[i]);
      const summary = batch[i].summary;
      recordFailure(ctx, job.report, {
        kind: 'emails',
        reason: `refused by the destination: ${outcome.refused}`,
        facts: { serverCode: outcome.code, text: outcome.refused },
        item: { date: summary.internalDate, subject: subjectOf(batch[i].raw), id: summary.ref },
      });
      // Not to be moved in this pass: the ETA counts without it.
      job.plannedBytes = Math.max(0, (job.plannedBytes ?? 0) - size);
      counters.failed++;
      ctx.log.warn({ task: ctx.taskId, folder: folder.path, size, reason: outcome.refused }, 'the destination refused a message');
    } else {
      if (outcome.id !== undefined && (outcome.generation === undefined || outcome.generation === contents.generation)) {
        answers.confirm(ids[i], outcome.id);
        synced(i, outcome.id);
      } else withoutId.push(i);
      job.report.copied++;
      job.report.bytes += size;
      counters.copied++;
      counters.bytes += size;
    }
    publish();
  }).finally(() => answers.flush());
  // A full mailbox takes nothing more: the copy stops here rather than fail message after message.
  if (full) throw await mailboxFull(lane);
  // Destinations that do not say the new id (IMAP without UIDPLUS): found by key above the watermark, one after the other.
  for (const i of withoutId) {
    const claimed = new Set(ctx.journal.entries(ctx.taskId, { kind: 'message', folder: folder.path }).flatMap((e) => (e.ref ? [e.ref] : [])));
    const found = (await lane.destination.findByKey(folder, batch[i].summary.dedupeKey, contents.watermark)).filter((id) => !claimed.has(id));
    if (found.length) {
      ctx.journal.confirm(ids[i], found[found.length - 1]);
      synced(i, found[found.length - 1]);
    } else if (job.sync) job.sync.complete = false;
  }
}

const size = (n: number) => (n < 1024 ** 2 ? `${Math.round(n / 1024)} KB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${(n / 1024 ** 3).toFixed(1)} GB`);

/** "the destination mailbox is full (1.9 of 2.0 MB)", with the quota when the server tells it. */
async function mailboxFull(lane: Lane): Promise<TernError> {
  const quota = await lane.destination.quota?.().catch(() => undefined);
  const how = quota ? ` (${size(quota.usedBytes)} of ${size(quota.limitBytes)})` : '';
  return new TernError('DESTINATION_FULL', `Destination: the mailbox is full${how}, so the copy stopped. Free some space or raise its quota, then run the same migration again: it goes on from where it stopped.`, { side: 'destination' });
}
