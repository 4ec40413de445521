// The replace-window loader: one report window of one ad account replaces exactly that window in the warehouse,
// daily facts together with their hourly spend split (stored on the daily row), in one transaction.
import type { DailyFactRow } from '../schemas/report.ts';
import { copyCell, FACT_COLUMNS, type Rows, type RowTarget, writeRows } from './bulk-write.ts';
import type { Warehouse } from './pool.ts';

export interface LoadWindowInput {
  adAccountId: string;
  /** Inclusive dates (YYYY-MM-DD) in the reporting zone. */
  window: { start: string; end: string };
  /** Stamped on every fact row; timeZone is the reporting zone ('UTC' or an IANA name). */
  currency: string;
  timeZone: string;
  attribution: {
    click_window_days: number;
    engagement_window_days: number;
    view_window_days: number;
    conversion_report_time: string;
  };
  /** Normalized report rows, singly or in batches; the iterator may throw mid-way, which aborts the load. */
  rows: Rows<DailyFactRow>;
  /** Decides the open (current) day and how many of its hours have elapsed. */
  now: Date;
  /** How long to wait for the account's load lock before failing (retryably); default LOAD_LOCK_TIMEOUT_MS. */
  lockTimeoutMs?: number;
}

export interface LoadWindowResult {
  dailyRows: number;
  /** Rows the window now has in the ad_hourly_spend view. */
  hourlyRows: number;
}

/** The input itself is unloadable (duplicate ad-days, dates outside the window, bad arguments): do not retry. */
export class LoadRejectedError extends Error {
  override name = 'LoadRejectedError';
}

/** Advisory-lock namespace ("pina") for per-account loads; the second key is hashtext(ad_account_id). */
export const LOAD_LOCK_NAMESPACE = 0x70696e61;

/** Longer than any healthy load of one window holds the lock; shorter than the activity's timeout. */
export const LOAD_LOCK_TIMEOUT_MS = 120_000;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Each day of the window with its hourly spend split (docs/warehouse.md, Hourly spend), which the day's rows store: the first hour and the
 * number of hours. pinterest_ads.ad_hourly_spend is a view that expands them, hour i of n getting floor(S/n) plus one
 * for i < S mod n, so the hours sum to the day's spend by construction. A day runs from local midnight to the next
 * local midnight in the reporting zone, so it has 23, 24 or 25 hours; on the open day only the hours elapsed so far
 * (counting the current one) share the spend. A day still in the future, which only a clock skew produces, gets it
 * all in its first hour. Postgres computes them (its zone rules are the ones the view and every query apply), once
 * per day of the window (at most 186), and day_start::text goes back into the same session's COPY unchanged.
 * Params: $1 zone, $2 now, $3-$4 window.
 */
const WINDOW_DAYS = `
WITH bounds AS (
  SELECT d.date,
         d.date::timestamp AT TIME ZONE $1::text AS day_start,
         (d.date + 1)::timestamp AT TIME ZONE $1::text AS day_end
  FROM (SELECT generate_series($3::date, $4::date, interval '1 day')::date AS date) d
)
SELECT date::text AS date, day_start::text AS day_start,
       least(
         ceil(extract(epoch FROM day_end - day_start) / 3600),
         greatest(1, floor(extract(epoch FROM $2::timestamptz - day_start) / 3600) + 1)
       )::int AS n
FROM bounds`;

/** The daily table's columns as the loader writes them; synced_at takes its default, now(), the transaction's start. */
const DAILY_COLUMNS = [
  ['ad_account_id', 'text'],
  ...FACT_COLUMNS,
  ['currency', 'text'],
  ['time_zone', 'text'],
  ['click_window_days', 'int'],
  ['engagement_window_days', 'int'],
  ['view_window_days', 'int'],
  ['conversion_report_time', 'text'],
  ['split_first_hour', 'timestamptz'],
  ['split_hours', 'smallint'],
] as const;

const FACT_NAMES = FACT_COLUMNS.map(([name]) => name);

interface Split {
  start: string;
  n: number;
}

/**
 * The daily rows as they are written, stamped with the load's constants and their day's split; counts what it wrote.
 * A row dated outside the window has no day here and is refused before it reaches the table.
 */
