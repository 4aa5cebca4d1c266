import type { TaskView } from '../src/task';

/** How far a task is, how fast it goes, and when it should end. */
export interface ProgressFigures {
  /** Items handled (copied, already there, failed) and to handle. */
  done: number;
  total: number;
  /** Bytes moved, and to move as far as known (0: unknown). */
  bytes: number;
  totalBytes: number;
  /** Seconds this pass has been running (or ran). */
  elapsed: number;
  messagesPerSecond?: number;
  bytesPerSecond?: number;
  /** Seconds left while running: from the bytes still to move when those are known, else from the items. */
  etaSeconds?: number;
}

/**
 * Progress of a task at `now`. The ETA is counted on bytes, which is what a copy's time follows
 * (one 20 MB message takes as long as thousands of small ones); items count only until the
 * e-mail step has scanned a folder. Never Infinity or NaN: unknown is undefined.
 */
export function progressFigures(t: TaskView, now = Date.now()): ProgressFigures {
  const done = t.steps.reduce((n, s) => n + s.copied + s.alreadyPresent + s.failed, 0);
  const total = t.steps.reduce((n, s) => n + s.total, 0);
  const bytes = t.steps.reduce((n, s) => n + s.bytes, 0);
  const totalBytes = t.steps.reduce((n, s) => n + Math.max(s.totalBytes ?? 0, s.bytes), 0);
  const startedAt = t.startedAt ? Date.parse(t.startedAt) : undefined;
  const elapsed = startedAt === undefined ? 0 : Math.max(0, ((t.endedAt ? Date.parse(t.endedAt) : now) - startedAt) / 1000);
  const figures: ProgressFigures = { done, total, bytes, totalBytes, elapsed };
  if (elapsed < 1) return figures;
  // A retry's pass counts from what the earlier passes had done: its own speed, not theirs.
  const base = t.passStart ?? { done: 0, bytes: 0 };
  const passDone = Math.max(0, done - base.done);
  const passBytes = Math.max(0, bytes - base.bytes);
  figures.messagesPerSecond = passDone / elapsed;
  figures.bytesPerSecond = passBytes / elapsed;
  if (t.status !== 'running') return figures;
  const bytesLeft = totalBytes - bytes;
  const hasBytes = t.steps.some((s) => (s.totalBytes ?? 0) > 0);
  // Bytes while some are left to move (the e-mail step); items for the steps after it.
  if (hasBytes && passBytes > 0 && bytesLeft > 0) figures.etaSeconds = bytesLeft / figures.bytesPerSecond;
  else if (passDone > 0 && total > done) figures.etaSeconds = (total - done) / figures.messagesPerSecond;
  return figures;
}

/** "12.5 msg/s" with a sensible precision. */
export function perSecond(n: number): string {
  return `${n >= 10 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)} msg/s`;
}
