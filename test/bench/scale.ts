// `npm run bench:scale`: issue 21's scale target. The e-mail benchmark twice, on 5,000 messages in
// 50 folders and on 50,000 in 500 (the same messages per folder, ten times the folders and the
// large messages), one Tern configuration each, without mbsync; then the ratio of the two first-run
// times (target ≤ 10×: linear) and both peak RSS figures (target ≤ 150 MB, the same bound).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from './report';

const MAX_RATIO = 10;
const MAX_RSS_MB = 150;
const connections = process.env.BENCH_CONNECTIONS || '4';
const scales = [
  { folders: 50, large: 1 },
  { folders: 500, large: 10 },
];

const bench = fileURLToPath(new URL('./email-bench.ts', import.meta.url));
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-bench-scale-'));
const results = scales.map(({ folders, large }) => {
  const out = path.join(outDir, `${folders}.json`);
  process.stderr.write(`[scale] ${folders} folders × 100 messages\n`);
  const run = spawnSync(process.execPath, [...process.execArgv, bench], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_FOLDERS: String(folders), BENCH_MESSAGES_PER_FOLDER: '100', BENCH_LARGE: String(large), BENCH_CONNECTIONS: connections, BENCH_REPEAT: '1', BENCH_MBSYNC: '0', BENCH_OUT: out },
  });
  if (run.status !== 0) throw new Error(`the benchmark of ${folders} folders failed (exit ${run.status})`);
  const row = (JSON.parse(fs.readFileSync(out, 'utf8')) as { rows: Row[] }).rows[0];
  return { folders, messages: row.messages, wallMs: row.wallMs, deltaMs: row.deltaMs, peakRssMb: row.peakRssMb ?? NaN };
});
fs.rmSync(outDir, { recursive: true, force: true });

const [small, large] = results;
const ratio = large.wallMs / small.wallMs;
const ok = ratio <= MAX_RATIO && results.every((r) => r.peakRssMb <= MAX_RSS_MB);
console.log('\n| messages | folders | first run s | msg/s | delta s | peak RSS MiB |\n|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.messages} | ${r.folders} | ${(r.wallMs / 1000).toFixed(1)} | ${((r.messages / r.wallMs) * 1000).toFixed(0)} | ${(r.deltaMs / 1000).toFixed(2)} | ${r.peakRssMb.toFixed(0)} |`);
console.log(`\n${large.messages} messages took ${ratio.toFixed(1)}× the time of ${small.messages} (target ≤ ${MAX_RATIO}×); delta ${(large.deltaMs / small.deltaMs).toFixed(1)}×; peak RSS target ≤ ${MAX_RSS_MB} MiB: ${ok ? 'pass' : 'FAIL'}`);
process.exitCode = ok ? 0 : 1;
