// The per-login buckets in Postgres (warehouse/rate-buckets.ts) as two workers share them: two pools on one real
// database, one login, a tight compressed budget. Bulk requests yield to core ones, take the room core leaves, and
// every wait is bounded and cancellable without leaking its slot. No Temporal here: the worker-level path is in
// pacing-waits.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pacer, PacerWaitTooLong, type Priority } from '../../pinterest/pacing.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { insertConnection } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createBucketPacer } from '../../warehouse/rate-buckets.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

// A 3 s window (bulk horizon 100 ms). ads_analytics: 30 requests, one slot every ~105 ms, no burst; ads_read: 60,
// one slot every ~53 ms with a burst tolerance of ~11 ms.
const WINDOW_MS = 3000;
const LIMITS = { ads_analytics: 30, ads_read: 60 };
const INTERVAL_MS = { ads_analytics: WINDOW_MS / (30 * 0.95), ads_read: WINDOW_MS / (60 * 0.95) };

let db: TestDatabase;
let workers: Warehouse[];
let pacers: Pacer[];
let conns: string[];

beforeAll(async () => {
  db = await createTestDatabase('pinads_pacing');
  workers = [await openWarehouse(db.url), await openWarehouse(db.url)];
  await migrate(workers[0]!.pool);
  pacers = workers.map((w) => createBucketPacer(w.pool, { windowMs: WINDOW_MS, limits: LIMITS }));
  const box = new SecretBox(randomBytes(32).toString('base64'));
  conns = [];
  for (const account of ['1001', '1002']) {
    const credentialId = await createCredential(workers[0]!.pool, box, { refreshToken: 'pinr_test' });
    // Two grants of one Pinterest user: one login, one budget.
    await workers[0]!.pool.query('UPDATE pinads.credentials SET pinterest_user_id = $2 WHERE id = $1', [
      credentialId,
      '777',
    ]);
    const c = await insertConnection(workers[0]!.pool, {
      adAccountId: account,
      credentialId,
      settings: ConnectionSettings.parse({}),
    });
    conns.push(c.id);
  }
});
afterAll(async () => {
  for (const w of workers ?? []) await w.close();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fires `n` takers of one priority, alternating workers and connections; resolves with their admission times. */
function takers(n: number, priority: Priority, category: 'ads_analytics' | 'ads_read', t0: number) {
  return Array.from({ length: n }, (_, i) =>
    pacers[i % 2]!.take(conns[(i >> 1) % 2]!, category, { priority }).then(() => ({
      priority,
      at: Date.now() - t0,
    })),
  );
}

/** The most admissions any window of WINDOW_MS holds: the bucket's promise is (0.95 + 0.02) × limit + 1. */
function busiestWindow(times: number[], limit: number): boolean {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= WINDOW_MS) i++;
    most = Math.max(most, j - i + 1);
  }
  return most <= Math.floor(0.97 * limit) + 1;
}

async function tat(category: string): Promise<number> {
  const { rows } = await workers[0]!.pool.query<{ ms: number }>(
    `SELECT (extract(epoch FROM tat) * 1000)::float8 AS ms FROM pinads.rate_buckets WHERE login = 'user:777' AND category = $1`,
    [category],
  );
  return rows[0]!.ms;
}

/** The TAT once a burst's takers have all booked (it stops moving). */
async function booked(category: string): Promise<number> {
  let last = Number.NaN;
  for (;;) {
    await sleep(40);
    const now = await tat(category);
    if (now === last) return now;
    last = now;
  }
}

describe('priority in the shared buckets', () => {
  it('core requests that arrive behind queued bulk requests go first; the bulk ones follow, none lost', async () => {
    const t0 = Date.now();
    const bulk = takers(30, 'bulk', 'ads_analytics', t0);
    await sleep(100);
    const core = takers(30, 'core', 'ads_analytics', t0);
    const all = await Promise.all([...bulk, ...core]);
    const lastCore = Math.max(...all.filter((a) => a.priority === 'core').map((a) => a.at));
    const bulkBefore = all.filter((a) => a.priority === 'bulk' && a.at < lastCore).length;
    // Only what bulk booked before core arrived (~1 slot) plus about a horizon (~1 slot) goes ahead; first come,
    // first served would put all 30 bulk requests first.
    expect(bulkBefore).toBeLessThanOrEqual(6);
    expect(all).toHaveLength(60);
    expect(
      busiestWindow(
        all.map((a) => a.at),
        LIMITS.ads_analytics,
      ),
    ).toBe(true);
  });

  it('bulk requests take the room a steady core stream leaves (no starvation)', async () => {
    const t0 = Date.now();
    // Core at half the budget for 4 s; 20 bulk requests want the other half (~2.1 s of it).
    const stream = (async () => {
      const out: Promise<{ priority: Priority; at: number }>[] = [];
      while (Date.now() - t0 < 4000) {
        out.push(...takers(1, 'core', 'ads_read', t0));
        await sleep(2 * INTERVAL_MS.ads_read);
      }
      return Promise.all(out);
    })();
    await sleep(200);
    const bulk = await Promise.all(takers(20, 'bulk', 'ads_read', t0));
    const core = await stream;
    expect(Math.max(...bulk.map((b) => b.at))).toBeLessThan(Math.max(...core.map((c) => c.at)));
    expect(
      busiestWindow(
        [...bulk, ...core].map((a) => a.at),
        LIMITS.ads_read,
      ),
    ).toBe(true);
  });
});

describe('bounded and cancellable waits', () => {
  it('a wait longer than the caller can afford books nothing and says how long the queue is', async () => {
    // Another worker's burst books ~2 s of slots.
    const burst = takers(40, 'core', 'ads_read', Date.now());
    const before = await booked('ads_read');
    const err = await pacers[1]!.take(conns[0]!, 'ads_read', { maxWaitMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacerWaitTooLong);
    expect((err as PacerWaitTooLong).waitMs).toBeGreaterThan(500);
    expect(await tat('ads_read')).toBe(before);
    await Promise.all(burst);
  });

  it('an aborted wait rejects with the abort reason and gives its slot back', async () => {
    const burst = takers(15, 'core', 'ads_analytics', Date.now());
    const before = await booked('ads_analytics');
    const abort = new AbortController();
    const waiting = pacers[1]!.take(conns[1]!, 'ads_analytics', { signal: abort.signal });
    await sleep(100);
    expect(await tat('ads_analytics')).toBeCloseTo(before + INTERVAL_MS.ads_analytics, 0);
    abort.abort(new Error('activity cancelled'));
    await expect(waiting).rejects.toThrow('activity cancelled');
    expect(await tat('ads_analytics')).toBeCloseTo(before, 0);
    await Promise.all(burst);
  });
});