function dailyTarget(input: LoadWindowInput, days: Map<string, Split>) {
  const a = input.attribution;
  const stamp = [
    input.currency,
    input.timeZone,
    String(a.click_window_days),
    String(a.engagement_window_days),
    String(a.view_window_days),
    a.conversion_report_time,
  ];
  const counts = { hourly: 0 };
  const dayOf = (r: DailyFactRow) => {
    const day = days.get(r.date);
    if (day === undefined) {
      const { start, end } = input.window;
      throw new LoadRejectedError(
        `report row for ad ${r.ad_id} on ${r.date} is outside the window ${start}..${end}`,
      );
    }
    // Zero-spend days have no split (no hourly rows).
    if (r.spend_micro <= 0n) return null;
    counts.hourly += day.n;
    return day;
  };
  // Every report column is required (the old stage was NOT NULL throughout; the Fivetran columns of the table are not).
  const fact = (r: DailyFactRow, name: (typeof FACT_NAMES)[number]) => {
    const v = r[name];
    if (v === undefined || v === null)
      throw new LoadRejectedError(`report row for ad ${r.ad_id} on ${r.date} has no ${name}`);
    return v;
  };
  const account = copyCell(input.adAccountId);
  const stampText = stamp.map(copyCell).join('\t');
  const target: RowTarget<DailyFactRow> = {
    table: 'pinterest_ads.ad_daily_metrics',
    columns: DAILY_COLUMNS,
    cells(r) {
      const split = dayOf(r);
      return [
        input.adAccountId,
        ...FACT_NAMES.map((name) => fact(r, name)),
        ...stamp,
        split ? split.start : null,
        split ? String(split.n) : null,
      ];
    },
    // The same cells, without an array per row: this line is built once per report row.
    copyLine(r) {
      const split = dayOf(r);
      let line = account;
      for (let i = 0; i < FACT_NAMES.length; i++) line += `\t${copyCell(fact(r, FACT_NAMES[i]!))}`;
      return `${line}\t${stampText}\t${split ? `${copyCell(split.start)}\t${split.n}` : '\\N\t\\N'}`;
    },
  };
  return { target, counts };
}

/** Whole hours from a to b, rounded up: the index of the first hour starting at or after b, for a split from a. */
const hoursUntil = (a: string, b: string) => `ceil(extract(epoch FROM ${b} - ${a}) / 3600)::int`;

/**
 * After a reporting-zone change, the window's days cover some hours of the neighbouring days, which were split in
 * the old zone. Those neighbours keep their spend but re-split it over the hours the window does not cover (the old
 * per-hour table deleted those hours instead, so the neighbours' hourly sums fell short of their daily spend).
 * A neighbour wholly covered, which only a zone shift of 24 h or more can produce, is left without a split.
 * Params: $1 ad account, $2-$3 window, $4 zone.
 */
const TRIM_NEIGHBOURS = `
WITH w AS (
  SELECT $2::date::timestamp AT TIME ZONE $4::text AS ws, ($3::date + 1)::timestamp AT TIME ZONE $4::text AS we
),
kept AS (
  SELECT x.ad_id, x.date,
         CASE WHEN x.date > $3::date
              THEN least(x.split_hours, greatest(0, ${hoursUntil('x.split_first_hour', 'w.we')})) ELSE 0 END AS lo,
         CASE WHEN x.date < $2::date
              THEN least(x.split_hours, greatest(0, ${hoursUntil('x.split_first_hour', 'w.ws')})) ELSE x.split_hours END AS hi
  FROM pinterest_ads.ad_daily_metrics x, w
  WHERE x.ad_account_id = $1 AND x.date IN ($2::date - 1, $3::date + 1) AND x.split_hours IS NOT NULL
    AND x.split_first_hour < w.we AND x.split_first_hour + make_interval(hours => x.split_hours) > w.ws
)
UPDATE pinterest_ads.ad_daily_metrics m
SET split_first_hour = CASE WHEN k.hi > k.lo THEN m.split_first_hour + make_interval(hours => k.lo) END,
    split_hours = CASE WHEN k.hi > k.lo THEN k.hi - k.lo END
FROM kept k
WHERE m.ad_account_id = $1 AND m.ad_id = k.ad_id AND m.date = k.date`;

