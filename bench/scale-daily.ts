// The daily side of `npm run bench:scale`: what the once-a-day pass (the ad_daily lookback and the catalog's daily
// extras) costs per account and per day, whether 1,000 accounts' passes fit one login's budget beside the hourly
// syncs with every hourly window still committing first, and what the finality skip saves against re-reading every
// day of every lookback (`pinads sync --lookback --all-days` on a sample).
import type { CycleResult } from './scale-cycle.ts';

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Simulated minutes of a compressed cycle's seconds. */
const simMin = (s: number, k: number) => round((s * k) / 60);

export function dailySummary(cycles: CycleResult[], k: number, connections: number) {
  const hour = cycles.find((c) => c.cycle === 'hour');
  const daily = cycles.find((c) => c.cycle === 'daily');
  if (!hour || !daily) return undefined;
  const allDays = cycles.find((c) => c.cycle === 'all-days');
  const perSync = (c: CycleResult) => c.api_calls / c.connections;
  const analyticsPerSync = (c: CycleResult) => (c.by_category.ads_analytics?.requests ?? 0) / c.connections;
  const extra = perSync(daily) - perSync(hour);
  const byReport = Object.fromEntries(
    Object.entries(daily.pass_by_report).map(([report, r]) => [
      report,
      { api_calls_per_account: round(r.api_calls / daily.connections, 2), rows: r.rows, failed: r.failed },
    ]),
  );
  const summary: Record<string, unknown> = {
    // 23 hourly syncs and one sync with the daily pass: what an account costs Pinterest in a day.
    api_calls_per_hourly_sync: round(perSync(hour), 2),
    api_calls_per_daily_pass_sync: round(perSync(daily), 2),
    extra_api_calls_per_account_per_day: round(extra, 2),
    extra_ads_analytics_calls_per_account_per_day: round(analyticsPerSync(daily) - analyticsPerSync(hour), 2),
    api_calls_per_account_per_day: round(23 * perSync(hour) + perSync(daily), 1),
    pass_by_report: byReport,
    readiness_calls_for_the_fleet: daily.readiness_calls,
    // The hour after 06:00 carries every account's pass: it fits when every sync of it, pass included, is done
    // within the hour after it fired (before its schedule fires again), and none failed.
    daily_hour_simulated_makespan_min: simMin(daily.makespan_s, k),
    daily_hour_max_fired_to_done_simulated_min: simMin(daily.max_fired_to_committed_s, k),
    daily_hour_fits: daily.max_fired_to_committed_s * k <= 3600 && daily.syncs_failed === 0,
    // Core first: the hourly windows of the daily hour commit as fast as in an hour without passes.
    p95_fired_to_hourly_committed_simulated_min: {
      daily_hour: simMin(daily.p95_fired_to_hourly_committed_s, k),
      plain_hour: simMin(hour.p95_fired_to_hourly_committed_s, k),
    },
    hourly_windows_committed_in_daily_hour: `${daily.hourly_windows_committed}/${connections}`,
    last_extra_committed_simulated_min: simMin(
      Math.max(0, ...Object.values(daily.pass_by_report).map((r) => r.last_committed_s ?? 0)),
      k,
    ),
  };
  if (allDays) {
    // The same day's pass re-reading every day of every report's lookback (no finality skip, no fold).
    const saved = perSync(allDays) - perSync(daily);
    const rows = (c: CycleResult) => Object.values(c.pass_by_report).reduce((s, r) => s + r.rows, 0);
    summary.finality = {
      sample_connections: allDays.connections,
      api_calls_per_sync_all_days: round(perSync(allDays), 2),
      api_calls_per_sync_finality_aware: round(perSync(daily), 2),
      api_calls_saved_per_account_per_day: round(saved, 2),
      api_calls_saved_per_day_for_the_fleet: Math.round(saved * connections),
      rows_per_account_all_days: Math.round(rows(allDays) / allDays.connections),
      rows_per_account_finality_aware: Math.round(rows(daily) / daily.connections),
    };
  }
  return summary;
}
