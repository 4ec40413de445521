// The replace-window loader: one window of one catalog entry for one ad account replaces exactly that window in the
// entry's table, in one transaction, together with the pull record of its dates and (ad_daily) the day's hourly
// spend split and the restatement ledger. It writes whatever the entry declares (catalog/).
import { AD_DAILY } from '../catalog/entries.ts';
import type { NormalizedRow, ReportEntry } from '../catalog/types.ts';
import { addDays } from '../common/dates.ts';
import { type Rows, writeRows } from './bulk-write.ts';
import { boundTransaction, endStuckHolders, LoadLockTimeoutError, lockAccount } from './load-lock.ts';
import { type Day, duplicateRowsError, LoadRejectedError, rowTarget } from './load-target.ts';
import type { LoadTimeouts, Warehouse } from './pool.ts';
import { newTotals, previousTotals, type Restated, recordPulls, recordRestatements } from './pull-record.ts';

export { LOAD_LOCK_NAMESPACE, LoadLockTimeoutError } from './load-lock.ts';
export { LoadRejectedError } from './load-target.ts';

export interface LoadWindowInput<Row extends object = object> {
  adAccountId: string;
  /** Inclusive dates (YYYY-MM-DD) in the reporting zone. */
  window: { start: string; end: string };
  /** Stamped on every fact row; timeZone is the reporting zone ('UTC' or an IANA name). */
  currency: string;
  timeZone: string;
  /** The settings the report was requested with (the window's SettingsSnapshot), stamped on every row. */
  attribution: {
    click_window_days: number;
    engagement_window_days: number;
    view_window_days: number;
    conversion_report_time: string;
  };
  /** Normalized report rows, singly or in batches; the iterator may throw mid-way, which aborts the load. */
  rows: Rows<Row>;
  /** The activity's clock: decides the open day and its hours, and is the pull record's last_pulled_at. */
  now: Date;
  /** When the report was requested (its numbers are no older); finality is judged at this instant. Default now. */
  requestedAt?: Date;
  /** pinads.sync_runs.id of the run, recorded on the pull record and the ledger rows. */
  runId?: string | null;
  /** Override the warehouse's lock wait (LoadTimeouts.lockMs). */
  lockTimeoutMs?: number;
}

/** loadReportWindow's catalog form, as activities call it. */
export type LoadWindow = (
  wh: Warehouse,
  entry: ReportEntry,
  input: LoadWindowInput,
) => Promise<LoadWindowResult>;

