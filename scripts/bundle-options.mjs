// esbuild options shared by the CLI's build (scripts/build.mjs) and the benchmark's compiled run
// (test/bench/compile-runner.ts), so that the benchmark measures what users run.

/**
 * Pure-ESM packages bundled into dist/ rather than loaded from node_modules: Node resolves and
 * compiles each file of a package separately, and these two are ~200 files that every command
 * reading the store loads (`tern list` took 0.39 CPU-s, 0.28 with them bundled). Packages that
 * are CommonJS (they `require` Node's modules), native (better-sqlite3) or start threads from
 * their own files (pino) stay external.
 */
export const BUNDLED_PACKAGES = ['zod', 'drizzle-orm'];

/** The package a bare import names: "drizzle-orm/sqlite-core" → "drizzle-orm", "@aws-sdk/x/y" → "@aws-sdk/x". */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every package external except BUNDLED_PACKAGES (esbuild's `packages: 'external'` takes no exceptions). */
export const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('node:') || !BUNDLED_PACKAGES.includes(packageOf(args.path)) ? { external: true } : undefined));
  },
};

/** Common options: ESM with code splitting (dynamic import()s become chunks loaded only by the commands that need them). */
export const bundleOptions = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalPackages],
  logLevel: 'warning',
};
