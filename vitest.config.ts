import { defineConfig } from 'vitest/config';

/** Integration files run again on Node 24: HTTP and auth (the native addons), realtime, engine. */
const NODE24_FILES = ['http', 'auth', 'realtime', 'realtime-streams', 'engine-restart'];

export default defineConfig({
  test: {
    // Integration tests start real server processes; each file runs in its own fork.
    pool: 'forks',
    // One file at a time: on two cores the suite is CPU-bound (Chromium, dwi, dockerd), and three
    // at once saved little while starving timing-sensitive tests (exec hold-back). Files still
    // only count what they made (a file that prunes or restarts an engine starts its own).
    maxWorkers: 1,
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
      // dwi on Node 24, the current LTS that the image runs (test/support/node24.ts), for the
      // files that cover the server, the engine and the realtime layer: the rest runs on the
      // tests' own Node only, to keep the run's time.
      {
        extends: true,
        test: {
          name: 'node24',
          include: NODE24_FILES.map((file) => `test/integration/${file}.test.ts`),
          globalSetup: ['test/global-setup.ts', 'test/node24-setup.ts'],
        },
      },
      // A real browser (Debian's Chromium) against the real dwi and engine.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The README's screenshots: a host of its own, seeded for the pictures, minutes to run
          // on top of the pages' own tests; run by `npm run screenshots`, not by every npm test.
          exclude: process.env.DOCS_SCREENSHOTS === '1' ? [] : ['test/e2e/showcase.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
