import { defineConfig } from 'vitest/config';

// One `vitest run` runs every test: unit (pure + fake-indexeddb), integration (real relay on port 0, real
// sockets) and end-to-end (built app in Debian chromium). Benchmarks are not tests: see `npm run bench`.
// Timeouts are safety nets against hangs, sized for a loaded shared 2-core CI machine, never speed assertions;
// a test waits for the condition it means (tests/support/wait.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          setupFiles: ['tests/setup/fake-idb.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'ui',
          include: ['tests/ui/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['tests/setup/fake-idb.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/setup/fake-idb.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/setup/build-app.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // screens.test.ts walks two roles at a time (it.concurrent); nothing else in e2e is concurrent.
          maxConcurrency: 2,
        },
      },
    ],
  },
});
