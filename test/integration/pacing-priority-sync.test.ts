// Priority end to end (#17 item 6): real syncs of an agency's accounts on one login, through a real worker, the
// per-login buckets in Postgres and the sandbox enforcing a tight compressed ads_analytics budget. Ten connections
// run their daily pass (the lookback, requested at priority `bulk`); while its requests queue, six more connections'
// hourly windows (`core`) arrive. Every pacer admission is logged: an hourly-window request lets at most a horizon's
// worth of daily-pass requests go ahead of it, where first come, first served makes it wait behind all of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMetrics } from '../../observability/metrics.ts';
import type { Pacer, Priority } from '../../pinterest/pacing.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { insertConnection } from '../../warehouse/control.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { createBucketPacer } from '../../warehouse/rate-buckets.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

// 20 report requests per 6 s (one slot every ~316 ms, a 200 ms bulk horizon); entity lists are not the constraint.
const WINDOW_MS = 6000;
const LIMITS = { ads_analytics: 20, ads_read: 1000 };
const DAILY = 10;
const HOURLY = 6;

interface Take {
  scope: string;
  priority: Priority;
  calledAt: number;
  admittedAt: number;
}

let h: Harness;
const log: Take[] = [];

beforeAll(async () => {
  let buckets: Pacer | undefined;
  // The real bucket pacer, with each ads_analytics admission logged.
  const pacer: Pacer = {
    async take(scope, category, o) {
      const calledAt = Date.now();
      await buckets!.take(scope, category, o);
      if (category === 'ads_analytics')
        log.push({ scope, priority: o?.priority ?? 'core', calledAt, admittedAt: Date.now() });
    },
  };
  h = await startHarness({
    sandbox: { agencyAccounts: DAILY + HOURLY, enforceRateLimits: { windowMs: WINDOW_MS, limits: LIMITS } },
    deps: { pacer },
  });
  buckets = createBucketPacer(h.wh.pool, { windowMs: WINDOW_MS, limits: LIMITS });
});
afterAll(async () => {
  await h?.close();
});

describe('hourly windows before the daily pass, across connections of one login', () => {
  it('hourly windows arriving behind a queue of daily-pass requests go first; every sync completes', async () => {
    const credentialId = await createCredential(h.wh.pool, h.box, {
      refreshToken: h.sandbox.mintRefreshToken(),
    });
    const ids: string[] = [];
    for (const a of h.sandbox.info.ad_accounts.slice(3)) {
      const c = await insertConnection(h.wh.pool, {
        adAccountId: a.id,
        credentialId,
        settings: ConnectionSettings.parse({}),
      });
      ids.push(c.id);
    }
    const daily = ids.slice(0, DAILY).map((id) => h.sync(id, { mode: 'lookback' }));
    // Once the daily passes queue, the other connections' hourly windows come due.
    while (log.filter((t) => t.priority === 'bulk').length < DAILY / 2)
      await new Promise((r) => setTimeout(r, 50));
    const late = new Set(ids.slice(DAILY));
    const hourly = ids.slice(DAILY).map((id) => h.sync(id, { mode: 'hourly' }));
    const results = await Promise.all([...daily, ...hourly]);
    expect(results.map((r) => r.kind)).toEqual([
      ...Array(DAILY).fill('lookback'),
      ...Array(HOURLY).fill('hourly'),
    ]);

    const bulk = log.filter((t) => t.priority === 'bulk');
    const lateCore = log.filter((t) => t.priority === 'core' && late.has(t.scope));
    expect(lateCore.length).toBeGreaterThanOrEqual(2 * HOURLY);
    // Daily-pass requests admitted while a late hourly-window request waited: at most what was booked within the
    // horizon when it arrived. First come, first served admits every daily-pass request queued before it.
    const overtaken = lateCore.map(
      (c) => bulk.filter((b) => b.admittedAt > c.calledAt + 5 && b.admittedAt < c.admittedAt).length,
    );
    console.log(
      'DEBUG',
      JSON.stringify(overtaken),
      JSON.stringify(lateCore.map((c) => c.admittedAt - c.calledAt)),
    );
    expect(Math.max(...overtaken)).toBeLessThanOrEqual(2);
    const runs = await h.wh.pool.query<{ status: string }>('SELECT DISTINCT status FROM pinads.sync_runs');
    expect(runs.rows).toEqual([{ status: 'succeeded' }]);
    // The worker's metrics tell the two apart: operators see the daily pass queue behind the hourly windows.
    const text = await defaultMetrics().registry.getSingleMetricAsString('pinads_pacer_wait_seconds_total');
    expect(text).toMatch(/pinads_pacer_wait_seconds_total\{category="ads_analytics",priority="bulk"\} \d/);
    expect(text).toMatch(/pinads_pacer_wait_seconds_total\{category="ads_analytics",priority="core"\} \d/);
  });
});
