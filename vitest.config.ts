import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suites start real servers; give them room, keep unit tests strict by their own speed.
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
