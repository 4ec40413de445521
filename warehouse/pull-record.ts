// What a window load records besides its rows, in the same transaction: the pull record of every date of the window
// (pinads.day_pulls, with finality decided now), and for the ad-level report the restatement ledger
// (pinterest_ads.restatements). A pull record keeps the day's totals as that pull left them, and the load sums the
// rows it writes on the way, so the ledger compares two small lists instead of reading the window twice. Every
// statement is set-based: a handful per load, whatever its size.
import type pg from 'pg';

/** An exact sum of non-negative plain decimal texts ("3", "1.25"): an integer scaled by 10^scale. */
export class DecimalSum {
  private units = 0n;
  private scale = 0;

  add(text: string): void {
    if (text === '0') return;
    const dot = text.indexOf('.');
    if (dot < 0) {
      this.units += this.scale === 0 ? BigInt(text) : BigInt(text) * 10n ** BigInt(this.scale);
      return;
    }
    const frac = text.length - dot - 1;
    if (frac > this.scale) {
      this.units *= 10n ** BigInt(frac - this.scale);
      this.scale = frac;
    }
    const digits = BigInt(text.slice(0, dot) + text.slice(dot + 1));
    this.units += frac === this.scale ? digits : digits * 10n ** BigInt(this.scale - frac);
  }

  toString(): string {
    if (this.scale === 0) return this.units.toString();
    const s = this.units.toString().padStart(this.scale + 1, '0');
    return `${s.slice(0, -this.scale)}.${s.slice(-this.scale)}`;
  }
}

/** What the ledger sums per day: the totals it compares. */
export interface DayTotals {
  spend: bigint;
  value: bigint;
  conversions: DecimalSum;
}

export const newTotals = (): DayTotals => ({ spend: 0n, value: 0n, conversions: new DecimalSum() });

/** A date's totals as its previous pull left them, and when that pull was. */
interface Previous {
  date: string;
  spend: string;
  conversions: string;
  value: string;
  pulled_at: Date;
}

/**
 * The previous totals of the window's days: from the pull records, and for a day that has rows but no recorded
 * totals (loaded before pull records kept them) from its rows, read once, before they are deleted.
 * Params: $1 account, $2-$3 window.
 */
const PREVIOUS_TOTALS = `
WITH known AS (
  SELECT date, spend_micro, conversions, conversion_value_micro, last_pulled_at
  FROM pinads.day_pulls
  WHERE ad_account_id = $1 AND report = 'ad_daily' AND date BETWEEN $2::date AND $3::date AND spend_micro IS NOT NULL
),
missing AS (
  SELECT d::date AS date FROM generate_series($2::date, $3::date, interval '1 day') AS d
  WHERE d::date NOT IN (SELECT date FROM known)
)
SELECT date::text AS date, spend_micro::text AS spend, conversions::text AS conversions,
       conversion_value_micro::text AS value, last_pulled_at AS pulled_at
FROM known
UNION ALL
-- One index probe per day without recorded totals (in a steady state: only the day pulled for the first time).
SELECT x.date::text, s.spend::text, s.conversions::text, s.value::text, s.pulled_at
FROM missing x
CROSS JOIN LATERAL (
  SELECT sum(m.spend_micro) AS spend, sum(m.conversions) AS conversions, sum(m.conversion_value_micro) AS value,
         max(m.synced_at) AS pulled_at, count(*) AS n
  FROM pinterest_ads.ad_daily_metrics m WHERE m.ad_account_id = $1 AND m.date = x.date
) s
WHERE s.n > 0`;

export async function previousTotals(
  client: pg.PoolClient,
  adAccountId: string,
  w: { start: string; end: string },
): Promise<Previous[]> {
  return (await client.query<Previous>(PREVIOUS_TOTALS, [adAccountId, w.start, w.end])).rows;
}

/**
 * The ledger rows of this replacement: a day pulled before, already over in its zone at that previous pull (the open
 * day fills up hour by hour, which is no restatement), whose totals moved. A day pulled before with no rows counts
 * as zeros. Params: $1 account, $2 zone, $3 run id, $4 currency, $5-$9 previous (date, spend, conversions, value,
 * pulled at), $10-$12 now (spend, conversions, value), in the same order.
 */
const RECORD_RESTATEMENTS = `
INSERT INTO pinterest_ads.restatements (
  ad_account_id, date, run_id, currency, spend_micro_before, spend_micro_after, conversions_before,
  conversions_after, conversion_value_micro_before, conversion_value_micro_after)
SELECT $1, d.date, $3::bigint, $4, d.spend_before, d.spend_after, d.conversions_before, d.conversions_after,
       d.value_before, d.value_after
FROM unnest($5::date[], $6::bigint[], $7::numeric[], $8::bigint[], $9::timestamptz[], $10::bigint[],
            $11::numeric[], $12::bigint[])
  AS d(date, spend_before, conversions_before, value_before, pulled_at, spend_after, conversions_after, value_after)
WHERE d.pulled_at >= ((d.date + 1)::timestamp AT TIME ZONE $2::text)
  AND (d.spend_before <> d.spend_after OR d.conversions_before <> d.conversions_after
       OR d.value_before <> d.value_after)
RETURNING abs(spend_micro_after - spend_micro_before)::text AS spend_moved,
          abs(conversion_value_micro_after - conversion_value_micro_before)::text AS value_moved`;

