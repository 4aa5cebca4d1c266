import { statusText, type TaskView } from '../../src/task';
import { itemLabel } from '../../src/items';
import { outcomeLines } from '../../src/outcome';
import { perSecond, progressFigures } from '../../commands/progress-figures';
import { duration, upFrontNotes } from '../../commands/views';

/** The task as one JSON object, for scripts: no secret can be in it, the store holds none. */
export function taskJson(t: TaskView) {
  return {
    id: t.id,
    status: t.status,
    cancelling: t.cancelling,
    waiting: t.waiting ?? null,
    source: t.source,
    destination: t.destination,
    items: t.items,
    // Kinds the destination takes in another shape, and what they become (contact groups into Microsoft 365).
    ...(upFrontNotes(t).length ? { reshaped: upFrontNotes(t) } : {}),
    ...(t.options ? { options: t.options } : {}),
    steps: t.steps.map((s) => ({ kind: s.kind, status: s.status, total: s.total, copied: s.copied, alreadyPresent: s.alreadyPresent, failed: s.failed, bytes: s.bytes })),
    folders: t.folders,
    error: t.error ?? null,
    rollbackError: t.rollbackError ?? null,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    endedAt: t.endedAt ?? null,
    rollbackUntil: t.rollbackUntil ?? null,
    // What the rollback left, and why (README: "rollbackNotes in --json").
    ...(t.rollbackNotes?.length ? { rollbackNotes: t.rollbackNotes } : {}),
    pass: t.pass,
    // The last pass's failed items: counts per category, the first 200 with where each is.
    failedItems: t.failedItems ?? null,
    progress: progressJson(t),
  };
}

/** Throughput and ETA, for scripts: numbers, null when unknown. */
function progressJson(t: TaskView) {
  const f = progressFigures(t);
  return { bytes: f.bytes, totalBytes: f.totalBytes, messagesPerSecond: f.messagesPerSecond ?? null, bytesPerSecond: f.bytesPerSecond ?? null, etaSeconds: f.etaSeconds ?? null };
}

/** "1,204/5,000 items · 12.5 msg/s · 3.2 MB/s · ETA 4m 10s", from the same figures as the chat cards. */
export function progressLine(t: TaskView): string {
  const f = progressFigures(t);
  return [
    `${f.done.toLocaleString('en-US')}/${f.total.toLocaleString('en-US')} items`,
    f.totalBytes > 0 ? `${formatBytes(f.bytes)} of ${formatBytes(f.totalBytes)}` : formatBytes(f.bytes),
    f.messagesPerSecond !== undefined ? perSecond(f.messagesPerSecond) : undefined,
    f.bytesPerSecond !== undefined ? `${formatBytes(f.bytesPerSecond)}/s` : undefined,
    f.etaSeconds !== undefined ? `ETA ${duration(f.etaSeconds)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

const statusLabel = (t: TaskView) => (t.cancelling ? `${t.status} (cancelling)` : t.waiting ? `${t.status} (waiting)` : statusText(t.status));

/** A human-readable report: header, steps with counters, then the per-folder verification. */
export function taskText(t: TaskView): string {
  const lines = [
    `${t.id}  ${statusLabel(t)}`,
    `  ${t.source} -> ${t.destination}`,
    `  created ${t.createdAt}${t.endedAt ? `, ended ${t.endedAt}` : ''}${t.rollbackUntil && t.canRollback ? `, rollback possible until ${t.rollbackUntil}` : ''}`,
  ];
  for (const n of upFrontNotes(t)) lines.push(`  ${n}`);
  if (t.pass > 1) lines.push(`  pass ${t.pass} (retried)`);
  if (t.startedAt) lines.push(`  ${progressLine(t)}`);
  if (t.waiting) lines.push(`  waiting since ${clock(t.waiting.since)}: ${t.waiting.reason}; next try at ${clock(t.waiting.nextTryAt)}`);
  if (t.cancelledBy) lines.push(`  cancel asked by ${t.cancelledBy}`);
  if (t.error) lines.push(`  error: ${t.error}`);
  if (t.rollbackError) lines.push(`  rollback error: ${t.rollbackError}`);
  if (t.notifyError) lines.push(`  notification e-mail not sent: ${t.notifyError}`);
  for (const n of t.rollbackNotes ?? []) lines.push(`  left by the rollback: ${n}`);
  for (const d of t.detected ?? []) lines.push(`  ${d}`);
  for (const s of t.steps) {
    lines.push(
      `  ${itemLabel(s.kind).padEnd(15)} ${s.status.padEnd(9)} ${s.copied} copied, ${s.alreadyPresent} already present, ${s.failed} failed of ${s.total} (${formatBytes(s.bytes)})`,
    );
  }
  if (t.folders.length) {
    lines.push('  folders (source -> destination: source count / copied / already present / failed / destination count):');
    for (const f of t.folders) {
      const dest = f.destinationCount === undefined ? '-' : String(f.destinationCount);
      lines.push(`    ${f.sourceFolder} -> ${f.destinationFolder}: ${f.sourceCount} / ${f.copied} / ${f.alreadyPresent} / ${f.failed} / ${dest}  ${f.status}`);
      if (f.note) lines.push(`      note: ${f.note}`);
      if (f.warning) lines.push(`      WARNING: ${f.warning}`);
      for (const x of f.failures ?? []) lines.push(`      failed: ${x.count} × ${x.reason}`);
    }
  }
  const outcome = outcomeLines(t, Infinity, '  ');
  if (outcome.length) lines.push('  failed items by category:', ...outcome.map((l) => `    ${l}`));
  return lines.join('\n');
}

/** "14:05:30 CET" of an ISO time: the terminal's own time zone (TZ), named. */
const clock = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { timeZoneName: 'short' });

export function taskLine(t: TaskView): string {
  const emails = t.steps.find((s) => s.kind === 'emails');
  const counts = emails ? `${emails.copied + emails.alreadyPresent}/${emails.total}` : '';
  return `${t.id}  ${statusLabel(t).padEnd(22)} ${counts.padEnd(12)} ${t.source} -> ${t.destination}  ${t.createdAt}`;
}
