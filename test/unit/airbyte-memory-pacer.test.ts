// The in-memory pacer keeps one process within a login's limits with the same GCRA as the Postgres buckets.
import { describe, expect, it } from 'vitest';
import { createMemoryPacer } from '../../airbyte/memory-pacer.ts';

/** A fake clock: sleeping advances it, so a burst of takes shows the times each request may leave. */
function clock() {
  let t = 1_000_000;
  const sleep = async (ms: number) => {
    t += ms;
  };
  return { now: () => t, sleep, at: () => t };
}

describe('memory pacer', () => {
  it('lets no sliding window hold more than (headroom + burst) x limit + 1 requests of a category', async () => {
    const c = clock();
    const pacer = createMemoryPacer({ limits: { ads_analytics: 300, ads_read: 1000 }, ...c });
    const sent: number[] = [];
    for (let i = 0; i < 900; i++) {
      await pacer.take('login', 'ads_analytics');
      sent.push(c.at());
    }
    let worst = 0;
    for (let i = 0, j = 0; i < sent.length; i++) {
      while (sent[i]! - sent[j]! >= 60_000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(Math.floor((0.95 + 0.02) * 300) + 1);
    // And it is not idle: 900 requests at 95% of 300/min take about three minutes, not more.
    expect(sent.at(-1)! - sent[0]!).toBeLessThan(190_000);
  });

  it('paces categories apart, and a category without a limit not at all', async () => {
    const c = clock();
    const pacer = createMemoryPacer({ limits: { ads_analytics: 60, ads_read: 0 }, ...c });
    for (let i = 0; i < 500; i++) await pacer.take('login', 'ads_read');
    expect(c.at()).toBe(1_000_000);
    for (let i = 0; i < 3; i++) await pacer.take('login', 'ads_analytics');
    expect(c.at()).toBeGreaterThan(1_000_000);
  });
});
