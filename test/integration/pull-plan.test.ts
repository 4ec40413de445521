// The daily pass's plan from the pull record (warehouse/pull-plan.ts), on real Postgres: which days of a report are
// re-read (the lookback; days that missed their last lookback read, back to the report's first pull; never final days
// pulled after finality unless asked; never twice in one day's pass), the fewest windows that cover them, and which
// UTC dates' readiness is still unknown. About 3 s.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { insertConnection } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { coverDays, daysToPull, unreadyDates } from '../../warehouse/pull-plan.ts';
import { claimChore, claimReadinessChecks, recordReadiness } from '../../warehouse/readiness.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let db: TestDatabase;
let wh: Warehouse;
beforeAll(async () => {
  db = await createTestDatabase();
  wh = await openWarehouse(db.url);
  await migrate(wh.pool);
});
afterAll(async () => {
  await wh?.close();
  await db?.drop();
});

const TODAY = '2026-06-20';
const noon = (d: string) => new Date(`${d}T12:00:00Z`);
const range = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

/** Records pulls of `days` at `at` (as a load does), final or not. */
async function pulled(account: string, days: string[], at: Date, isFinal = false) {
  await wh.pool.query(
    `INSERT INTO pinads.day_pulls AS p (ad_account_id, report, date, time_zone, first_pulled_at, last_pulled_at,
                                       rows, is_final)
     SELECT $1, 'ad_daily', d, 'UTC', $3, $3, 1, $4 FROM unnest($2::date[]) d
     ON CONFLICT (ad_account_id, report, date) DO UPDATE SET last_pulled_at = $3, is_final = $4`,
    [account, days, at, isFinal],
  );
}

const plan = (account: string, o: Partial<Parameters<typeof daysToPull>[1]> = {}) =>
  daysToPull(wh.pool, {
    adAccountId: account,
    report: 'ad_daily',
    zone: 'UTC',
    today: TODAY,
    latest: TODAY,
    oldest: addDays(TODAY, -913),
    lookbackDays: 7,
    catchUpFrom: '2025-01-01',
    allDays: false,
    ...o,
  });

