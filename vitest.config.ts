import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests start real server processes; each file runs in its own fork.
    pool: 'forks',
    // Three files at once even on two cores: most of a file's time is spent waiting on dwi, the
    // engine or Chromium. Files share their project's engine, so a test only counts what it
    // made (a file that prunes or restarts an engine starts its own).
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Pure functions: no engine, no build, nothing on the host (npm run test:unit).
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      // A real browser (Debian's Chromium) against the real dwi and engine.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
