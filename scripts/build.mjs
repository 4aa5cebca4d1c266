// Compiles the CLI into dist/ so that `tern` starts without compiling TypeScript (bin/tern.js
// falls back to tsx when dist/ is missing or older than the sources). Run by `npm run build`,
// and by `prepare` and `pretest`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

// Old chunks have hashed names: start clean so none lingers.
fs.rmSync(dist, { recursive: true, force: true });
await build({
  ...bundleOptions,
  absWorkingDir: root,
  entryPoints: {
    main: 'adapters/cli/main.ts',
    // The PST reader thread starts from its own file (src/connectors/pst/client.ts).
    'pst-thread': 'src/connectors/pst/thread.ts',
  },
  // Chunks stay next to the entries, so import.meta.url means dist/ in every one of them.
  outdir: dist,
  // Stack traces name the TypeScript files and lines; the sources themselves are not copied into
  // the maps, which Node then reads at every start (bin/tern.js enables source maps).
  sourcemap: true,
  sourcesContent: false,
});
// src/store/db.ts applies the SQL migrations (SQLite's, PostgreSQL's) from next to itself.
fs.cpSync(path.join(root, 'src/store/migrations'), path.join(dist, 'migrations'), { recursive: true });
fs.cpSync(path.join(root, 'src/store/migrations-pg'), path.join(dist, 'migrations-pg'), { recursive: true });