export interface LoadWindowResult {
  /** Rows written to the entry's table. */
  dailyRows: number;
  /** Rows the window now has in the ad_hourly_spend view (ad_daily; 0 otherwise). */
  hourlyRows: number;
  /** Account-days the restatement ledger recorded (ad_daily; 0 otherwise). */
  restatements: number;
  /** The money those restatements moved (ad_daily; absent otherwise): for the restated-money counter. */
  restated?: Restated;
  /** Milliseconds the ledger's statements took (reading the previous totals, writing the moved days). */
  ledgerMs: number;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Each day of the window with its hourly spend split (docs/warehouse.md, Hourly spend), which ad_daily's rows store: the first hour and the
 * number of hours. pinterest_ads.ad_hourly_spend is a view that expands them, hour i of n getting floor(S/n) plus one
 * for i < S mod n, so the hours sum to the day's spend by construction. A day runs from local midnight to the next
 * local midnight in the reporting zone, so it has 23, 24 or 25 hours; on the open day only the hours elapsed so far
 * (counting the current one) share the spend. A day still in the future, which only a clock skew produces, gets it
 * all in its first hour. Postgres computes them (its zone rules are the ones the view and every query apply), once
 * per day of the window (at most 186), and day_start::text goes back into the same session's COPY unchanged.
 * (catalog/split.ts is the same rule in TypeScript, for the Airbyte source.) Params: $1 zone, $2 now, $3-$4 window.
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

/** Whole hours from a to b, rounded up: the index of the first hour starting at or after b, for a split from a. */
const hoursUntil = (a: string, b: string) => `ceil(extract(epoch FROM ${b} - ${a}) / 3600)::int`;

/**
 * After a reporting-zone change, the window's days cover some hours of the neighbouring days, which were split in
 * the old zone. Those neighbours keep their spend but re-split it over the hours the window does not cover.
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
  if (input.requestedAt && Number.isNaN(input.requestedAt.getTime()))
    throw new LoadRejectedError('requestedAt is not a valid date');
  if (input.runId != null && !/^\d+$/.test(input.runId))
    throw new LoadRejectedError(`runId ${input.runId} is not a sync_runs id`);
}

function windowDates(w: { start: string; end: string }): string[] {
  const out: string[] = [];
  for (let d = w.start; d <= w.end; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * Replaces one ad account's window of `entry` with the given rows: the window's rows are deleted and re-inserted
 * from the report, so a row absent from it (dropped to zero) disappears. A per-account advisory lock comes first,
 * so an hourly sync and a backfill of the same account never interleave while different accounts load in parallel.
 * The rows then stream straight into the table as the report downloads. Any failure rolls everything back: the
 * warehouse, its pull records and its ledger are exactly as before.
 */
export function loadReportWindow(
  wh: Warehouse,
  entry: ReportEntry,
  input: LoadWindowInput,
): Promise<LoadWindowResult>;
/** The ad-level report (`ad_daily`), as callers from before the catalog wrote it. */
export function loadReportWindow(wh: Warehouse, input: LoadWindowInput): Promise<LoadWindowResult>;
export async function loadReportWindow(
  wh: Warehouse,
  entryOrInput: ReportEntry | LoadWindowInput,
  maybeInput?: LoadWindowInput,
): Promise<LoadWindowResult> {
  const entry = maybeInput ? (entryOrInput as ReportEntry) : AD_DAILY;
  const input = maybeInput ?? (entryOrInput as LoadWindowInput);
  validate(input);
  const timeouts = { ...wh.loadTimeouts, ...(input.lockTimeoutMs ? { lockMs: input.lockTimeoutMs } : {}) };
  try {
    return await inTransaction(wh, timeouts, entry, input);
  } catch (err) {
    if (!(err instanceof LoadLockTimeoutError)) throw err;
    // The holder may be stuck where Postgres cannot cancel it: end it if so, then try once more. No row has been
    // asked of the report yet (the download opens only after the lock), so the retry starts from scratch.
    if ((await endStuck(wh, input.adAccountId)) === 0) throw err;
    return inTransaction(wh, timeouts, entry, input);
  }
}

async function endStuck(wh: Warehouse, adAccountId: string): Promise<number> {
  const client = await wh.loadPool.connect();
  try {
    return await endStuckHolders(client, adAccountId);
  } finally {
    client.release();
  }
}

async function inTransaction(
  wh: Warehouse,
  timeouts: LoadTimeouts,
  entry: ReportEntry,
  input: LoadWindowInput,
): Promise<LoadWindowResult> {
  const { adAccountId, window: w, timeZone } = input;
  const client = await wh.loadPool.connect();
  let healthy = true;
  try {
    await client.query('BEGIN');
    try {
      await boundTransaction(client, timeouts);
      await lockAccount(client, adAccountId);
      const range = [adAccountId, w.start, w.end];
      // The ledger's "before": the totals the window's previous pulls recorded (read before the delete).
      let ledgerMs = -performance.now();
      const previous = entry.restatements ? await previousTotals(client, adAccountId, w) : [];
      ledgerMs += performance.now();
      await client.query(deleteSql(entry), [...range, ...deleteParams(entry)]);
      const dates = windowDates(w);
      const days = new Map<string, Day>(
        dates.map((d) => [d, entry.restatements ? { rows: 0, totals: newTotals() } : { rows: 0 }]),
      );
      if (entry.hourlySplit) {
        const { rows } = await client.query<{ date: string; day_start: string; n: number }>(WINDOW_DAYS, [
          timeZone,
          input.now,
          w.start,
          w.end,
        ]);
        for (const d of rows) Object.assign(days.get(d.date)!, { start: d.day_start, n: d.n });
      }
      const { target, counts } = rowTarget(entry, input, days);
      let written: number;
      try {
        written = await writeRows(client, wh.canCopy, target, input.rows as Rows<NormalizedRow>);
      } catch (err) {
        throw duplicateRowsError(entry, err) ?? err;
      }
      if (entry.hourlySplit) await client.query(TRIM_NEIGHBOURS, [...range, timeZone]);
      const runId = input.runId ?? null;
      const totals = new Map(dates.map((d) => [d, days.get(d)!.totals]));
      ledgerMs -= performance.now();
      const restated = entry.restatements
        ? await recordRestatements(client, { ...input, runId }, previous, totals)
        : undefined;
      ledgerMs += performance.now();
      const a = input.attribution;
      await recordPulls(client, {
        adAccountId,
        report: entry.id,
        timeZone,
        now: input.now,
        requestedAt: input.requestedAt ?? input.now,
        runId,
        conversionReportTime: a.conversion_report_time,
        longestWindowDays: Math.max(a.click_window_days, a.engagement_window_days, a.view_window_days),
        dates,
        rows: dates.map((d) => days.get(d)!.rows),
        ...(entry.restatements ? { totals: dates.map((d) => days.get(d)!.totals!) } : {}),
      });
      await client.query('COMMIT');
      return {
        dailyRows: written,
        hourlyRows: counts.hourly,
        restatements: restated?.days ?? 0,
        ...(restated ? { restated } : {}),
        ledgerMs,
      };
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

/** The delete of a window: the account's dates, narrowed to the entry's targeting types where it has them. */
function deleteSql(entry: ReportEntry): string {
  const base = `DELETE FROM ${entry.table} WHERE ad_account_id = $1 AND date BETWEEN $2::date AND $3::date`;
  return entry.deleteScope === 'account_dates_targeting_types'
    ? `${base} AND targeting_type = ANY($4::text[])`
    : base;
}

function deleteParams(entry: ReportEntry): unknown[] {
  return entry.deleteScope === 'account_dates_targeting_types' ? [entry.targetingTypes ?? []] : [];
}
