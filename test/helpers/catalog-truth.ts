// Every catalog table of an account and window beside the sandbox's truth of its kind, in the same shape and order
// (each column as text, absent optional ids as null), so tests compare them with toEqual.
import type pg from 'pg';
import { tableColumns } from '../../catalog/index.ts';
import type { ReportEntry } from '../../catalog/types.ts';
import { ConnectionSettings } from '../../schemas/config.ts';

type Row = Record<string, string | null>;
const sorted = (rows: Row[]) =>
  rows.sort((a, b) => (JSON.stringify(Object.values(a)) < JSON.stringify(Object.values(b)) ? -1 : 1));

export async function catalogRows(
  pool: pg.Pool,
  entry: ReportEntry,
  account: string,
  w: { start: string; end: string },
): Promise<Row[]> {
  const cols = tableColumns(entry).map((x) => x.name);
  const { rows } = await pool.query<Row>(
    `SELECT ${cols.map((x) => `${x}::text AS ${x}`).join(', ')} FROM ${entry.table}
     WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3`,
    [account, w.start, w.end],
  );
  return sorted(rows.map((r) => Object.fromEntries(cols.map((k) => [k, r[k] ?? null]))));
}

const KIND: Record<string, string> = {
  ad_daily: 'ad',
  ad_targeting_daily: 'targeting',
  keyword_daily: 'keyword',
  ad_custom_conversions_daily: 'custom_conversions',
};

export async function catalogTruth(
  sandboxUrl: string,
  entry: ReportEntry,
  account: string,
  w: { start: string; end: string },
  settings: Partial<ConnectionSettings> = {},
): Promise<Row[]> {
  const cols = tableColumns(entry).map((x) => x.name);
  const s = ConnectionSettings.parse(settings);
  const params = {
    ad_account_id: account,
    start_date: w.start,
    end_date: w.end,
    click_window_days: String(s.click_window_days),
    engagement_window_days: String(s.engagement_window_days),
    view_window_days: String(s.view_window_days),
    conversion_report_time: s.conversion_report_time,
    ...(s.reporting_time_zone === 'account' ? { reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' } : {}),
  };
  const asks = entry.targetingTypes
    ? entry.targetingTypes.map((t) => ({ ...params, kind: 'targeting', targeting_type: t }))
    : [{ ...params, kind: KIND[entry.id] ?? 'ad' }];
  const rows: Record<string, unknown>[] = [];
  for (const q of asks) {
    const res = await fetch(`${sandboxUrl}/__sandbox/truth?${new URLSearchParams(q)}`);
    if (!res.ok) throw new Error(`truth: ${res.status} ${await res.text()}`);
    rows.push(...((await res.json()) as { rows: Record<string, unknown>[] }).rows);
  }
  return sorted(
    rows.map((r) => Object.fromEntries(cols.map((k) => [k, (r[k] as string | undefined) ?? null]))),
  );
}
