import { defineConfig } from 'vitest/config';

/** The fault suite (`npm run test:faults`): workers killed, servers restarted, links cut. Minutes, not seconds. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    // Faults are timed against each other: one file at a time keeps them apart.
    maxWorkers: 1,
    pool: 'forks',
  },
});
