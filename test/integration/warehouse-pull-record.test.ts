// The pull record every window load writes, on real Postgres: a row per date of the window (rows or not) with the
// run and the load clock, finality decided at load time from Pinterest's readiness instants, and account_day_status
// over it. (~3 s, no Temporal.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_DAILY } from '../../catalog/index.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import {
  dayPulls,
  factRow,
  loadInput,
  type MigratedWarehouse,
  migratedWarehouse,
} from './warehouse-fixtures.ts';

let m: MigratedWarehouse;
beforeAll(async () => {
  m = await migratedWarehouse();
});
afterAll(async () => {
  await m?.close();
});

const W = { start: '2026-06-01', end: '2026-06-03' };
const pulls = (account: string, report?: string) => dayPulls(m.wh, account, report);

const ready = (date: string, nonConv: string | null, conv: string | null) =>
  m.wh.pool.query(
    `INSERT INTO pinads.metrics_ready (date, non_conversion_ready_at, conversion_ready_at, checked_at)
     VALUES ($1, $2, $3, now())
     ON CONFLICT (date) DO UPDATE SET non_conversion_ready_at = $2, conversion_ready_at = $3`,
    [date, nonConv, conv],
  );

describe('the pull record', () => {
  it('has a row for every date of the window, rows or not, with the run and the load clock', async () => {
    const rows = [factRow({ ad_id: '1', date: '2026-06-01' }), factRow({ ad_id: '2', date: '2026-06-01' })];
    const now = new Date('2026-06-10T12:00:00Z');
    await loadReportWindow(m.wh, AD_DAILY, loadInput('acct-p1', W, rows, { now, runId: '42' }));
    expect(await pulls('acct-p1')).toEqual(
      ['2026-06-01', '2026-06-02', '2026-06-03'].map((date, i) => ({
        date,
        time_zone: 'UTC',
        rows: i === 0 ? 2 : 0,
        is_final: false,
        run: '42',
        last_pulled_at: now,
      })),
    );
  });

  it('is final once both readiness instants of every UTC date the day spans came before the request', async () => {
    await ready('2026-07-01', '2026-07-02T03:00:00Z', '2026-07-04T06:00:00Z');
    await ready('2026-07-02', '2026-07-03T03:00:00Z', null);
    const w = { start: '2026-07-01', end: '2026-07-02' };
    const at = (iso: string, over = {}) =>
      loadInput('acct-p2', w, [], { now: new Date(iso), requestedAt: new Date(iso), ...over });
    // Before 07-01's conversion metrics were ready: nothing is final.
    await loadReportWindow(m.wh, AD_DAILY, at('2026-07-03T00:00:00Z'));
    expect((await pulls('acct-p2')).map((p) => p.is_final)).toEqual([false, false]);
    // After: 07-01 is final (TIME_OF_CONVERSION); 07-02 still waits for its conversion metrics.
    await loadReportWindow(m.wh, AD_DAILY, at('2026-07-05T00:00:00Z'));
    expect((await pulls('acct-p2')).map((p) => p.is_final)).toEqual([true, false]);
    // Requested before readiness, loaded after: the numbers are the older ones, so not final.
    await loadReportWindow(
      m.wh,
      AD_DAILY,
      at('2026-07-05T00:00:00Z', { requestedAt: new Date('2026-07-04T05:00:00Z') }),
    );
    expect((await pulls('acct-p2')).map((p) => p.is_final)).toEqual([false, false]);
    // A Tokyo day spans two UTC dates: 07-02 in Tokyo needs 07-01 and 07-02 ready, and 07-02 is not.
    await loadReportWindow(
      m.wh,
      AD_DAILY,
      loadInput('acct-p3', w, [], { timeZone: 'Asia/Tokyo', now: new Date('2026-07-05T00:00:00Z') }),
    );
    expect((await pulls('acct-p3')).map((p) => [p.date, p.is_final])).toEqual([
      ['2026-07-01', false], // spans 06-30 too, never asked
      ['2026-07-02', false],
    ]);
  });

  it('under TIME_OF_AD_ACTION waits for the longest attribution window after the day as well', async () => {
    await ready('2026-08-01', '2026-08-02T03:00:00Z', '2026-08-04T06:00:00Z');
    const w = { start: '2026-08-01', end: '2026-08-01' };
    const adAction = { ...loadInput('x', w, []).attribution, conversion_report_time: 'TIME_OF_AD_ACTION' };
    const at = (iso: string) => loadInput('acct-p4', w, [], { now: new Date(iso), attribution: adAction });
    await loadReportWindow(m.wh, AD_DAILY, at('2026-08-10T00:00:00Z'));
    expect((await pulls('acct-p4'))[0].is_final).toBe(false);
    // 30-day click and engagement windows: final from 08-02 + 30 days.
    await loadReportWindow(m.wh, AD_DAILY, at('2026-09-01T00:00:00Z'));
    expect((await pulls('acct-p4'))[0].is_final).toBe(true);
  });

  it('shows in account_day_status with the readiness of the day (the later of its UTC dates)', async () => {
    await ready('2026-06-30', '2026-07-01T03:00:00Z', '2026-07-03T06:00:00Z');
    const { rows } = await m.wh.pool.query(
      `SELECT date::text, non_conversion_ready_at, conversion_ready_at, is_final
         FROM pinterest_ads.account_day_status WHERE ad_account_id = 'acct-p3' ORDER BY date`,
    );
    expect(rows).toEqual([
      {
        date: '2026-07-01',
        non_conversion_ready_at: new Date('2026-07-02T03:00:00Z'),
        conversion_ready_at: new Date('2026-07-04T06:00:00Z'),
        is_final: false,
      },
      {
        date: '2026-07-02',
        non_conversion_ready_at: new Date('2026-07-03T03:00:00Z'),
        conversion_ready_at: null,
        is_final: false,
      },
    ]);
  });
});
