// Turns measured runs into table rows (median run of each configuration) and prints the table.
import type { ToolPass } from './mbsync';
import type { TernRunResult } from './tern-run';

export interface Row {
  name: string;
  ok: boolean;
  note?: string;
  messages: number;
  bytes: number;
  /** The median first run's wall time, and the fastest and slowest when repeated. */
  wallMs: number;
  rangeMs?: [number, number];
  peakRssMb?: number;
  peakHeapMb?: number;
  peakBuffersMb?: number;
  cpu: string;
  deltaMs: number;
  /** Time, delta time and CPU seconds as multiples of mbsync's in the same rounds (median of the paired ratios). */
  vsMbsync?: { time: number; delta: number; cpu?: number };
}

const MiB = 1024 * 1024;

/** The run with the median first-pass time (the lower one of the middle two for an even count). */
function median<T>(runs: T[], wallMs: (r: T) => number): { median: T; rangeMs?: [number, number] } {
  const sorted = [...runs].sort((a, b) => wallMs(a) - wallMs(b));
  const rangeMs: [number, number] | undefined = runs.length > 1 ? [wallMs(sorted[0]), wallMs(sorted[sorted.length - 1])] : undefined;
  return { median: sorted[Math.floor((sorted.length - 1) / 2)], rangeMs };
}

const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** Each Tern run divided by mbsync's run of the same round; the median of those ratios. */
function pairedRatios(runs: TernRunResult[], mbsync: Array<{ first: ToolPass; delta: ToolPass }>): Row['vsMbsync'] {
  const n = Math.min(runs.length, mbsync.length);
  if (n === 0) return undefined;
  const rounds = Array.from({ length: n }, (_, i) => ({ t: runs[i], m: mbsync[i] }));
  const cpus = rounds.filter(({ m }) => m.first.cpuSeconds).map(({ t, m }) => (t.first.ternCores * t.first.wallMs) / 1000 / m.first.cpuSeconds!);
  return {
    time: middle(rounds.map(({ t, m }) => t.first.wallMs / m.first.wallMs)),
    delta: middle(rounds.map(({ t, m }) => t.delta.wallMs / m.delta.wallMs)),
    cpu: cpus.length ? middle(cpus) : undefined,
  };
}

/** `checks` are one verification message (or undefined when fine) per run. */
export function ternRow(runs: TernRunResult[], expected: number, checks: Array<string | undefined>, label = '', mbsync?: Array<{ first: ToolPass; delta: ToolPass }>): Row {
  const problems = runs.flatMap(({ first, delta }, i) =>
    [
      first.status !== 'completed' && `first run ${first.status}: ${first.error}`,
      first.copied !== expected && `copied ${first.copied} of ${expected}`,
      first.failed > 0 && `${first.failed} failed`,
      delta.status !== 'completed' && `delta run ${delta.status}: ${delta.error}`,
      delta.copied !== 0 && `delta pass copied ${delta.copied}`,
      checks[i],
    ].filter((p): p is string => typeof p === 'string'),
  );
  const { median: m, rangeMs } = median(runs, (r) => r.first.wallMs);
  const { first, delta } = m;
  return {
    name: `Tern, ${m.connections} conn${label}`,
    ok: problems.length === 0,
    note: problems.join('; ') || undefined,
    messages: first.copied,
    bytes: first.bytes,
    wallMs: first.wallMs,
    rangeMs,
    peakRssMb: first.peakRssMb,
    peakHeapMb: first.peakHeapMb,
    peakBuffersMb: first.peakBuffersMb,
    cpu: `${first.ternCores.toFixed(2)} / ${first.machineCores?.toFixed(2) ?? '?'}  ELU ${first.eventLoopUtilization.toFixed(2)}`,
    deltaMs: delta.wallMs,
    vsMbsync: mbsync && pairedRatios(runs, mbsync),
  };
}

export function mbsyncRow(runs: Array<{ first: ToolPass; delta: ToolPass }>, dataset: { messages: number; bytes: number }, checks: Array<string | undefined>): Row {
  const problems = runs.flatMap(({ first, delta }, i) =>
    [first.exitCode !== 0 && `exit ${first.exitCode}`, delta.exitCode !== 0 && `delta exit ${delta.exitCode}`, checks[i]].filter((p): p is string => typeof p === 'string'),
  );
  const { median: m, rangeMs } = median(runs, (r) => r.first.wallMs);
  const { first, delta } = m;
  const cores = first.cpuSeconds === undefined ? '?' : (first.cpuSeconds / (first.wallMs / 1000)).toFixed(2);
  return {
    name: 'mbsync',
    ok: problems.length === 0,
    note: problems.join('; ') || undefined,
    messages: dataset.messages,
    bytes: dataset.bytes,
    wallMs: first.wallMs,
    rangeMs,
    peakRssMb: first.peakRssMb,
    cpu: `${cores} / ${first.machineCores?.toFixed(2) ?? '?'}`,
    deltaMs: delta.wallMs,
  };
}

export function printTable(rows: Row[]): void {
  const f = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));
  const repeated = rows.some((r) => r.rangeMs);
  const paired = rows.some((r) => r.vsMbsync);
  const x = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(2)}×`);
  const header = ['run', 'messages', 'MiB', 'time s', ...(repeated ? ['range s'] : []), ...(paired ? ['time ÷ mbsync'] : []), 'msg/s', 'MiB/s', 'peak RSS MiB', 'heap MiB', 'buffers MiB', 'CPU cores tool / machine', ...(paired ? ['CPU s ÷ mbsync'] : []), 'delta s', ...(paired ? ['delta ÷ mbsync'] : []), 'check'];
  const lines = rows.map((r) => {
    const s = r.wallMs / 1000;
    const range = r.rangeMs ? `${f(r.rangeMs[0] / 1000, 2)}–${f(r.rangeMs[1] / 1000, 2)}` : '-';
    const v = r.vsMbsync;
    return [
      r.name, String(r.messages), f(r.bytes / MiB), f(s, 2), ...(repeated ? [range] : []), ...(paired ? [x(v?.time)] : []),
      f(r.messages / s, 0), f(r.bytes / MiB / s), f(r.peakRssMb, 0), f(r.peakHeapMb, 0), f(r.peakBuffersMb, 0), r.cpu, ...(paired ? [x(v?.cpu)] : []),
      f(r.deltaMs / 1000, 2), ...(paired ? [x(v?.delta)] : []), r.ok ? 'ok' : `FAIL ${r.note ?? ''}`,
    ];
  });
  const left = new Set([0, header.indexOf('CPU cores tool / machine'), header.length - 1]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log([fmt(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...lines.map(fmt)].join('\n'));
}
