// Per-login pacing, end to end: a burst of syncs of many ad accounts on ONE grant, against the sandbox with
// Pinterest's per-login limits enforced, through real workflows on a real worker. Time is compressed tenfold (a 6 s
// window with a tenth of each budget: the same requests per second as Pinterest's minute) to keep the test short.
import { afterEach, describe, expect, it } from 'vitest';
import type { Pacer } from '../../pinterest/pacing.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { insertConnection } from '../../warehouse/control.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { createBucketPacer } from '../../warehouse/rate-buckets.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const WINDOW_MS = 6000;
const LIMITS = { ads_analytics: 30, ads_read: 100 };
const ACCOUNTS = 24;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Stats {
  responses_by_status: Record<string, number>;
  by_category: Record<string, { requests: number; rate_limited: number }>;
}

/**
 * Connects every agency account, on one grant or spread over several grants of the same login, and fires all their
 * syncs at once, as 24 schedules in one minute. `users` pins each grant's Pinterest user id (as if learned).
 */
async function burst(
  paced: boolean,
  o: { grants?: number; users?: string[] } = {},
): Promise<{ stats: Stats; rows: number[] }> {
  // The harness opens the warehouse itself, so the pacer forwards to buckets on its pool once that exists.
  let buckets: Pacer | undefined;
  const pacer: Pacer = { take: (scope, category, o) => buckets!.take(scope, category, o) };
  h = await startHarness({
    sandbox: { agencyAccounts: ACCOUNTS, enforceRateLimits: { windowMs: WINDOW_MS, limits: LIMITS } },
    deps: paced ? { pacer } : {},
  });
  const hh = h;
  buckets = createBucketPacer(hh.wh.pool, { windowMs: WINDOW_MS, limits: LIMITS });
  const grants: string[] = [];
  for (let g = 0; g < (o.grants ?? 1); g++) {
    const id = await createCredential(hh.wh.pool, hh.box, { refreshToken: hh.sandbox.mintRefreshToken() });
    if (o.users)
      await hh.wh.pool.query('UPDATE pinads.credentials SET pinterest_user_id = $2 WHERE id = $1', [
        id,
        o.users[g],
      ]);
    grants.push(id);
  }
  const ids: string[] = [];
  for (const [i, a] of hh.sandbox.info.ad_accounts.slice(3).entries()) {
    const c = await insertConnection(hh.wh.pool, {
      adAccountId: a.id,
      credentialId: grants[i % grants.length]!,
      settings: ConnectionSettings.parse({}),
    });
    ids.push(c.id);
  }
  const results = await Promise.all(ids.map((id) => hh.sync(id)));
  const stats = (await (await fetch(`${hh.sandbox.info.url}/__sandbox/stats`)).json()) as Stats;
  return { stats, rows: results.map((r) => r.rowsLoaded) };
}

describe('per-login pacing', () => {
  it('a burst of syncs on one grant queues behind the limit: at most a handful of 429s, and every sync completes', async () => {
    const { stats, rows } = await burst(true);
    expect(rows).toHaveLength(ACCOUNTS);
    const analytics = stats.by_category.ads_analytics!;
    // Enough requests that an unpaced burst overruns the budget several times over (see the next test).
    expect(analytics.requests).toBeGreaterThan(2 * LIMITS.ads_analytics);
    expect(stats.responses_by_status['429'] ?? 0).toBeLessThanOrEqual(3);
    const runs = await h!.wh.pool.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM pinads.sync_runs GROUP BY status',
    );
    expect(runs.rows).toEqual([{ status: 'succeeded', n: String(ACCOUNTS) }]);
  });

  it("two grants of the same login (two `pinads connect` runs) share that user's budget", async () => {
    const { stats, rows } = await burst(true, { grants: 2 });
    expect(rows).toHaveLength(ACCOUNTS);
    expect(stats.responses_by_status['429'] ?? 0).toBeLessThanOrEqual(3);
    // Each grant learned whose login it is, and the buckets are the user's, not the grants'.
    const users = await h!.wh.pool.query<{ u: string }>(
      'SELECT DISTINCT pinterest_user_id AS u FROM pinads.credentials',
    );
    expect(users.rows).toHaveLength(1);
    expect(users.rows[0]!.u).toMatch(/^\d+$/);
    const logins = await h!.wh.pool.query<{ login: string }>(
      'SELECT DISTINCT login FROM pinads.rate_buckets',
    );
    expect(logins.rows).toEqual([{ login: `user:${users.rows[0]!.u}` }]);
  });

  it('paced per grant instead, the same two grants overrun the login (so the test above can fail)', async () => {
    const { stats, rows } = await burst(true, { grants: 2, users: ['1', '2'] });
    expect(rows).toHaveLength(ACCOUNTS);
    expect(stats.responses_by_status['429'] ?? 0).toBeGreaterThan(3);
  });

  it('without the pacer the same burst collects many 429s (so the test above can fail)', async () => {
    const { stats, rows } = await burst(false);
    expect(rows).toHaveLength(ACCOUNTS);
    expect(stats.responses_by_status['429'] ?? 0).toBeGreaterThan(10);
  });
});
