// Shared builders for the warehouse tests: a migrated private database, fact rows, and table checksums.
import type { DailyFactRow } from '../../schemas/report.ts';
import type { LoadWindowInput } from '../../warehouse/load.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

export interface MigratedWarehouse {
  wh: Warehouse;
  db: TestDatabase;
  close(): Promise<void>;
}

/** A private database on the real Postgres, migrated, with an open warehouse pool. */
export async function migratedWarehouse(): Promise<MigratedWarehouse> {
  const db = await createTestDatabase('pinads_wh');
  const wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  return {
    wh,
    db,
    async close() {
      await wh.close();
      await db.drop();
    },
  };
}

export const ATTRIBUTION = {
  click_window_days: 30,
  engagement_window_days: 30,
  view_window_days: 1,
  conversion_report_time: 'TIME_OF_CONVERSION',
};

/** A fact row with small distinct defaults; campaign and ad group derive from the ad unless given. */
export function factRow(p: Partial<DailyFactRow> & { ad_id: string; date: string }): DailyFactRow {
  return {
    campaign_id: `c${p.ad_id}`,
    ad_group_id: `g${p.ad_id}`,
    spend_micro: 1_000_000n,
    impressions: 100n,
    clicks: 10n,
    outbound_clicks: 5n,
    conversions: '1',
    conversion_value_micro: 3_000_000n,
    total_conversions: '2',
    impressions_earned: 20n,
    clicks_earned: 1n,
    total_conversions_quantity: '3',
    total_conversions_value_micro: 4_000_000n,
    add_to_carts: '4',
    add_to_cart_value_micro: 5_000_000n,
    signups: '1',
    signup_value_micro: 0n,
    leads: '0',
    lead_value_micro: 0n,
    page_visits: '7',
    ...p,
  };
}

/** Yields the rows, then throws if `failAfter` is given and reached: a report stream that breaks mid-way. */
export async function* rowsOf<T extends object>(rows: T[], failAfter?: number): AsyncGenerator<T> {
  let i = 0;
  for (const r of rows) {
    if (failAfter !== undefined && i === failAfter) throw new Error('report stream broke');
    i++;
    yield r;
  }
  if (failAfter !== undefined && i === failAfter) throw new Error('report stream broke');
}

export function loadInput(
  adAccountId: string,
  window: { start: string; end: string },
  rows: object[],
  over: Partial<LoadWindowInput> = {},
): LoadWindowInput {
  return {
    adAccountId,
    window,
    currency: 'USD',
    timeZone: 'UTC',
    attribution: ATTRIBUTION,
    rows: rowsOf(rows),
    // Far after any test date, so every day is closed unless a test says otherwise.
    now: new Date('2030-01-01T00:00:00Z'),
    ...over,
  };
}

/** md5 of both fact tables' full contents in key order: equal checksums mean byte-identical tables. */
export async function factsChecksum(wh: Warehouse): Promise<string> {
  const { rows } = await wh.pool.query<{ d: string; h: string }>(`
    SELECT
      (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY ad_account_id, ad_id, date), ''))
         FROM pinterest_ads.ad_daily_metrics t) AS d,
      (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY ad_account_id, ad_id, hour), ''))
         FROM pinterest_ads.ad_hourly_spend t) AS h`);
  return `${rows[0]!.d}/${rows[0]!.h}`;
}

/** The loaded daily facts of one account without synced_at, in key order, as text. */
export async function dailyFacts(wh: Warehouse, adAccountId: string): Promise<Record<string, string>[]> {
  const { rows } = await wh.pool.query(
    `SELECT ad_id, date::text AS date, campaign_id, ad_group_id, currency, time_zone, spend_micro::text, impressions::text,
            clicks::text, outbound_clicks::text, conversions::text, conversion_value_micro::text, total_conversions::text,
            click_window_days::text, engagement_window_days::text, view_window_days::text, conversion_report_time
       FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 ORDER BY ad_id, date`,
    [adAccountId],
  );
  return rows;
}

export interface HourlyRow {
  ad_id: string;
  /** ISO instant in UTC, e.g. 2026-06-09T22:00:00Z */
  hour: string;
  date: string;
  spend_micro: string;
  method: string;
}

/** The hourly split of one account as (ad, ISO hour, date, spend, method), in key order. */
export async function hourlySpend(wh: Warehouse, adAccountId: string): Promise<HourlyRow[]> {
  const { rows } = await wh.pool.query<HourlyRow>(
    `SELECT ad_id, to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS hour, date::text AS date,
            spend_micro::text AS spend_micro, method
       FROM pinterest_ads.ad_hourly_spend WHERE ad_account_id = $1 ORDER BY ad_id, hour`,
    [adAccountId],
  );
  return rows;
}

/** The pull record of one account and report: a row per date, as `pinads.day_pulls` holds it. */
export async function dayPulls(wh: Warehouse, account: string, report = 'ad_daily') {
  const { rows } = await wh.pool.query(
    `SELECT date::text, time_zone, rows, is_final, last_run_id::text AS run, last_pulled_at
       FROM pinads.day_pulls WHERE ad_account_id = $1 AND report = $2 ORDER BY date`,
    [account, report],
  );
  return rows;
}