function validate(input: LoadWindowInput): void {
  const { window: w, attribution: a } = input;
  if (!input.adAccountId) throw new LoadRejectedError('adAccountId is empty');
  if (!DATE_RE.test(w.start) || !DATE_RE.test(w.end))
    throw new LoadRejectedError(`window ${w.start}..${w.end} is not YYYY-MM-DD..YYYY-MM-DD`);
  if (w.start > w.end) throw new LoadRejectedError(`window start ${w.start} is after its end ${w.end}`);
  if (!input.currency) throw new LoadRejectedError('currency is empty');
  if (!input.timeZone) throw new LoadRejectedError('timeZone is empty');
  for (const k of ['click_window_days', 'engagement_window_days', 'view_window_days'] as const) {
    if (!Number.isInteger(a[k])) throw new LoadRejectedError(`attribution.${k} must be an integer`);
  }
  if (Number.isNaN(input.now.getTime())) throw new LoadRejectedError('now is not a valid date');
}

/**
 * Replaces one ad account's window with the given rows: the window's daily facts and hourly spend are deleted and
 * re-inserted from the rows, so an ad-day absent from the rows (dropped to zero) disappears. A per-account advisory
 * lock comes first, so an hourly sync and a backfill of the same account never interleave while different accounts
 * load in parallel. The rows then stream straight into the daily table as the report downloads, its split computed on
 * the way, so the server writes while the connector parses (a stage table cost a second full write of every row).
 * Any failure rolls everything back: the warehouse is exactly as before.
 */
export async function loadReportWindow(wh: Warehouse, input: LoadWindowInput): Promise<LoadWindowResult> {
  validate(input);
  const { adAccountId, window: w } = input;
  const client = await wh.pool.connect();
  let healthy = true;
  try {
    await client.query('BEGIN');
    try {
      // A stuck holder of the account lock must not block this load forever: give up, roll back, and let the
      // activity retry (a worker session idle in a transaction is ended by idle_in_transaction_session_timeout).
      await client.query(
        `SET LOCAL lock_timeout = ${Math.trunc(input.lockTimeoutMs ?? LOAD_LOCK_TIMEOUT_MS)}`,
      );
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        LOAD_LOCK_NAMESPACE,
        adAccountId,
      ]);
      const range = [adAccountId, w.start, w.end];
      await client.query(
        `DELETE FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND date BETWEEN $2::date AND $3::date`,
        range,
      );
      const { rows: dayRows } = await client.query<{ date: string; day_start: string; n: number }>(
        WINDOW_DAYS,
        [input.timeZone, input.now, w.start, w.end],
      );
      const days = new Map(dayRows.map((d) => [d.date, { start: d.day_start, n: d.n }]));
      const { target, counts } = dailyTarget(input, days);
      const daily = await writeDaily(client, wh.canCopy, target, input.rows);
      await client.query(TRIM_NEIGHBOURS, [...range, input.timeZone]);
      await client.query('COMMIT');
      return { dailyRows: daily, hourlyRows: counts.hourly };
    } catch (err) {
      // A connection that cannot even roll back is discarded; closing it aborts the transaction server-side.
      await client.query('ROLLBACK').catch(() => {
        healthy = false;
      });
      throw err;
    }
  } finally {
    client.release(!healthy);
  }
}

/**
 * The window was just emptied and every written row is inside it, so a primary-key violation can only mean duplicate
 * ad-days in the report; the violation names the first one, and a good load pays nothing to look for them.
 */
async function writeDaily(
  client: Parameters<typeof writeRows>[0],
  canCopy: boolean,
  target: RowTarget<DailyFactRow>,
  rows: Rows<DailyFactRow>,
): Promise<number> {
  try {
    return await writeRows(client, canCopy, target, rows);
  } catch (err) {
    const e = err as { code?: string; constraint?: string; detail?: string };
    if (e.code !== '23505' || e.constraint !== 'ad_daily_metrics_pkey') throw err;
    // Detail: Key (ad_account_id, ad_id, date)=(<account>, <ad>, <date>) already exists.
    const key = /=\((.*)\) already exists/.exec(e.detail ?? '')?.[1]?.split(', ');
    if (key?.length !== 3) throw new LoadRejectedError('duplicate report rows (the same ad on the same day)');
    throw new LoadRejectedError(`duplicate report rows: ad ${key[1]} on ${key[2]} appears more than once`);
  }
}
