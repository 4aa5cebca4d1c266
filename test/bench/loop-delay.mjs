// Preloaded (`node --import`) into a process the chat bench spawns: how long that process's event
// loop was held up. SIGUSR2 writes the delays since the previous SIGUSR2 to
// $TERN_LOOP_DELAY_DIR/<pid>.json and starts again, so the bench measures exactly its rounds.
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const dir = process.env.TERN_LOOP_DELAY_DIR;
if (dir) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('SIGUSR2', () => {
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const report = { pid: process.pid, command: process.argv.slice(2).join(' '), p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
    fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(report));
    loop.reset();
  });
}
