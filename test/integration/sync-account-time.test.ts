// A zone east of UTC late in the UTC day: the JPY account (Asia/Tokyo) reporting in account time at 21:30–23:30 UTC
// (its connection's daily pass hour in Tokyo, 06:30–08:30), when Tokyo's date is already tomorrow. Pinterest refuses
// an end_date after the UTC today, so every window must end on it, the extra reports' (targeting, keywords) too. The
// clock is injected into the sandbox and the worker alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_TARGETING_DAILY, entryOf, KEYWORD_DAILY } from '../../catalog/index.ts';
import { addDays } from '../../common/dates.ts';
import { dailyPassHour } from '../../core/reporting-day.ts';
import { catalogRows, catalogTruth } from '../helpers/catalog-truth.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const utcDay = new Date().toISOString().slice(0, 10);
let at = new Date(`${utcDay}T22:30:00Z`);
const clock = () => at;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sandbox: { now: clock }, deps: { now: clock } });
});
afterAll(async () => {
  await h?.close();
});

describe('account-time reporting east of UTC late in the UTC day', () => {
  it('syncs the JPY account: hourly window and lookback end on the UTC today and equal the truth', async () => {
    const jpy = h.sandbox.info.ad_accounts[2]!;
    expect(jpy.time_zone).toBe('Asia/Tokyo');
    // A connection whose daily pass hour (6–11 in Tokyo) falls while Tokyo's date is ahead of UTC's (before 09:00).
    let conn = await h.connect(jpy.id, { reporting_time_zone: 'account' });
    while (dailyPassHour(conn.id) > 8) {
      await h.wh.pool.query('DELETE FROM pinads.connections WHERE id = $1', [conn.id]);
      conn = await h.connect(jpy.id, { reporting_time_zone: 'account' });
    }
    // 'auto' as the schedule runs it, half past its pass hour in Tokyo, so the day's lookback is due as well.
    at = new Date(`${utcDay}T${dailyPassHour(conn.id) + 15}:30:00Z`);
    const r = await h.sync(conn.id, { mode: 'auto' });
    expect(r.kind).toBe('lookback');
    expect(r.hourly).toMatchObject({ start: utcDay, end: utcDay });
    // The pass re-reads the lookback up to the hourly window, which ends on the UTC today.
    expect(r.windows.at(-1)!.end).toBe(addDays(utcDay, -1));
    expect(r.windows[0]!.start).toBe(addDays(addDays(utcDay, 1), -7));
    const from = r.windows[0]!.start;
    const facts = await h.facts(jpy.id, from, utcDay);
    expect(facts.length).toBeGreaterThan(0);
    expect(facts).toEqual(await h.truth(jpy.id, from, utcDay, {}, true));
    const { rows } = await h.wh.pool.query(
      `SELECT kind, status FROM pinads.sync_runs WHERE connection_id = $1 AND report = 'ad_daily' ORDER BY id`,
      [conn.id],
    );
    expect(rows).toEqual([
      { kind: 'hourly', status: 'succeeded' },
      { kind: 'lookback', status: 'succeeded' },
    ]);
    // The extra reports of the pass (targeting, keywords, per-event conversions): every window ends by the UTC today
    // too, and each table equals the truth asked in account time, stamped Asia/Tokyo.
    const extras = r.reports!.filter((x) => x.report !== 'ad_daily');
    expect(extras.map((x) => x.report)).toEqual(
      expect.arrayContaining([AD_TARGETING_DAILY.id, KEYWORD_DAILY.id]),
    );
    for (const x of extras) {
      expect(x.error).toBeUndefined();
      const entry = entryOf(x.report);
      const w = { start: x.windows[0]!.start, end: x.windows.at(-1)!.end };
      expect(w.end <= utcDay).toBe(true);
      const want = await catalogTruth(h.sandbox.info.url, entry, jpy.id, w, {
        reporting_time_zone: 'account',
      });
      if (entry === AD_TARGETING_DAILY) expect(want.length).toBeGreaterThan(0);
      expect(await catalogRows(h.wh.pool, entry, jpy.id, w)).toEqual(want);
      const { rows: zones } = await h.wh.pool.query(
        `SELECT DISTINCT time_zone FROM ${entry.table} WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3`,
        [jpy.id, w.start, w.end],
      );
      expect(zones).toEqual(want.length > 0 ? [{ time_zone: 'Asia/Tokyo' }] : []);
    }
  });
});
