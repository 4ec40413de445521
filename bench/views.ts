// `npm run bench:views`: what the conversion event and finality (migrations 016, 021) cost the reporting views, as a
// ratio against the views as 004 made them, recreated in a scratch schema and read in the same run on the same data.
// A synthetic agency (test/helpers/fleet.ts) of BENCH_VIEWS_CONNECTIONS connections (default 300) × 20 ads × 30
// days, a pull record for every account-day (one in four final), and one connection in 20 counting an
// advertiser-defined event whose rows (two events, one ad-day in three) sit in ad_custom_conversions_daily.
// Measured, median of BENCH_VIEWS_REPEAT (9), for three reads:
//   fleet_8_days      every account's last 8 days from overview_daily (what the agency overview sums)
//   overview_30_days  one account's 30 days (pinads report overview, the connection page's KPIs)
//   channels_ad       one account's 30 days by ad from channels_report (the Channels tree's largest level)
// Writes bench/views-results.json and prints a table.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../test/helpers/db.ts';
import { fleetAccountId, seedFleet } from '../test/helpers/fleet.ts';
import { migrate } from '../warehouse/migrate.ts';
import { openWarehouse } from '../warehouse/pool.ts';

const N = Number(process.env.BENCH_VIEWS_CONNECTIONS ?? 300);
const REPEAT = Number(process.env.BENCH_VIEWS_REPEAT ?? 9);
const log = (m: string) =>
  process.stderr.write(`[bench:views ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const db = await createTestDatabase('pinads_bench_views');
  const wh = await openWarehouse(db.url);
  try {
    await migrate(wh.pool);
    const today = new Date().toISOString().slice(0, 10);
    log(`seeding ${N} connections × 20 ads × 30 days`);
    await seedFleet(wh.pool, { connections: N, adsPerAccount: 20, days: 30, runsPerConnection: 1, today });
    await wh.pool.query(
      `INSERT INTO pinads.day_pulls (ad_account_id, report, date, time_zone, first_pulled_at, last_pulled_at, rows,
         is_final)
       SELECT ad_account_id, r, date, 'UTC', now(), now(), 20, extract(day FROM date)::int % 4 = 0
         FROM (SELECT DISTINCT ad_account_id, date FROM pinterest_ads.ad_daily_metrics) d,
              unnest(ARRAY['ad_daily', 'ad_custom_conversions_daily']) r;
       UPDATE pinads.connections SET settings = settings || '{"conversion_event": "custom:lead_form"}'
        WHERE right(id, 5)::int % 20 = 3;
       INSERT INTO pinterest_ads.ad_custom_conversions_daily (ad_account_id, ad_id, date, event_name, campaign_id,
         ad_group_id, currency, time_zone, conversions, conversion_value_micro, click_window_days,
         engagement_window_days, view_window_days, conversion_report_time)
       SELECT m.ad_account_id, m.ad_id, m.date, e, m.campaign_id, m.ad_group_id, m.currency, m.time_zone, 1, 5000000,
              30, 30, 1, 'TIME_OF_CONVERSION'
         FROM pinterest_ads.ad_daily_metrics m, unnest(ARRAY['lead_form', 'newsletter']) e
        WHERE (hashtext(m.ad_id) + extract(day FROM m.date)::int) % 3 = 0;
       ANALYZE`,
    );
    // The views as 004 made them, in a scratch schema: the baseline of this run.
    const v004 = await readFile(
      fileURLToPath(new URL('../warehouse/migrations/004_views.sql', import.meta.url)),
      'utf8',
    );
    await wh.pool.query(
      `CREATE SCHEMA bench_baseline; ${v004.replace(/VIEW pinterest_ads\./g, 'VIEW bench_baseline.')}`,
    );
    const one = fleetAccountId(3); // an account counting a custom event
    const reads = (schema: string) => ({
      fleet_8_days: `SELECT ad_account_id, sum(spend), sum(conversions), sum(revenue) FROM ${schema}.overview_daily
                      WHERE date >= $1::date - 7 GROUP BY 1`,
      overview_30_days: `SELECT * FROM ${schema}.overview_daily
                          WHERE ad_account_id = '${one}' AND date BETWEEN $1::date - 29 AND $1::date`,
      channels_ad: `SELECT entity_id, sum(purchases), sum(revenue), sum(spend) FROM ${schema}.channels_report
                     WHERE level = 'ad' AND ad_account_id = '${one}' AND date BETWEEN $1::date - 29 AND $1::date
                     GROUP BY 1`,
    });
    const time = async (sql: string) => {
      await wh.pool.query(sql, [today]);
      const out: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const t = performance.now();
        await wh.pool.query(sql, [today]);
        out.push(performance.now() - t);
      }
      return median(out);
    };
    const results: Record<string, { baseline_ms: number; views_ms: number; ratio: number }> = {};
    const [base, now] = [reads('bench_baseline'), reads('pinterest_ads')];
    for (const k of Object.keys(now) as (keyof typeof now)[]) {
      const [b, v] = [await time(base[k]), await time(now[k])];
      results[k] = {
        baseline_ms: Math.round(b * 10) / 10,
        views_ms: Math.round(v * 10) / 10,
        ratio: Math.round((v / b) * 100) / 100,
      };
      log(
        `${k}: ${results[k].views_ms} ms, ${results[k].ratio}× the 004 views (${results[k].baseline_ms} ms)`,
      );
    }
    const out = {
      connections: N,
      machine: {
        cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
        load_average: loadavg().map((l) => Math.round(l * 10) / 10),
      },
      results,
    };
    await writeFile(
      fileURLToPath(new URL('./views-results.json', import.meta.url)),
      `${JSON.stringify(out, null, 2)}\n`,
    );
    console.table(results);
  } finally {
    await wh.close();
    await db.drop();
  }
}

await main();
