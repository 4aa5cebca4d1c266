import type { PlanProbe } from '../../plan';
import type { MailSource, MessageSummary } from '../../ports/mail';

/** Round trips timed (the shortest counts: the others waited on something else). */
const ROUND_TRIPS = 3;
/** The read sample: enough bytes to see a throughput past the first round trip, little enough to take a second or two. */
const SAMPLE_BYTES = 2 * 1024 * 1024;
const SAMPLE_MESSAGES = 100;

/** The shortest time `call` takes, in ms. */
export async function roundTrip(call: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const started = performance.now();
    await call();
    best = Math.min(best, performance.now() - started);
  }
  return Math.max(0.1, Math.round(best * 10) / 10);
}

/** Reads a sample of messages still to copy (bytes only, nothing is written) and times it. */
export async function probeSource(source: MailSource, folder: string | undefined, candidates: MessageSummary[]): Promise<PlanProbe> {
  const roundTripMs = await roundTrip(() => (folder ? source.count(folder) : source.folders()));
  const sample: string[] = [];
  let planned = 0;
  for (const m of candidates) {
    if (sample.length >= SAMPLE_MESSAGES || planned >= SAMPLE_BYTES) break;
    sample.push(m.ref);
    planned += m.size;
  }
  if (!folder || sample.length === 0) return { roundTripMs };
  const started = performance.now();
  let bytes = 0;
  for await (const m of source.read(folder, sample)) bytes += m.raw.length;
  const seconds = (performance.now() - started) / 1000;
  return bytes > 0 && seconds > 0 ? { roundTripMs, bytesPerSecond: Math.round(bytes / seconds) } : { roundTripMs };
}

/** Writes a pipelining destination keeps on the wire at once (see append-pipe.ts), for the estimate. */
const PIPELINE_DEPTH = 8;

/**
 * Seconds the copy would take: reading the bytes at the measured rate plus a round trip per batch,
 * and a destination round trip per message (fewer, and overlapping the reads, when writes are
 * pipelined), shared among the lanes that would run at once. An estimate: servers under other load, or messages of very
 * different sizes, take longer.
 */
export function estimateSeconds(work: { messages: number; bytes: number; batches: number }, probe: { source?: PlanProbe; destination?: PlanProbe }, lanes: number, pipelining: boolean): number | undefined {
  if (work.messages === 0) return 0;
  if (!probe.source?.bytesPerSecond || !probe.destination) return undefined;
  const read = work.bytes / probe.source.bytesPerSecond + (work.batches * probe.source.roundTripMs) / 1000;
  const write = (work.messages * probe.destination.roundTripMs) / 1000 / (pipelining ? PIPELINE_DEPTH : 1);
  // A pipelining lane reads its next batch while the last one is written.
  const total = pipelining ? Math.max(read, write) : read + write;
  return Math.max(1, Math.round(total / Math.max(1, lanes)));
}
