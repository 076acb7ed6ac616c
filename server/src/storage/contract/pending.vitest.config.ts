import { defineConfig } from 'vitest/config';

/** Runs the storage contract's pending tests (`*.pending.ts`), which `npm test` leaves out: see concurrency.pending.ts. */
export default defineConfig({
  test: {
    globalSetup: ['server/src/testing/global-setup.ts'],
    include: ['server/src/storage/contract/*.pending.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
