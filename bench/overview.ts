// `npm run bench:overview`: the dashboard home page (the agency overview) at BENCH_OVERVIEW_CONNECTIONS connections
// (default 1,000), on the real Postgres. A synthetic agency (test/helpers/fleet.ts): each account with
// BENCH_OVERVIEW_ADS ads (20) and BENCH_OVERVIEW_DAYS days of facts (30), BENCH_OVERVIEW_RUNS hourly runs per
// connection (720: a month), open alerts on one connection in 20. Measured, median of BENCH_OVERVIEW_REPEAT (9):
//   overview_server_ms     the overview statement's execution time in Postgres (EXPLAIN ANALYZE), all connections
//   overview_page_ms       the whole home page in-process: zones by core's rule, both queries, the HTML
//   baseline_old_home_ms   the home page's statement before the overview (last run, last success and last error of
//                          every connection by scanning pinads.sync_runs), same data, same run
//   baseline_per_connection_ms  the naive overview: the report's totals query once per connection (N round trips)
// Writes bench/overview-results.json and prints a table.
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { addDays } from '../common/dates.ts';
import { loadOverview, parseOverviewQuery } from '../dashboard/overview.ts';
import { homePage } from '../dashboard/pages/home.ts';
import { createTestDatabase } from '../test/helpers/db.ts';
import { seedFleet } from '../test/helpers/fleet.ts';
import { migrate } from '../warehouse/migrate.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import { overviewReport } from '../warehouse/reports.ts';

