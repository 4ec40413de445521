import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Three files at once on 2 cores: most of the suite's time is spent waiting (Temporal timers, rate-limit windows,
    // report polls), not computing. A fresh-clone `.ci/run` took 11.7 min with 3 (the tests 582 s) where the tests
    // alone took 731 s with 2, every test passing both ways.
    maxWorkers: 3,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
