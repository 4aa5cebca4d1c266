// One measured Tern configuration, in a fresh child process (forked by email-bench.ts) so that
// its peak RSS and heap are its own: an in-process runtime and worker (startTern), a first
// migration, then the same migration again (a delta pass that must copy nothing).
import { performance } from 'node:perf_hooks';
import { ImapFlow } from 'imapflow';
import { migrate } from '../../commands/migrate';
import { startTern } from '../support/tern';
import { machineCpu, sampleMemory, type MemoryPeaks } from './measure';

export interface TernRunSpec {
  redisUrl: string;
  from: string;
  to: string;
  connections: number;
  /** false: a what-if that keeps imapflow from negotiating COMPRESS=DEFLATE (BENCH_IMAP_COMPRESS=off). */
  imapCompress: boolean;
}

export interface PassResult extends MemoryPeaks {
  status: string;
  error?: string;
  /** From the migrate call until the task was seen ended. */
  wallMs: number;
  /** The e-mail step's own start → end, as the engine recorded it. */
  stepMs: number;
  copied: number;
  alreadyPresent: number;
  failed: number;
  bytes: number;
  /** CPU seconds of this (Tern) process per wall second, and cores kept busy machine-wide. */
  ternCores: number;
  machineCores?: number;
  /** Share of the wall time the event loop was busy (near 1: the JS thread is the bottleneck). */
  eventLoopUtilization: number;
}

export interface TernRunResult {
  connections: number;
  baselineRssMb: number;
  first: PassResult;
  delta: PassResult;
}

const spec = JSON.parse(process.env.BENCH_RUN ?? '{}') as TernRunSpec;
if (!process.send) throw new Error('tern-run.ts is started by email-bench.ts (it reports over IPC)');
if (!spec.imapCompress) {
  // Test-side only: imapflow calls compress() after login when the server offers COMPRESS=DEFLATE.
  (ImapFlow.prototype as unknown as { compress: () => Promise<void> }).compress = async () => {};
}

const tern = await startTern(spec.redisUrl, { TERN_CONNECTIONS_PER_ACCOUNT: String(spec.connections) });
await tern.startWorker();

async function pass(): Promise<PassResult> {
  globalThis.gc?.(); // forked with --expose-gc: start each pass from a collected heap
  const memory = sampleMemory(100);
  const machine = machineCpu();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const task = await migrate(tern.service, { from: spec.from, to: spec.to }, tern.actor);
  const done = await tern.waitFor(task.id);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const step = done.steps[0];
  return {
    status: done.status,
    error: done.error,
    wallMs,
    stepMs: step.startedAt && step.endedAt ? Date.parse(step.endedAt) - Date.parse(step.startedAt) : NaN,
    copied: step.copied,
    alreadyPresent: step.alreadyPresent,
    failed: step.failed,
    bytes: step.bytes,
    ...memory.stop(),
    ternCores: (cpu.user + cpu.system) / 1000 / wallMs,
    machineCores: machine.stop(),
    eventLoopUtilization: elu.utilization,
  };
}

try {
  globalThis.gc?.();
  const baselineRssMb = process.memoryUsage().rss / 1024 / 1024;
  const first = await pass();
  const delta = await pass();
  const result: TernRunResult = { connections: spec.connections, baselineRssMb, first, delta };
  process.send(result);
} finally {
  await tern.close();
}
