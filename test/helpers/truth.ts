// Ground truth and what the warehouse holds, in the same shape and order, so tests compare them with toEqual.
import type pg from 'pg';
import type { TruthRow } from '../../sandbox/truth.ts';
import { ConnectionSettings } from '../../schemas/config.ts';

export type { TruthRow };

const FACT_COLUMNS = `ad_id, date::text AS date, campaign_id, ad_group_id, spend_micro::text AS spend_micro,
  impressions::text AS impressions, clicks::text AS clicks, outbound_clicks::text AS outbound_clicks,
  conversions::text AS conversions, conversion_value_micro::text AS conversion_value_micro,
  total_conversions::text AS total_conversions, impressions_earned::text AS impressions_earned,
  clicks_earned::text AS clicks_earned, total_conversions_quantity::text AS total_conversions_quantity,
  total_conversions_value_micro::text AS total_conversions_value_micro`;

const byKey = (a: TruthRow, b: TruthRow) =>
  a.ad_id + a.date < b.ad_id + b.date ? -1 : a.ad_id + a.date > b.ad_id + b.date ? 1 : 0;

/** `/__sandbox/truth` for a window, asked with a connection's settings (pinads' defaults when omitted). */
export async function sandboxTruth(
  sandboxUrl: string,
  adAccountId: string,
  start: string,
  end: string,
  settings: Partial<ConnectionSettings> = {},
  accountZone = false,
): Promise<TruthRow[]> {
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
  return ((await res.json()) as { rows: TruthRow[] }).rows.sort(byKey);
}

/** The daily facts of an account's window, shaped like the truth. */
export async function warehouseFacts(
  pool: pg.Pool,
  adAccountId: string,
  start: string,
  end: string,
): Promise<TruthRow[]> {
  const { rows } = await pool.query(
    `SELECT ${FACT_COLUMNS} FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3`,
    [adAccountId, start, end],
  );
  return (rows as TruthRow[]).sort(byKey);
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
