// CalDAV/CardDAV benchmark: 1,000 events and 1,000 contacts (BENCH_DAV_ITEMS) from one Radicale
// user to another, then the same migration again (a delta pass that must copy nothing). Prints
// the wall time, items per second, memory peaks and the HTTP requests by method Radicale logged:
// reads are multigets (a few REPORTs per 100 items), writes one PUT per item.
// `npx tsx test/bench/dav-bench.ts`; see test/bench/README.md. Not a test: nothing is timed against a limit.
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { migrate } from '../../commands/migrate';
import { startRadicale } from '../support/radicale';
import { startRedis } from '../support/redis';
import { startTern } from '../support/tern';
import { sampleMemory } from './measure';

const COUNT = Number(process.env.BENCH_DAV_ITEMS ?? 1000);

const pad = (n: number) => String(n).padStart(2, '0');

function event(i: number): string {
  const day = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000);
  const ymd = `${day.getUTCFullYear()}${pad(day.getUTCMonth() + 1)}${pad(day.getUTCDate())}`;
  const recurring = i % 10 === 0 ? 'RRULE:FREQ=WEEKLY;COUNT=5\r\n' : '';
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bench//EN\r\nBEGIN:VEVENT\r\nUID:bench-event-${i}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:${ymd}T090000Z\r\nDTEND:${ymd}T100000Z\r\n${recurring}SUMMARY:Event ${i}\r\nLOCATION:Room ${i % 20}\r\nDESCRIPTION:${'Agenda line. '.repeat(1 + (i % 8))}\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Event ${i}\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
}

function contact(i: number): string {
  return `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-contact-${i}\r\nFN:Person ${i}\r\nN:${i};Person;;;\r\nEMAIL;TYPE=INTERNET:person${i}@bench.test\r\nTEL;TYPE=CELL:+1 555 ${String(i).padStart(4, '0')}\r\nORG:Company ${i % 50}\r\nNOTE:${'Notes. '.repeat(1 + (i % 5))}\r\nEND:VCARD\r\n`;
}

/** HTTP requests Radicale logged since `from` (bytes into its log), by method, with the seconds it spent answering them. */
async function requestsSince(log: string, from: number): Promise<{ counts: Record<string, string>; end: number }> {
  const text = await fs.readFile(log, 'utf8');
  const n: Record<string, number> = {};
  const seconds: Record<string, number> = {};
  for (const m of text.slice(from).matchAll(/\] (\w+) response status for .*? in ([\d.]+) seconds/g)) {
    n[m[1]] = (n[m[1]] ?? 0) + 1;
    seconds[m[1]] = (seconds[m[1]] ?? 0) + Number(m[2]);
  }
  const counts = Object.fromEntries(Object.entries(n).map(([method, count]) => [method, `${count} (server ${seconds[method].toFixed(1)} s)`]));
  return { counts, end: text.length };
}

const radicale = await startRadicale({ users: 'alice:alicepass bob:bobpass' });
const redis = await startRedis();
const tern = await startTern(redis.url);
try {
  // Seeded straight into Radicale's storage (the README's "data on disk"): 2,000 PUTs would only measure seeding.
  const root = path.join(radicale.dir, 'collections/collection-root/alice');
  for (let i = 0; i < COUNT; i++) {
    await fs.writeFile(path.join(root, 'calendar', `bench-event-${i}.ics`), event(i));
    await fs.writeFile(path.join(root, 'contacts', `bench-contact-${i}.vcf`), contact(i));
  }
  await tern.startWorker();
  const log = path.join(radicale.dir, 'radicale.log');
  let offset = (await fs.readFile(log, 'utf8')).length;
  const rows: string[] = [];
  for (const pass of ['first', 'delta']) {
    globalThis.gc?.();
    const memory = sampleMemory(100);
    const t0 = performance.now();
    const task = await migrate(
      tern.service,
      { from: `dav+http://alice:alicepass@127.0.0.1:${radicale.port}/`, to: `dav+http://bob:bobpass@127.0.0.1:${radicale.port}/`, items: 'contacts,calendars' },
      tern.actor,
    );
    const done = await tern.waitFor(task.id);
    const wallMs = performance.now() - t0;
    const peaks = memory.stop();
    const { counts, end } = await requestsSince(log, offset);
    offset = end;
    const steps = done.steps.map((s) => `${s.kind} ${s.copied} copied / ${s.alreadyPresent} present / ${s.failed} failed`).join('; ');
    const items = done.steps.reduce((n, s) => n + s.total, 0);
    rows.push(
      `${pass.padEnd(5)}  ${done.status.padEnd(9)}  ${(wallMs / 1000).toFixed(1).padStart(6)} s  ${((items / wallMs) * 1000).toFixed(0).padStart(5)} items/s  RSS ${peaks.peakRssMb.toFixed(0)} MB  heap ${peaks.peakHeapMb.toFixed(0)} MB\n       ${steps}\n       requests: ${Object.entries(counts).map(([m, n]) => `${m} ${n}`).join(', ')}`,
    );
    if (pass === 'delta' && done.steps.some((s) => s.copied > 0)) process.exitCode = 1;
    if (done.steps.some((s) => s.failed > 0 || s.total !== COUNT)) process.exitCode = 1;
  }
  console.log(`DAV → DAV, ${COUNT} events + ${COUNT} contacts (Radicale ${radicale.url})\n${rows.join('\n')}`);
} finally {
  await tern.close();
  await Promise.all([radicale.stop(), redis.stop()]);
}
