import { defineConfig } from 'vitest/config';

/** `npm run bench` runs these once, one file at a time, printing figures; they assert nothing timed. */
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
  },
});
