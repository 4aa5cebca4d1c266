import { statusText } from '../src/task';
import type { BatchView, RowProblem } from '../src/batch';
import { bytes } from './views';

/** Longest lists a card shows before "…and N more" (chat messages have size limits). */
const LIST_MAX = 10;

export const problemText = (p: RowProblem) => `line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.message}`;

/** The batch card, platform-neutral: a title, plain-text lines (escaped by each surface), and the buttons that apply now. */
export function batchCard(b: BatchView): { title: string; lines: string[]; canCancel: boolean; canRollback: boolean } {
  const counts = Object.entries(b.counts)
    .map(([s, n]) => `${n} ${statusText(s as never)}`)
    .join(' · ');
  const lines = [`${b.total} task${b.total === 1 ? '' : 's'}: ${counts || 'none'}`, `${b.copied} items copied (${bytes(b.bytes)})${b.throughput !== undefined ? `, ${b.throughput.toFixed(1)} items/s` : ''}`];
  if (b.slowest?.rate !== undefined) lines.push(`Slowest: ${b.slowest.id} (line ${b.slowest.line}) ${b.slowest.source}, ${b.slowest.rate.toFixed(1)} items/s`);
  const capped = <T>(list: T[], show: (t: T) => string) => [...list.slice(0, LIST_MAX).map(show), ...(list.length > LIST_MAX ? [`…and ${list.length - LIST_MAX} more`] : [])];
  lines.push(...capped(b.failed, (f) => `Failed: ${f.id} (line ${f.line}) ${f.source}: ${f.error ?? 'no reason given'}`));
  lines.push(...capped(b.refused, (p) => `Not queued: ${problemText(p)}`));
  const canCancel = b.tasks.some((t) => t.status === 'queued' || t.status === 'running');
  const canRollback = b.tasks.some((t) => ['completed', 'completed_with_errors', 'failed', 'cancelled'].includes(t.status));
  return { title: `Batch ${b.id} · ${b.name}${b.ended ? ' · ended' : ''}`, lines, canCancel, canRollback };
}
