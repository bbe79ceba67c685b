import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    environment: 'node',
    // The server suite and the browser suite start real processes: give them room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The suites share one machine of two cores (each server test has its own PostgreSQL database: tests/server/harness.ts).
    fileParallelism: false,
  },
});
