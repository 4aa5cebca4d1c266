import type { FolderReport } from '../task';

/** Distinct reasons kept per folder; more are counted together. */
const MAX_REASONS = 10;
const OTHER = 'other reasons';

/** Counts an item's failure in its folder's report, under the server's own words. */
export function recordFailure(report: FolderReport, reason: string): void {
  report.failed++;
  const failures = (report.failures ??= []);
  const key = failures.some((f) => f.reason === reason) || failures.length < MAX_REASONS - 1 ? reason : OTHER;
  const same = failures.find((f) => f.reason === key);
  if (same) same.count++;
  else failures.push({ reason: key, count: 1 });
}
