import type { FolderReport } from '../task';
import type { ItemKind } from '../items';
import { boundedSubject, boundedWords, categorize, type FailureFacts } from '../failure-category';
import type { StepContext } from './context';

/** Distinct reasons kept per folder; more are counted together. */
const MAX_REASONS = 10;
const OTHER = 'other reasons';

/** One item that failed (or `count` items never tried one by one), and what is known of it. */
export interface ItemFailure {
  kind: ItemKind;
  /** The folder report's line for it (its reason, as the report has always said it). */
  reason: string;
  /** What decides its category; `facts.text` is the server's own words. */
  facts: FailureFacts;
  /** Where it is: its date, subject and source id, when known. */
  item?: { date?: Date; subject?: string; id?: string };
  count?: number;
}

/**
 * Counts an item's failure in its folder's report, under the server's own words, and keeps the
 * item in the task's failed items with its category (bounded, without the task's secrets).
 */
export async function recordFailure(ctx: Pick<StepContext, 'taskId' | 'tasks' | 'source' | 'destination'>, report: FolderReport, failure: ItemFailure): Promise<void> {
  const count = failure.count ?? 1;
  report.failed += count;
  const failures = (report.failures ??= []);
  const key = failures.some((f) => f.reason === failure.reason) || failures.length < MAX_REASONS - 1 ? failure.reason : OTHER;
  const same = failures.find((f) => f.reason === key);
  if (same) same.count += count;
  else failures.push({ reason: key, count });
  const secrets = [ctx.source.password, ctx.destination.password, ctx.source.pim?.password, ctx.destination.pim?.password];
  const { item } = failure;
  const date = item?.date && !Number.isNaN(item.date.getTime()) ? item.date.toISOString() : undefined;
  await ctx.tasks.failed.add(ctx.taskId, {
    kind: failure.kind,
    category: categorize(failure.facts),
    reason: boundedWords(failure.facts.text, secrets),
    folder: report.sourceFolder,
    ...(date ? { date } : {}),
    ...(item?.subject ? { subject: boundedSubject(item.subject) } : {}),
    ...(item?.id ? { id: item.id } : {}),
    count,
  });
}
