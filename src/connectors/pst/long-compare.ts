import { createRequire } from 'node:module';

/**
 * pst-extractor 1.12 compares B-tree keys of ANSI files with `>` on Long objects, which compares
 * their decimal strings ("100" < "97"), so lookups in any multi-level ANSI B-tree fail. Giving
 * Long a numeric valueOf makes that comparison numeric. Only ever loaded inside the PST reader
 * thread (its own module graph), never in the bot or worker process.
 */
const Long = createRequire(import.meta.url)('long') as { prototype: { valueOf(): number; toNumber(): number } };
Long.prototype.valueOf = function valueOf(this: { toNumber(): number }) {
  return this.toNumber();
};
