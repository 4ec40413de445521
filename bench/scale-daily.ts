// The daily side of `npm run bench:scale`: what the once-a-day pass (the ad_daily lookback and the catalog's daily
// extras) costs per account and per day, whether 1,000 accounts' passes, spread over their pass hours (6–11), fit one
// login's budget beside the hourly syncs with every hourly window still committing first, and what the finality skip
// saves against re-reading every day of every lookback (`pinads sync --lookback --all-days` on a sample).
import type { CycleResult } from './scale-cycle.ts';

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Simulated minutes of a compressed cycle's seconds. */
const simMin = (s: number, k: number) => round((s * k) / 60);

const ENTITY_ROUTES = [
  'GET /v5/ad_accounts/{ad_account_id}',
  'GET /v5/ad_accounts/{ad_account_id}/campaigns',
  'GET /v5/ad_accounts/{ad_account_id}/ad_groups',
  'GET /v5/ad_accounts/{ad_account_id}/ads',
];

const sum = (cs: CycleResult[], f: (c: CycleResult) => number) => cs.reduce((s, c) => s + f(c), 0);
const analytics = (c: CycleResult) => c.by_category.ads_analytics?.requests ?? 0;

/** The pass hours of one day (cycles `<group> HH`): each fits when every sync of it is done within the hour. */
function passHours(hours: CycleResult[], hour: CycleResult, k: number, connections: number) {
  const worst = hours.reduce((a, b) => (b.max_fired_to_committed_s > a.max_fired_to_committed_s ? b : a));
  return {
    // Each hour fits when every sync of it, pass included, is done within the hour after it fired (before its
    // schedule fires again), and none failed.
    every_pass_hour_fits: hours.every((c) => c.max_fired_to_committed_s * k <= 3600 && c.syncs_failed === 0),
    worst_hour: worst.cycle,
    worst_hour_max_fired_to_done_simulated_min: simMin(worst.max_fired_to_committed_s, k),
    max_fired_to_done_simulated_min_by_hour: Object.fromEntries(
      hours.map((c) => [c.cycle, simMin(c.max_fired_to_committed_s, k)]),
    ),
    // Core first: the hourly windows of the pass hours commit about as fast as in an hour without passes.
    p95_fired_to_hourly_committed_simulated_min: {
      worst_pass_hour: simMin(Math.max(...hours.map((c) => c.p95_fired_to_hourly_committed_s)), k),
      plain_hour: simMin(hour.p95_fired_to_hourly_committed_s, k),
    },
    hourly_windows_committed_per_pass_hour: `${Math.min(...hours.map((c) => c.hourly_windows_committed))}/${connections} at least`,
    last_extra_committed_simulated_min: simMin(
      Math.max(
        0,
        ...hours.flatMap((c) => Object.values(c.pass_by_report).map((r) => r.last_committed_s ?? 0)),
      ),
      k,
    ),
    rate_limited: sum(hours, (c) => c.rate_limited),
    syncs_failed: sum(hours, (c) => c.syncs_failed),
  };
}

export function dailySummary(cycles: CycleResult[], k: number, connections: number) {
  const hour = cycles.find((c) => c.cycle === 'hour');
  const group = (g: string) => cycles.filter((c) => c.cycle.startsWith(`${g} `));
  const daily = group('daily');
  if (!hour || daily.length === 0) return undefined;
  const first = group('daily1');
  const allDays = cycles.find((c) => c.cycle === 'all-days');
  const perSync = (c: CycleResult) => c.api_calls / c.connections;
  // Every connection syncs in every pass hour; what the day's pass hours cost beyond that many plain hourly syncs is
  // the pass, once per account.
  const extra = (sum(daily, (c) => c.api_calls) - daily.length * connections * perSync(hour)) / connections;
  const extraAnalytics =
    (sum(daily, analytics) - (daily.length * connections * analytics(hour)) / hour.connections) / connections;
  const reports = new Map<string, { api_calls: number; rows: number; failed: number }>();
  for (const c of daily)
    for (const [report, r] of Object.entries(c.pass_by_report)) {
      const t = reports.get(report) ?? { api_calls: 0, rows: 0, failed: 0 };
      reports.set(report, {
        api_calls: t.api_calls + r.api_calls,
        rows: t.rows + r.rows,
        failed: t.failed + r.failed,
      });
    }
  const rows = (cs: CycleResult[]) =>
    sum(cs, (c) => Object.values(c.pass_by_report).reduce((s, r) => s + r.rows, 0));
  // The entity lists every hourly sync of these cycles makes: entities are reused for 6 hours (activities/
  // entities.ts), measured against the worker's clock, which runs a day ahead of Postgres's now() that stamps them
  // here, so every sync of the bench refreshes them. A real account refreshes them 4 times a day.
  const entityCalls = ENTITY_ROUTES.reduce((s, r) => s + (hour.requests[r] ?? 0), 0) / hour.connections;
  const reportCalls = perSync(hour) - entityCalls;
  const summary: Record<string, unknown> = {
    // 24 hourly syncs (one of them with the daily pass), 4 entity refreshes: what an account costs Pinterest a day.
    api_calls_per_hourly_sync: round(perSync(hour), 2),
    of_which_entity_refresh: round(entityCalls, 2),
    api_calls_per_daily_pass_sync: round(perSync(hour) + extra, 2),
    extra_api_calls_per_account_per_day: round(extra, 2),
    extra_ads_analytics_calls_per_account_per_day: round(extraAnalytics, 2),
    api_calls_per_account_per_day: round(24 * reportCalls + 4 * entityCalls + extra, 1),
    pass_by_report: Object.fromEntries(
      [...reports].map(([report, r]) => [
        report,
        { api_calls_per_account: round(r.api_calls / connections, 2), rows: r.rows, failed: r.failed },
      ]),
    ),
    readiness_calls_for_the_fleet: sum(daily, (c) => c.readiness_calls),
    steady_day: passHours(daily, hour, k, connections),
    ...(first.length > 0 ? { first_day: passHours(first, hour, k, connections) } : {}),
  };
  if (allDays) {
    // The same day's pass re-reading every day of every report's lookback (no finality skip, no fold).
    const finalityAware = perSync(hour) + extra;
    const saved = perSync(allDays) - finalityAware;
    summary.finality = {
      sample_connections: allDays.connections,
      api_calls_per_sync_all_days: round(perSync(allDays), 2),
      api_calls_per_sync_finality_aware: round(finalityAware, 2),
      api_calls_saved_per_account_per_day: round(saved, 2),
      api_calls_saved_per_day_for_the_fleet: Math.round(saved * connections),
      rows_per_account_all_days: Math.round(rows([allDays]) / allDays.connections),
      rows_per_account_finality_aware: Math.round(rows(daily) / connections),
    };
  }
  return summary;
}
