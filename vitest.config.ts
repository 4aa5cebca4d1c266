import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite runs on its own (npm run test:faults): it takes minutes.
    exclude: ['test/faults/**', 'node_modules/**'],
    // Integration tests start real Dovecot and Redis servers: give them time, and keep to the machine's 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 4,
    pool: 'forks',
    // TEST_STORE=postgres: every Tern the tests start keeps its store in PostgreSQL (DATABASE_URL).
    globalSetup: process.env.TEST_STORE === 'postgres' ? ['test/support/postgres-global.ts'] : [],
  },
});
