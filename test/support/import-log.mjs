// Preloaded with `node --import` by test/startup.test.ts: records every module the process loads,
// ES modules as they resolve (import-log-hooks.mjs) and CommonJS ones from the require cache at
// exit, one file URL or path a line, into the file named by TERN_IMPORT_LOG.
import fs from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.TERN_IMPORT_LOG;
if (file) {
  register('./import-log-hooks.mjs', import.meta.url);
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => fs.appendFileSync(file, Object.keys(cache).join('\n') + '\n'));
}