/** What a replacement restated: the account-days recorded and the money they moved (|after − before|, micro-units). */
export interface Restated {
  days: number;
  currency: string;
  spendMicro: bigint;
  conversionValueMicro: bigint;
}

export async function recordRestatements(
  client: pg.PoolClient,
  p: { adAccountId: string; timeZone: string; runId: string | null; currency: string },
  previous: Previous[],
  now: Map<string, DayTotals | undefined>,
): Promise<Restated> {
  const moved: Restated = { days: 0, currency: p.currency, spendMicro: 0n, conversionValueMicro: 0n };
  if (previous.length === 0) return moved;
  const after = previous.map((x) => now.get(x.date) ?? newTotals());
  const r = await client.query<{ spend_moved: string; value_moved: string }>(RECORD_RESTATEMENTS, [
    p.adAccountId,
    p.timeZone,
    p.runId,
    p.currency,
    previous.map((x) => x.date),
    previous.map((x) => x.spend),
    previous.map((x) => x.conversions),
    previous.map((x) => x.value),
    previous.map((x) => x.pulled_at),
    after.map((t) => t.spend.toString()),
    after.map((t) => t.conversions.toString()),
    after.map((t) => t.value.toString()),
  ]);
  for (const x of r.rows) {
    moved.days++;
    moved.spendMicro += BigInt(x.spend_moved);
    moved.conversionValueMicro += BigInt(x.value_moved);
  }
  return moved;
}

/**
 * One pull record per date of the window, rows or not, with the totals it now holds (ad_daily). Final: every UTC
 * date the day overlaps had both kinds of metrics ready (pinads.metrics_ready) before the report was requested, and
 * with TIME_OF_AD_ACTION the longest attribution window after the day had also passed then: Pinterest's "ready"
 * does not cover conversions that are still to come and are credited to the day of the ad action.
 * Params: $1 account, $2 report, $3 zone, $4 now (last_pulled_at), $5 requested at, $6 run id, $7 dates,
 * $8 rows per date, $9 conversion_report_time, $10 longest window in days, $11-$13 totals per date (or NULLs).
 */
const RECORD_PULLS = `
INSERT INTO pinads.day_pulls AS p (
  ad_account_id, report, date, time_zone, first_pulled_at, last_pulled_at, last_run_id, rows, is_final, final_at,
  spend_micro, conversions, conversion_value_micro)
SELECT $1, $2, d.date, $3, $4::timestamptz, $4::timestamptz, $6::bigint, d.rows, f.final,
       CASE WHEN f.final THEN $4::timestamptz END, d.spend, d.conversions, d.value
FROM unnest($7::date[], $8::int[], $11::bigint[], $12::numeric[], $13::bigint[])
  AS d(date, rows, spend, conversions, value)
CROSS JOIN LATERAL (
  SELECT coalesce(bool_and(coalesce(m.non_conversion_ready_at <= $5::timestamptz
                                    AND m.conversion_ready_at <= $5::timestamptz, false)), false)
         AND ($9::text <> 'TIME_OF_AD_ACTION'
              OR $5::timestamptz >= ((d.date + 1)::timestamp AT TIME ZONE $3::text) + make_interval(days => $10::int))
         AS final
  FROM pinads.utc_dates_of(d.date, $3::text) AS u(date)
  LEFT JOIN pinads.metrics_ready m ON m.date = u.date
) f
ON CONFLICT (ad_account_id, report, date) DO UPDATE SET
  time_zone = EXCLUDED.time_zone,
  last_pulled_at = EXCLUDED.last_pulled_at,
  last_run_id = EXCLUDED.last_run_id,
  rows = EXCLUDED.rows,
  is_final = EXCLUDED.is_final,
  final_at = CASE WHEN EXCLUDED.is_final THEN coalesce(p.final_at, EXCLUDED.final_at) END,
  spend_micro = EXCLUDED.spend_micro,
  conversions = EXCLUDED.conversions,
  conversion_value_micro = EXCLUDED.conversion_value_micro`;

export interface PullRecord {
  adAccountId: string;
  report: string;
  timeZone: string;
  now: Date;
  requestedAt: Date;
  runId: string | null;
  conversionReportTime: string;
  longestWindowDays: number;
  /** Every date of the window, the rows it now holds and (ad_daily) its totals. */
  dates: string[];
  rows: number[];
  totals?: DayTotals[];
}

export async function recordPulls(client: pg.PoolClient, r: PullRecord): Promise<void> {
  const t = r.totals;
  const nulls = r.dates.map(() => null);
  await client.query(RECORD_PULLS, [
    r.adAccountId,
    r.report,
    r.timeZone,
    r.now,
    r.requestedAt,
    r.runId,
    r.dates,
    r.rows,
    r.conversionReportTime,
    r.longestWindowDays,
    t ? t.map((x) => x.spend.toString()) : nulls,
    t ? t.map((x) => x.conversions.toString()) : nulls,
    t ? t.map((x) => x.value.toString()) : nulls,
  ]);
}
