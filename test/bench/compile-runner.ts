// The measured Tern run as compiled JavaScript (BENCH_COMPILED, on by default): tern-run.ts and
// everything it imports bundled by esbuild as scripts/build.mjs bundles the CLI, so the run's
// memory and CPU are those of the compiled code users run, without tsx's loader thread (~50 MiB).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../../scripts/bundle-options.mjs';

/** Bundles `<checkout>/test/bench/tern-run.ts` into a temporary directory; returns the entry file. */
export async function compileRunner(checkout: string): Promise<string> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-bench-run-'));
  await build({
    absWorkingDir: checkout,
    entryPoints: { 'tern-run': 'test/bench/tern-run.ts' },
    outdir: out,
    ...bundleOptions,
    // Packages left external are resolved from the checkout's node_modules through this link.
  });
  fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
  fs.symlinkSync(path.join(checkout, 'node_modules'), path.join(out, 'node_modules'), 'dir');
  // src/store/db.ts applies the SQL migrations from next to itself.
  fs.cpSync(path.join(checkout, 'src/store/migrations'), path.join(out, 'migrations'), { recursive: true });
  return path.join(out, 'tern-run.js');
}
