// Ground truth and what the warehouse holds, in the same shape and order, so tests compare them with toEqual.
import type pg from 'pg';
import type { TruthRow as SandboxTruthRow } from '../../sandbox/truth.ts';
import { ConnectionSettings } from '../../schemas/config.ts';

/** The ad_daily_metrics columns tests compare with the truth, the standard event columns included (migration 014). */
export const FACT_KEYS = [
  'ad_id',
  'date',
  'campaign_id',
  'ad_group_id',
  'spend_micro',
  'impressions',
  'clicks',
  'outbound_clicks',
  'conversions',
  'conversion_value_micro',
  'total_conversions',
  'impressions_earned',
  'clicks_earned',
  'total_conversions_quantity',
  'total_conversions_value_micro',
  'add_to_carts',
  'add_to_cart_value_micro',
  'signups',
  'signup_value_micro',
  'leads',
  'lead_value_micro',
  'page_visits',
] as const;
export type FactRow = Pick<SandboxTruthRow, (typeof FACT_KEYS)[number]>;
/** What the tests compare: the truth cut to the warehouse's columns (FACT_KEYS). */
export type TruthRow = FactRow;

const FACT_COLUMNS = FACT_KEYS.map((k) => `${k}::text AS ${k}`).join(', ');

/** A truth row cut to FACT_KEYS, in that key order. */
export const asFact = (r: SandboxTruthRow): FactRow =>
  Object.fromEntries(FACT_KEYS.map((k) => [k, r[k]])) as FactRow;

const byKey = (a: FactRow, b: FactRow) =>
  a.ad_id + a.date < b.ad_id + b.date ? -1 : a.ad_id + a.date > b.ad_id + b.date ? 1 : 0;

/** `/__sandbox/truth` for a window, asked with a connection's settings (pinads' defaults when omitted). */
export async function sandboxTruth(
  sandboxUrl: string,
  adAccountId: string,
  start: string,
  end: string,
  settings: Partial<ConnectionSettings> = {},
  accountZone = false,
): Promise<FactRow[]> {
  const s = ConnectionSettings.parse(settings);
  const q = new URLSearchParams({
    ad_account_id: adAccountId,
    start_date: start,
    end_date: end,
    click_window_days: String(s.click_window_days),
    engagement_window_days: String(s.engagement_window_days),
    view_window_days: String(s.view_window_days),
    conversion_report_time: s.conversion_report_time,
    ...(accountZone || s.reporting_time_zone === 'account'
      ? { reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' }
      : {}),
  });
  const res = await fetch(`${sandboxUrl}/__sandbox/truth?${q}`);
  if (!res.ok) throw new Error(`truth: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { rows: SandboxTruthRow[] }).rows.map(asFact).sort(byKey);
}

/** The daily facts of an account's window, shaped like the truth. */
export async function warehouseFacts(
  pool: pg.Pool,
  adAccountId: string,
  start: string,
  end: string,
): Promise<FactRow[]> {
  const { rows } = await pool.query(
    `SELECT ${FACT_COLUMNS} FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3`,
    [adAccountId, start, end],
  );
  return (rows as FactRow[]).sort(byKey);
}

/** POSTs to a sandbox control endpoint (faults, restate, stats/reset). */
export async function sandboxControl(sandboxUrl: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sandboxUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
