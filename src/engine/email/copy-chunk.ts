import { sizeText } from '../../size-text';
import type { StepCounters } from '../../task';
import type { StepContext } from '../context';
import { MAILBOX_FULL_CODES, type MessageBytes, type WriteOutcome } from '../../ports/mail';
import { inMemory, release } from '../../ports/message-bytes';
import { TernError } from '../../errors';
import { markOf } from '../claims';
import type { Lane } from './lanes';
import type { CopyChunk } from './folder-job';
import { storableFlags } from './match';
import { recordFailure } from '../failures';
import { AnswerBatch } from './answer-batch';
import { PendingWrites } from '../pending-writes';
import { subjectOf, subjectOfBytes } from './subject';

/**
 * Writes one batch through the lane: every message is journaled as an intent before it is sent,
 * and the answers (ids) are journaled together in one transaction (AnswerBatch), so a worker
 * dying mid-batch loses nothing and copies nothing twice. A message the destination refuses fails alone.
 */
export async function copyChunk(ctx: StepContext, lane: Lane, chunk: CopyChunk, raws: Map<string, MessageBytes>, counters: StepCounters, publish: () => void): Promise<void> {
  const spooled = [...raws.values()];
  try {
    await copyRead(ctx, lane, chunk, raws, counters, publish);
  } finally {
    // Large messages spooled to disk by the source: their files go once written (or failed).
    await Promise.all(spooled.map((raw) => release(raw).catch(() => {})));
  }
}

async function copyRead(ctx: StepContext, lane: Lane, chunk: CopyChunk, raws: Map<string, MessageBytes>, counters: StepCounters, publish: () => void): Promise<void> {
  const { job } = chunk;
  const folder = job.folder!;
  const contents = job.contents!;
  // Failed items are stored as they come (answers come synchronously), and waited for below.
  const failures = new PendingWrites();
  const batch = chunk.messages.flatMap((m) => {
    const raw = raws.get(m.ref);
    if (raw) return [{ summary: m, raw }];
    const why = 'could not be read from the source (gone since it was listed, or damaged)';
    failures.add(recordFailure(ctx, job.report, { kind: 'emails', reason: why, facts: { text: why, atSource: true }, item: { date: m.internalDate, id: m.ref } }));
    job.plannedBytes = Math.max(0, (job.plannedBytes ?? 0) - m.size);
    counters.failed++;
    ctx.log.warn({ task: ctx.taskId, folder: job.plan.source, ref: m.ref }, 'message vanished from the source before it could be copied');
    return [];
  });
  raws.clear();
  await failures.done();
  if (batch.length === 0) return;
  const ids = await ctx.journal.intendAll(
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
  // Answers are handled synchronously: a spooled (large) message's subject, for the report of a
  // refusal, is read from its file beforehand (large messages are the ones refused as too large).
  const spooledSubjects = new Map(await Promise.all(batch.flatMap((b, i) => (Buffer.isBuffer(b.raw) ? [] : [subjectOfBytes(b.raw).then((s) => [i, s] as const)]))));
  const answeredOnes = new Set<number>();
  const answered = (i: number, outcome: WriteOutcome) => {
    answeredOnes.add(i);
    const size = batch[i].raw.length;
    if ('refused' in outcome) {
      full ||= outcome.code !== undefined && MAILBOX_FULL_CODES.has(outcome.code);
      answers.drop(ids[i]);
      const summary = batch[i].summary;
      failures.add(recordFailure(ctx, job.report, {
        kind: 'emails',
        reason: `refused by the destination: ${outcome.refused}`,
        facts: { serverCode: outcome.code, text: outcome.refused },
        item: { date: summary.internalDate, subject: Buffer.isBuffer(batch[i].raw) ? subjectOf(batch[i].raw) : spooledSubjects.get(i), id: summary.ref },
      }));
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
  };
  // A lane that cannot stream a spooled message from disk is given it in memory.
  const { writer } = lane;
  const written = writer.writeStreamed
    ? writer.writeStreamed(folder, outgoing, answered, ctx.stop)
    : Promise.all(outgoing.map(async (m) => ({ ...m, raw: await inMemory(m.raw) }))).then((inMemoryOnes) => writer.write(folder, inMemoryOnes, answered, ctx.stop));
  try {
    await written;
    // Stopped part-way (the run was told to stop): what the lane never sent was not written, so
    // its intent goes; the next run copies it.
    outgoing.forEach((_, i) => answeredOnes.has(i) || answers.drop(ids[i]));
  } finally {
    await Promise.all([answers.flush(), failures.done()]);
  }
  const unsent = outgoing.length - answeredOnes.size;
  // A full mailbox takes nothing more: the copy stops here rather than fail message after message.
  if (full) throw await mailboxFull(lane);
  // Destinations that do not say the new id (IMAP without UIDPLUS): found by key above the watermark, one after the other.
  for (const i of withoutId) {
    const claimed = new Set((await ctx.journal.entries(ctx.taskId, { kind: 'message', folder: folder.path })).flatMap((e) => (e.ref ? [e.ref] : [])));
    const found = (await lane.destination.findByKey(folder, batch[i].summary.dedupeKey, contents.watermark)).filter((id) => !claimed.has(id));
    if (found.length) {
      await ctx.journal.confirm(ids[i], found[found.length - 1]);
      synced(i, found[found.length - 1]);
    } else if (job.sync) job.sync.complete = false;
  }
  if (unsent > 0) {
    await ctx.ensureRunning();
    throw new Error(`the destination's write lane left ${unsent} message(s) unanswered without being told to stop (a bug)`);
  }
}

const size = sizeText;

/** "the destination mailbox is full (1.9 of 2.0 MB)", with the quota when the server tells it. */
async function mailboxFull(lane: Lane): Promise<TernError> {
  const quota = await lane.destination.quota?.().catch(() => undefined);
  const how = quota ? ` (${size(quota.usedBytes)} of ${size(quota.limitBytes)})` : '';
  return new TernError('DESTINATION_FULL', `Destination: the mailbox is full${how}, so the copy stopped. Free some space or raise its quota, then run the same migration again: it goes on from where it stopped.`, { side: 'destination' });
}
