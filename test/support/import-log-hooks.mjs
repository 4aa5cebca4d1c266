// The resolve hook of import-log.mjs (it runs in Node's loader thread).
import fs from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  fs.appendFileSync(process.env.TERN_IMPORT_LOG, result.url + '\n');
  return result;
}