describe('the daily pass plan', () => {
  it('never pulled: the lookback only (older days are a backfill, not a missed read)', async () => {
    expect(await plan('a1')).toEqual(range(addDays(TODAY, -7), TODAY));
  });

  it('a steady day: the lookback, less final days and what another window reads', async () => {
    // Every day pulled daily until yesterday: each day's last read was yesterday's pass.
    for (let d = addDays(TODAY, -40); d < TODAY; d = addDays(d, 1))
      await pulled('a2', range(addDays(d, -7), d), noon(d));
    await pulled('a2', range(addDays(TODAY, -30), addDays(TODAY, -5)), noon(addDays(TODAY, -1)), true);
    const except = { start: addDays(TODAY, -1), end: TODAY };
    expect(await plan('a2', { except })).toEqual(range(addDays(TODAY, -4), addDays(TODAY, -2)));
    // --all-days reads the final ones of the lookback too
    expect(await plan('a2', { except, allDays: true })).toEqual(
      range(addDays(TODAY, -7), addDays(TODAY, -2)),
    );
    // days read since this morning's pass began are done for today
    await pulled('a2', [addDays(TODAY, -4)], new Date(`${TODAY}T06:30:00Z`));
    expect(await plan('a2', { except, doneSince: new Date(`${TODAY}T06:00:00Z`) })).toEqual(
      range(addDays(TODAY, -3), addDays(TODAY, -2)),
    );
  });

  it('after a 14-day outage: every day that missed its last lookback read, not only the lookback', async () => {
    const last = addDays(TODAY, -14);
    for (let d = addDays(last, -30); d <= last; d = addDays(d, 1))
      await pulled('a3', range(addDays(d, -7), d), noon(d));
    // Before the outage: days up to last-7 had their full lookback; last-6..last were read last on `last`.
    expect(await plan('a3')).toEqual(range(addDays(last, -6), TODAY));
    // Final days are not re-read, missed or not.
    await pulled('a3', range(addDays(last, -6), addDays(last, -4)), noon(last), true);
    expect(await plan('a3')).toEqual(range(addDays(last, -3), TODAY));
    // The catch-up stops at the connection's creation − 1.
    expect(await plan('a3', { catchUpFrom: addDays(last, 2) })).toEqual(range(addDays(last, 2), TODAY));
  });

  it('covers days with the fewest windows of at most 186 days', () => {
    expect(coverDays(['2026-01-01', '2026-01-03', '2026-01-10'], 186)).toEqual([
      { start: '2026-01-01', end: '2026-01-10' },
    ]);
    const spread = [...range('2025-01-01', '2025-01-05'), ...range('2025-09-01', '2025-09-02')];
    expect(coverDays(spread, 186)).toEqual([
      { start: '2025-01-01', end: '2025-01-05' },
      { start: '2025-09-01', end: '2025-09-02' },
    ]);
    expect(coverDays(range('2025-01-01', '2025-12-31'), 186)).toHaveLength(2);
  });

  it('asks readiness once per UTC date for the fleet, and never again once both kinds are ready', async () => {
    const days = range('2026-06-10', '2026-06-12');
    // An account-time day east of UTC overlaps the UTC date before it.
    expect(await unreadyDates(wh.pool, days, 'Asia/Tokyo', TODAY)).toEqual(range('2026-06-09', '2026-06-12'));
    const now = noon(TODAY);
    const both = await Promise.all([
      claimReadinessChecks(wh.pool, days, now),
      claimReadinessChecks(wh.pool, days, now),
    ]);
    expect([...both[0], ...both[1]].sort()).toEqual(days);
    await recordReadiness(wh.pool, '2026-06-10', { nonConversionReady: true, conversionReady: true }, now);
    await recordReadiness(wh.pool, '2026-06-11', { nonConversionReady: true, conversionReady: false }, now);
    const later = new Date(now.getTime() + 4 * 3600_000);
    expect(await claimReadinessChecks(wh.pool, days, later)).toEqual(['2026-06-11', '2026-06-12']);
    expect(await unreadyDates(wh.pool, days, 'UTC', TODAY)).toEqual(['2026-06-11', '2026-06-12']);
    // a fleet chore is claimed by one caller
    const chores = await Promise.all([1, 2, 3].map(() => claimChore(wh.pool, 'geo_names', now, 86_400)));
    expect(chores.filter(Boolean)).toHaveLength(1);
  });

  it('an upgraded warehouse starts its pull record from the windows sync_runs says were loaded (migration 018)', async () => {
    const old = await createTestDatabase();
    const o = await openWarehouse(old.url);
    try {
      await migrate(o.pool, { before: '018' });
      const box = new SecretBox(randomBytes(32).toString('base64'));
      const cred = await createCredential(o.pool, box, { refreshToken: 'pinr.x' });
      const c = await insertConnection(o.pool, {
        adAccountId: '42',
        credentialId: cred,
        settings: ConnectionSettings.parse({}),
      });
      const run = (start: string, end: string, status: string, at: string) =>
        o.pool.query(
          `INSERT INTO pinads.sync_runs (connection_id, kind, window_start, window_end, status, started_at, finished_at)
           VALUES ($1, 'hourly', $2, $3, $4, $5, $5)`,
          [c.id, start, end, status, at],
        );
      await run('2026-05-01', '2026-05-03', 'succeeded', '2026-05-03T07:00:00Z');
      await run('2026-05-03', '2026-05-04', 'succeeded', '2026-05-04T07:00:00Z');
      await run('2026-05-05', '2026-05-06', 'failed', '2026-05-06T07:00:00Z');
      await migrate(o.pool);
      const { rows } = await o.pool.query(
        `SELECT date::text, time_zone, last_pulled_at, rows, is_final FROM pinads.day_pulls
         WHERE ad_account_id = '42' ORDER BY date`,
      );
      expect(rows.map((r) => [r.date, r.last_pulled_at.toISOString(), r.time_zone, r.is_final])).toEqual([
        ['2026-05-01', '2026-05-03T07:00:00.000Z', 'UTC', false],
        ['2026-05-02', '2026-05-03T07:00:00.000Z', 'UTC', false],
        ['2026-05-03', '2026-05-04T07:00:00.000Z', 'UTC', false],
        ['2026-05-04', '2026-05-04T07:00:00.000Z', 'UTC', false],
      ]);
    } finally {
      await o.close();
      await old.drop();
    }
  });
});
