import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // A guard against hangs, not a measure: the slowest tests without a timeout of their own take 40–55 s on a quiet
    // 2-core machine (fault injection, pacing under a queue, a backfill beside a sync), and a busy CI machine runs
    // them two or three times slower. Four minutes leaves them room without letting a hang stall the suite.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // Three files at once on 2 cores: most of the suite's time is spent waiting (Temporal timers, rate-limit windows,
    // report polls), not computing. A fresh-clone `.ci/run` took 11.7 min with 3 (the tests 582 s) where the tests
    // alone took 731 s with 2, every test passing both ways.
    maxWorkers: 3,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
