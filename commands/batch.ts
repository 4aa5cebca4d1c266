import { parseBatchCsv, type SecretSources } from './batch-csv';
import { TernError } from '../src/errors';
import { normalizeBatchId } from '../src/ids';
import type { TernService } from '../src/service/service';
import type { Actor } from '../src/service/actor';
import type { BatchOutcome } from '../src/service/batches';
import type { BatchView } from '../src/batch';

/**
 * `tern batch FILE.csv` and a CSV shared in chat: parse every row, check every row (logins
 * included), then queue the good ones as one batch, unless a dry run. Refused rows come back by
 * line and column; they do not keep the good rows from going.
 */
export async function batch(service: TernService, req: { csv: string; name: string; dryRun?: boolean; secrets: SecretSources }, actor: Actor): Promise<BatchOutcome> {
  const { rows, problems } = parseBatchCsv(req.csv, req.secrets);
  if (rows.length === 0 && problems.length === 0) throw new TernError('BAD_BATCH', `${req.name} has a header but no rows: add one migration per line.`);
  return service.batches.run(rows, problems, { name: req.name, dryRun: Boolean(req.dryRun) }, actor);
}

/** Whether what a user typed is a batch ID (B-…) rather than a task ID. */
export const isBatchId = (id: string): boolean => normalizeBatchId(id) !== undefined;

export function batchStatus(service: TernService, req: { batchId: string }, actor: Actor): Promise<BatchView> {
  return service.batches.view(req.batchId, actor);
}

export function cancelBatch(service: TernService, req: { batchId: string }, actor: Actor) {
  return service.batches.cancel(req.batchId, actor);
}

export function rollbackBatch(service: TernService, req: { batchId: string }, actor: Actor) {
  return service.batches.rollback(req.batchId, actor);
}

/** Cancel or roll back one task of a batch, by its ID (the batch card's "One task…"). Returns the task's ID. */
export function actOnBatchTask(service: TernService, req: { batchId: string; taskId: string; action: 'cancel' | 'rollback' }, actor: Actor): Promise<string> {
  return service.batches.onTask(req.batchId, req.taskId, req.action, actor);
}
