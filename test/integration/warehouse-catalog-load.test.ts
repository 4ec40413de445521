// The catalog's other entries (targeting and keyword reports) through the one loader, on real Postgres: a targeting
// window is replaced by its types only, duplicates are refused by name, and keyword rows load with or without an
// ad. (~2 s, no Temporal.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_TARGETING_DAILY, KEYWORD_DAILY, type NormalizedRow } from '../../catalog/index.ts';
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

const pulls = (account: string, report?: string) => dayPulls(m.wh, account, report);

describe('the other catalog entries, through the same loader', () => {
  const stamp = { currency: 'EUR', timeZone: 'Europe/Berlin' };
  const targeting = (
    ad: string,
    date: string,
    type: string,
    value: string,
    spend: bigint,
  ): NormalizedRow => ({
    ...factRow({ ad_id: ad, date, spend_micro: spend }),
    targeting_type: type,
    targeting_value: value,
  });

  it('replaces a targeting window by its types, keeps other types, and records its pulls', async () => {
    const w = { start: '2026-05-01', end: '2026-05-02' };
    await m.wh.pool.query(
      `INSERT INTO pinterest_ads.ad_targeting_daily_metrics (ad_account_id, ad_id, date, targeting_type, targeting_value,
         campaign_id, ad_group_id, currency, time_zone, click_window_days, engagement_window_days, view_window_days,
         conversion_report_time)
       VALUES ('acct-t', '1', '2026-05-01', 'KEYWORD', 'shoes', 'c1', 'g1', 'EUR', 'Europe/Berlin', 30, 30, 1, 'x')`,
    );
    const first = [
      targeting('1', '2026-05-01', 'COUNTRY', 'US', 3_000_000n),
      targeting('1', '2026-05-01', 'COUNTRY', 'DE', 1_000_000n),
      targeting('1', '2026-05-02', 'AGE_BUCKET', '25-34', 2_000_000n),
    ];
    expect(
      await loadReportWindow(m.wh, AD_TARGETING_DAILY, { ...loadInput('acct-t', w, first), ...stamp }),
    ).toMatchObject({ dailyRows: 3, hourlyRows: 0, restatements: 0 });
    await loadReportWindow(m.wh, AD_TARGETING_DAILY, { ...loadInput('acct-t', w, first.slice(1)), ...stamp });
    const { rows } = await m.wh.pool.query(
      `SELECT targeting_type, targeting_value, spend_micro::text, currency, time_zone
         FROM pinterest_ads.ad_targeting_daily_metrics WHERE ad_account_id = 'acct-t' ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      {
        targeting_type: 'AGE_BUCKET',
        targeting_value: '25-34',
        spend_micro: '2000000',
        currency: 'EUR',
        time_zone: 'Europe/Berlin',
      },
      {
        targeting_type: 'COUNTRY',
        targeting_value: 'DE',
        spend_micro: '1000000',
        currency: 'EUR',
        time_zone: 'Europe/Berlin',
      },
      // A type the entry does not pull keeps its rows.
      {
        targeting_type: 'KEYWORD',
        targeting_value: 'shoes',
        spend_micro: '0',
        currency: 'EUR',
        time_zone: 'Europe/Berlin',
      },
    ]);
    expect((await pulls('acct-t', 'ad_targeting_daily')).map((p) => [p.date, p.rows])).toEqual([
      ['2026-05-01', 1],
      ['2026-05-02', 1],
    ]);
  });

  it('refuses duplicate targeting rows, naming them', async () => {
    const w = { start: '2026-05-01', end: '2026-05-01' };
    const row = targeting('5', '2026-05-01', 'GENDER', 'female', 1n);
    await expect(
      loadReportWindow(m.wh, AD_TARGETING_DAILY, loadInput('acct-t2', w, [row, { ...row }])),
    ).rejects.toThrow('duplicate report rows: ad 5 on 2026-05-01 (GENDER female) appears more than once');
  });

  it('loads keyword rows with and without an ad', async () => {
    const w = { start: '2026-05-01', end: '2026-05-01' };
    const kw = (keyword: string, ad: string | null): NormalizedRow => {
      const { ad_id: _, ...metrics } = factRow({ ad_id: 'x', date: '2026-05-01' });
      return { ...metrics, keyword_id: keyword, ad_id: ad };
    };
    await loadReportWindow(
      m.wh,
      KEYWORD_DAILY,
      loadInput('acct-k', w, [kw('77', null), kw('77', '5'), kw('78', null)]),
    );
    const { rows } = await m.wh.pool.query(
      `SELECT keyword_id, ad_id FROM pinterest_ads.keyword_daily_metrics WHERE ad_account_id = 'acct-k' ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { keyword_id: '77', ad_id: '5' },
      { keyword_id: '77', ad_id: null },
      { keyword_id: '78', ad_id: null },
    ]);
    await expect(
      loadReportWindow(m.wh, KEYWORD_DAILY, loadInput('acct-k', w, [kw('77', null), kw('77', null)])),
    ).rejects.toThrow('duplicate report rows: keyword 77 on 2026-05-01 appears more than once');
  });
});