const env = (k: string, d: number) => Number(process.env[k] ?? d);
const N = env('BENCH_OVERVIEW_CONNECTIONS', 1000);
const ADS = env('BENCH_OVERVIEW_ADS', 20);
const DAYS = env('BENCH_OVERVIEW_DAYS', 30);
const RUNS = env('BENCH_OVERVIEW_RUNS', 720);
const REPEAT = env('BENCH_OVERVIEW_REPEAT', 9);
const log = (m: string) =>
  process.stderr.write(`[bench:overview ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

// The home page's statement before the overview (warehouse/dashboard-queries.ts, summaries of every connection).
const OLD_HOME = `
  SELECT c.id, c.name, c.ad_account_id, c.status, c.status_reason, a.name AS account_name, a.currency, a.time_zone,
         last.started_at AS last_run_at, last.status AS last_run_status,
         ok.finished_at AS last_success_at, err.error AS last_error, err.started_at AS last_error_at
    FROM pinads.connections c
    LEFT JOIN pinterest_ads.ad_accounts a ON a.id = c.ad_account_id
    LEFT JOIN LATERAL (SELECT started_at, status FROM pinads.sync_runs r
                        WHERE r.connection_id = c.id ORDER BY started_at DESC LIMIT 1) last ON true
    LEFT JOIN LATERAL (SELECT max(finished_at) AS finished_at FROM pinads.sync_runs r
                        WHERE r.connection_id = c.id AND r.status = 'succeeded') ok ON true
    LEFT JOIN LATERAL (SELECT error, started_at FROM pinads.sync_runs r
                        WHERE r.connection_id = c.id AND r.status = 'failed'
                        ORDER BY started_at DESC LIMIT 1) err ON true
   ORDER BY c.created_at, c.id`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: plans and pages cached, as on a dashboard in use
  const out: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

async function main() {
  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    load_average_at_start: loadavg().map((l) => Math.round(l * 10) / 10),
  };
  const db = await createTestDatabase('pinads_overview');
  const wh = await openWarehouse(db.url);
  try {
    await migrate(wh.pool);
    const today = new Date().toISOString().slice(0, 10);
    log(`seeding ${N} connections × ${ADS} ads × ${DAYS} days, ${RUNS} hourly runs each`);
    const t0 = performance.now();
    await seedFleet(wh.pool, {
      connections: N,
      adsPerAccount: ADS,
      days: DAYS,
      runsPerConnection: RUNS,
      today,
    });
    await wh.pool.query('ANALYZE');
    const seeded_s = round((performance.now() - t0) / 1000);
    const counts = (
      await wh.pool.query(
        `SELECT (SELECT count(*) FROM pinterest_ads.ad_daily_metrics)::int AS facts,
                (SELECT count(*) FROM pinads.sync_runs)::int AS runs`,
      )
    ).rows[0];
    log(
      `seeded in ${seeded_s} s: ${counts.facts} fact rows, ${counts.runs} runs; measuring (median of ${REPEAT})`,
    );

    const q = parseOverviewQuery(new URLSearchParams());
    let sql = '';
    let params: unknown[] = [];
    // The statement the page runs, captured once, then EXPLAIN ANALYZE'd for the server's own execution time.
    const spy = {
      query: (text: string, values: unknown[]) => {
        if (text.includes('unnest($1::text[], $2::text[], $3::date[])')) {
          sql = text;
          params = values;
        }
        return wh.pool.query(text, values);
      },
    };
    const view = await loadOverview(spy as never, q);
    if (view.rows.length !== N)
      throw new Error(`the overview showed ${view.rows.length} of ${N} connections`);
    const serverTimes: number[] = [];
    for (let i = 0; i <= REPEAT; i++) {
      const { rows } = await wh.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      if (i > 0) serverTimes.push(rows[0]['QUERY PLAN'][0]['Execution Time']);
    }
    const ctx = { csrf: 'x', gated: false, assets: { css: 'x', js: 'x' } };
    const page_ms = await timeIt(async () => homePage(ctx, await loadOverview(wh.pool, q)));
    const sample = await loadOverview(wh.pool, q);
    const r0 = performance.now();
    const html_bytes = homePage(ctx, sample).toString().length;
    const page_parts_ms = { ...sample.timings, render: performance.now() - r0 };
    const old_ms = await timeIt(() => wh.pool.query(OLD_HOME));
    const accounts = view.rows.map((r) => ({ id: r.ad_account_id!, today: r.today! }));
    const perConnection_ms = await timeIt(async () => {
      for (const a of accounts)
        await overviewReport(wh.pool, { adAccountId: a.id, from: addDays(a.today, -6), to: a.today });
    });
    const results = {
      connections: N,
      ads_per_account: ADS,
      days_of_facts: DAYS,
      fact_rows: counts.facts,
      sync_runs_rows: counts.runs,
      seeded_s,
      overview_server_ms: round(median(serverTimes)),
      overview_page_ms: round(page_ms),
      html_bytes,
      page_parts_ms: Object.fromEntries(Object.entries(page_parts_ms).map(([k, v]) => [k, round(v)])),
      baseline_old_home_ms: round(old_ms),
      page_vs_old_home: round(old_ms / page_ms),
      baseline_per_connection_ms: round(perConnection_ms),
      page_vs_per_connection: round(perConnection_ms / page_ms),
      machine: { ...machine, load_average_at_end: loadavg().map((l) => Math.round(l * 10) / 10) },
    };
    await writeFile(
      fileURLToPath(new URL('./overview-results.json', import.meta.url)),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    process.stdout.write(
      [
        `agency overview, ${N} connections (${counts.facts} fact rows, ${counts.runs} sync runs), median of ${REPEAT}`,
        `  overview statement, Postgres execution time   ${results.overview_server_ms} ms`,
        `  whole home page in-process (queries + HTML)    ${results.overview_page_ms} ms (${Math.round(html_bytes / 1024)} KiB of HTML)`,
        `    (one page: ${Object.entries(results.page_parts_ms)
          .map(([k, v]) => `${k} ${v} ms`)
          .join(', ')})`,
        `  baseline: old home statement (sync_runs scans) ${results.baseline_old_home_ms} ms (${results.page_vs_old_home}× the page)`,
        `  baseline: report totals per connection (N×)    ${results.baseline_per_connection_ms} ms (${results.page_vs_per_connection}× the page)`,
        `  machine: ${machine.cpus}, load average ${machine.load_average_at_start.join(' ')} → ${results.machine.load_average_at_end.join(' ')}`,
        '',
      ].join('\n'),
    );
  } finally {
    await wh.close();
    await db.drop();
  }
}

await main();
