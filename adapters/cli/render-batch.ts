import { statusText } from '../../src/task';
import type { BatchView, RowProblem } from '../../src/batch';
import type { BatchOutcome } from '../../src/service/batches';
import { formatBytes } from './render';

export const problemLine = (p: RowProblem) => `line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.message}`;

/** The batch card as text: counts by state, throughput, the slowest task, failures and refused rows. */
export function batchText(b: BatchView): string {
  const counts = Object.entries(b.counts)
    .map(([s, n]) => `${n} ${statusText(s as never)}`)
    .join(', ');
  const lines = [`${b.id}  ${b.name}  ${b.ended ? 'ended' : 'in progress'}`, `  ${b.total} task${b.total === 1 ? '' : 's'}: ${counts || 'none'}`, `  ${b.copied} items copied (${formatBytes(b.bytes)})${b.throughput !== undefined ? `, ${b.throughput.toFixed(1)} items/s` : ''}`];
  if (b.slowest?.rate !== undefined) lines.push(`  slowest: ${b.slowest.id} (line ${b.slowest.line}) ${b.slowest.source} -> ${b.slowest.destination}, ${b.slowest.rate.toFixed(1)} items/s`);
  for (const f of b.failed) lines.push(`  failed: ${f.id} (line ${f.line}) ${f.source}: ${f.error ?? 'no reason given'}`);
  for (const p of b.refused) lines.push(`  not queued: ${problemLine(p)}`);
  lines.push('  tasks:');
  for (const t of b.tasks) lines.push(`    line ${String(t.line).padEnd(4)} ${t.id}  ${statusText(t.status).padEnd(21)} ${t.source} -> ${t.destination}  ${t.done}/${t.total}`);
  return lines.join('\n');
}

/** What `tern batch` says once every row is checked. */
export function outcomeText(o: BatchOutcome, dryRun: boolean): string {
  const lines: string[] = [];
  const good = o.good.length;
  const bad = o.refused.length;
  if (dryRun) lines.push(`Dry run: ${good} row${good === 1 ? '' : 's'} would be queued, ${bad} refused. Nothing was queued.`);
  else if (o.batch) lines.push(`Batch ${o.batch.id} queued: ${good} task${good === 1 ? '' : 's'}${bad ? `, ${bad} row${bad === 1 ? '' : 's'} refused` : ''}. Follow it with tern status ${o.batch.id}.`);
  else lines.push(`Nothing queued: every row (${bad}) was refused.`);
  for (const g of o.good) lines.push(`  line ${g.line}: ${g.taskId ?? 'ok'}${g.detected.length ? ` (${g.detected.join('; ')})` : ''}`);
  for (const p of o.refused) lines.push(`  ${problemLine(p)}`);
  return lines.join('\n');
}
