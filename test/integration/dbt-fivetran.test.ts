// Real dbt on a warehouse loaded by real syncs: the project in test/dbt reads every Fivetran table and column through
// source(), with the packages' expressions, and its tests (grain, not-null, spend equality) must pass. Then the same
// on the embedded PGlite warehouse, and a warehouse that breaks the contract must make dbt test fail. The keyword,
// country and region models (the daily targeting and keyword reports the lookback syncs' daily passes pulled) build
// with rows and their spend equals the truth and pinads' tables.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { fetchTruth, type KeywordTruthRow, type TargetingTruthRow } from '../../sandbox/testing.ts';
import type { ConnectionSettings } from '../../schemas/config.ts';
import type { DailyFactRow } from '../../schemas/report.ts';
import { startEmbeddedWarehouse } from '../../warehouse/embedded.ts';
import { upsertAdAccount, upsertEntities } from '../../warehouse/entities.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { runPinads } from '../helpers/cli.ts';
import { assertDbtOk, cleanupDbt, type DbtRun, dbtTarget, requireDbt, runDbt } from '../helpers/dbt.ts';
import { FIVETRAN_TABLES } from '../helpers/fivetran.ts';
import { type Harness, startHarness, type TruthRow, utcToday } from '../helpers/harness.ts';

let h: Harness;
const today = utcToday();
/** Per account: the settings it syncs with and the span its syncs loaded. */
const loaded: {
  id: string;
  currency: string;
  connectionId: string;
  settings: Partial<ConnectionSettings>;
  from: string;
  to: string;
}[] = [];

/** micro-units → exact decimal text without trailing zeros; numeric text from Postgres → the same normal form. */
const micro = (n: bigint) => norm(`${n / 1_000_000n}.${(n % 1_000_000n).toString().padStart(6, '0')}`);
const norm = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
const sum = (rows: TruthRow[], ...f: (keyof TruthRow)[]) =>
  rows.reduce((s, r) => s + f.reduce((t, k) => t + BigInt(r[k]), 0n), 0n);

function measure(run: DbtRun, label: string) {
  const tables = run.results.results.filter((r) => r.unique_id.includes('.pinterest_ads__'));
  const rows = tables.reduce((s, r) => s + (r.adapter_response?.rows_affected ?? 0), 0);
  // Reported, never asserted: figures for the note and docs/performance.md (machine: this CI box).
  console.log(
    `${label}: ${run.results.results.length} models, ${rows} rows in ${tables.length} tables, ${(run.wallMs / 1000).toFixed(1)} s wall`,
  );
  return rows;
}

beforeAll(async () => {
  requireDbt(); // fails the file with install instructions, never skips it
  h = await startHarness();
  const [usd, eur, jpy] = h.sandbox.info.ad_accounts;
  const plan = [
    { acct: usd!, settings: { lookback_days: 14 } },
    { acct: eur!, settings: { lookback_days: 14, reporting_time_zone: 'account' as const } },
    { acct: jpy!, settings: {} },
  ];
  for (const { acct, settings } of plan) {
    const conn = await h.connect(acct.id, settings);
    // Lookback syncs: their daily pass pulls the targeting and keyword reports too (and the keywords and geo names
    // they name), which the keyword, country and region models read.
    await h.sync(conn.id, { mode: 'lookback' });
    loaded.push({
      id: acct.id,
      currency: acct.currency,
      connectionId: conn.id,
      settings,
      ...(await pulled(acct.id)),
    });
  }
});

/** The days a report's pulls cover, from the pull record (a daily pass may fold or add days beyond its windows). */
async function pulled(adAccountId: string, report = 'ad_daily'): Promise<{ from: string; to: string }> {
  const { rows } = await h.wh.pool.query(
    `SELECT min(date)::text AS from, max(date)::text AS to FROM pinads.day_pulls
      WHERE ad_account_id = $1 AND report = $2`,
    [adAccountId, report],
  );
  return rows[0];
}
afterAll(async () => {
  await h?.close();
  await cleanupDbt();
});

/** dbt starts in ~10 s and runs 21 models; on a loaded 2-core machine one invocation can take a minute. */
const DBT_TIMEOUT = 600_000;

describe('Fivetran dbt compatibility, with real dbt', () => {
  it(
    'fills rows loaded before migration 008 when a backfill restates them (pinads backfill)',
    async () => {
      const jpy = loaded[2]!;
      // What a warehouse upgraded from 0.1 holds: the old rows, the new columns NULL.
      await h.wh.pool.query(
        `UPDATE pinterest_ads.ad_daily_metrics SET impressions_earned = NULL, clicks_earned = NULL,
              total_conversions_quantity = NULL, total_conversions_value_micro = NULL WHERE ad_account_id = $1`,
        [jpy.id],
      );
      const nulls = await h.wh.pool.query(
        'SELECT count(*)::int AS n FROM pinterest_ads.pin_promotion_report WHERE advertiser_id = $1 AND impression_2 IS NULL',
        [jpy.id],
      );
      expect(nulls.rows[0].n).toBeGreaterThan(0);
      const from = addDays(today, -20);
      const r = await runPinads(
        ['backfill', jpy.connectionId, '--from', from, '--to', today, '--wait'],
        h.cliEnv(),
      );
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 0,
        stderr: expect.stringMatching(/^backfill /),
      });
      expect(r.stdout).toMatch(/backfill done/);
      jpy.from = from;
      const truth = await h.truth(jpy.id, from, today);
      expect(await h.facts(jpy.id, from, today)).toEqual(truth);
      expect(sum(truth, 'impressions_earned')).toBeGreaterThan(0n);
    },
    DBT_TIMEOUT,
  );

  let pg: DbtRun;
  it(
    'builds every model with dbt run',
    async () => {
      pg = await runDbt(['run'], dbtTarget(h.db.url));
      assertDbtOk(pg, 'dbt run (Postgres)');
      expect(measure(pg, 'dbt run on Postgres')).toBeGreaterThan(0);
    },
    DBT_TIMEOUT,
  );

  it('declares every Fivetran table and column as a source, and its staging model reads each one', () => {
    const sources = Object.values(pg.manifest.sources).filter((s) => s.source_name === 'pinterest_ads');
    expect(Object.fromEntries(sources.map((s) => [s.name, Object.keys(s.columns).sort()]))).toEqual(
      Object.fromEntries(Object.entries(FIVETRAN_TABLES).map(([t, cols]) => [t, Object.keys(cols).sort()])),
    );
    const models = Object.values(pg.manifest.nodes).filter((n) => n.resource_type === 'model');
    for (const [table, cols] of Object.entries(FIVETRAN_TABLES)) {
      const stg = models.find((n) => n.name === `stg_pinterest_ads__${table}`);
      expect(stg, table).toBeDefined();
      for (const c of Object.keys(cols))
        expect({ table, c, read: new RegExp(`\\b${c}\\b`).test(stg!.compiled_code ?? '') }).toEqual({
          table,
          c,
          read: true,
        });
    }
  });

  it(
    'passes dbt test: unique, non-NULL grain per report, sum(spend) equal to the facts at each level and per keyword, country and region',
    async () => {
      const t = await runDbt(['test'], dbtTarget(h.db.url));
      assertDbtOk(t, 'dbt test (Postgres)');
      const ran = t.results.results.map((r) => r.unique_id).join(' ');
      expect(ran).toMatch(/assert_spend_equals_ad_daily_metrics/);
      // The keyword, country and region models per row of their grain, against keyword_daily_metrics and
      // ad_targeting_daily_metrics.
      expect(ran).toMatch(/assert_extras_spend_equals_facts/);
    },
    DBT_TIMEOUT,
  );

  it('builds the keyword, country and region models with rows, their spend equal to the truth', async () => {
    const truthOf = async <R extends { spend_micro: string }>(
      kind: string,
      report: string,
      extra: Record<string, string> = {},
    ) => {
      let total = 0n;
      for (const a of loaded) {
        const { from, to } = await pulled(a.id, report);
        for (const r of await fetchTruth<R>(h.sandbox.info, {
          ad_account_id: a.id,
          start_date: from,
          end_date: to,
          kind,
          click_window_days: '30',
          engagement_window_days: '30',
          view_window_days: '1',
          conversion_report_time: 'TIME_OF_CONVERSION',
          ...(a.settings.reporting_time_zone === 'account'
            ? { reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' }
            : {}),
          ...extra,
        }))
          total += BigInt(r.spend_micro);
      }
      return total;
    };
    const model = async (name: string) =>
      (
        await h.wh.pool.query(
          `SELECT count(*)::int AS n, sum(spend)::text AS spend FROM dbt_pinads.pinterest_ads__${name}`,
        )
      ).rows[0];
    for (const [name, truth] of [
      ['keyword_report', await truthOf<KeywordTruthRow>('keyword', 'keyword_daily')],
      [
        'campaign_country_report',
        await truthOf<TargetingTruthRow>('targeting', 'ad_targeting_daily', { targeting_type: 'COUNTRY' }),
      ],
      [
        'campaign_region_report',
        await truthOf<TargetingTruthRow>('targeting', 'ad_targeting_daily', { targeting_type: 'REGION' }),
      ],
    ] as const) {
      const m = await model(name);
      expect({ name, rows: m.n > 0, spend: norm(m.spend) }).toEqual({
        name,
        rows: true,
        spend: micro(truth),
      });
    }
  });

  it("gives each advertiser the truth's paid+earned clicks and impressions, spend and conversion value", async () => {
    for (const a of loaded) {
      const truth = await h.truth(a.id, a.from, a.to, a.settings);
      const { rows } = await h.wh.pool.query(
        `SELECT currency_code, count(*)::int AS days, sum(spend)::text AS spend, sum(clicks)::text AS clicks,
                sum(impressions)::text AS impressions, sum(total_conversions_value)::text AS value,
                sum(total_conversions_quantity)::text AS quantity
           FROM dbt_pinads.pinterest_ads__advertiser_report WHERE advertiser_id = $1 GROUP BY currency_code`,
        [a.id],
      );
      expect(rows.map((r) => ({ ...r, spend: norm(r.spend), value: norm(r.value) }))).toEqual([
        {
          currency_code: a.currency,
          days: new Set(truth.map((r) => r.date)).size,
          spend: micro(sum(truth, 'spend_micro')),
          clicks: String(sum(truth, 'clicks', 'clicks_earned')),
          impressions: String(sum(truth, 'impressions', 'impressions_earned')),
          value: micro(sum(truth, 'total_conversions_value_micro')),
          quantity: String(sum(truth, 'total_conversions_quantity')),
        },
      ]);
    }
    const utm = await h.wh.pool.query(
      `SELECT count(*)::int AS n FROM dbt_pinads.pinterest_ads__url_report WHERE utm_source = 'pinterest'`,
    );
    expect(utm.rows[0].n).toBeGreaterThan(0);
  });

  it(
    'runs the same project on the embedded PGlite warehouse over pglite-socket',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pinads-dbt-pglite-'));
      const embedded = await startEmbeddedWarehouse({ dataDir: join(dir, 'warehouse') });
      const lite = await openWarehouse(embedded.url);
      try {
        await migrate(lite.pool);
        // One account (the smallest, JPY) keeps PGlite's share of the suite's time modest.
        await copyWarehouse(h.wh, lite, loaded[2]!.id);
        const run = await runDbt(['run'], dbtTarget(embedded.url));
        assertDbtOk(run, 'dbt run (PGlite)');
        measure(run, 'dbt run on PGlite');
        assertDbtOk(await runDbt(['test'], dbtTarget(embedded.url)), 'dbt test (PGlite)');
        const totals = async (w: Warehouse) =>
          (
            await w.pool.query(
              `SELECT advertiser_id, sum(spend)::text AS spend, sum(clicks)::text AS clicks
               FROM dbt_pinads.pinterest_ads__advertiser_report WHERE advertiser_id = $1 GROUP BY 1`,
              [loaded[2]!.id],
            )
          ).rows.map((r) => ({ ...r, spend: norm(r.spend) }));
        const liteTotals = await totals(lite);
        expect(liteTotals).toHaveLength(1);
        expect(liteTotals).toEqual(await totals(h.wh));
      } finally {
        await lite.close();
        await embedded.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
    DBT_TIMEOUT,
  );

  it(
    'fails dbt test when a report breaks its grain, lacks a currency, or no longer sums to the facts',
    async () => {
      const usd = loaded[0]!;
      // The same ad id under an account we never synced: two rows per ad-day, and no advertiser_history currency.
      // Copied whole (SELECT *), so the statement holds whatever columns the fact table gains later.
      await h.wh.pool.query(
        `INSERT INTO pinterest_ads.ad_daily_metrics
         SELECT (jsonb_populate_record(NULL::pinterest_ads.ad_daily_metrics,
                                       to_jsonb(m) || '{"ad_account_id": "unknown-account"}')).*
           FROM pinterest_ads.ad_daily_metrics m
          WHERE m.ctid = (SELECT ctid FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 ORDER BY ad_id, date LIMIT 1)`,
        [usd.id],
      );
      assertDbtOk(
        await runDbt(['run', '--select', 'pinterest_ads__ad_report'], dbtTarget(h.db.url)),
        'dbt run (ad report)',
      );
      // Facts that changed after the models were built: the spend equality must notice.
      await h.wh.pool.query(
        `DELETE FROM pinterest_ads.ad_daily_metrics WHERE ctid = (
         SELECT ctid FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND spend_micro > 0 LIMIT 1)`,
        [loaded[1]!.id],
      );
      const t = await runDbt(['test'], dbtTarget(h.db.url));
      expect(t.code).not.toBe(0);
      const failed = t.results.results
        .filter((r) => r.status === 'fail')
        .map((r) => r.unique_id.replace(/^test\.pinads_fivetran_compat\./, '').replace(/\.[0-9a-f]+$/, ''))
        .sort();
      expect(failed).toEqual([
        'assert_spend_equals_ad_daily_metrics',
        'not_null_pinterest_ads__ad_report_currency_code',
        expect.stringMatching(/^unique_grain_pinterest_ads__ad_report_/),
      ]);
    },
    DBT_TIMEOUT,
  );
});

/** The daily extras' tables and their entities, copied row for row (as JSON text: no number through a float). */
async function copyExtras(from: Warehouse, to: Warehouse, adAccountId: string): Promise<void> {
  for (const [table, where] of [
    ['keywords', 'ad_account_id = $1'],
    ['ad_targeting_daily_metrics', 'ad_account_id = $1'],
    ['keyword_daily_metrics', 'ad_account_id = $1'],
    ['geo_countries', '$1::text IS NOT NULL'],
    ['geo_regions', '$1::text IS NOT NULL'],
  ]) {
    const { rows } = await from.pool.query(
      `SELECT coalesce(jsonb_agg(t), '[]')::text AS j FROM pinterest_ads.${table} t WHERE ${where}`,
      [adAccountId],
    );
    await to.pool.query(
      `INSERT INTO pinterest_ads.${table} SELECT * FROM jsonb_populate_recordset(NULL::pinterest_ads.${table}, $1::jsonb)`,
      [rows[0].j],
    );
  }
}

/** Copies the synced entities and facts into another warehouse through pinads' own loaders (the PGlite paths). */
async function copyWarehouse(from: Warehouse, to: Warehouse, adAccountId: string): Promise<void> {
  await copyExtras(from, to, adAccountId);
  for (const r of (
    await from.pool.query('SELECT raw FROM pinterest_ads.ad_accounts WHERE id = $1', [adAccountId])
  ).rows)
    await upsertAdAccount(to, r.raw);
  for (const kind of ['campaigns', 'ad_groups', 'ads'] as const) {
    const { rows } = await from.pool.query(
      `SELECT ad_account_id, jsonb_agg(raw ORDER BY id) AS items FROM pinterest_ads.${kind}
        WHERE ad_account_id = $1 GROUP BY 1`,
      [adAccountId],
    );
    for (const r of rows) await upsertEntities(to, kind, r.ad_account_id, r.items);
  }
  const accounts = await from.pool.query(
    `SELECT ad_account_id, currency, time_zone, min(date)::text AS start, max(date)::text AS end,
            min(click_window_days) AS click_window_days, min(engagement_window_days) AS engagement_window_days,
            min(view_window_days) AS view_window_days, min(conversion_report_time) AS conversion_report_time
       FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 GROUP BY 1, 2, 3`,
    [adAccountId],
  );
  for (const a of accounts.rows) {
    const { rows } = await from.pool.query(
      `SELECT ad_id, date::text AS date, campaign_id, ad_group_id, spend_micro::text, impressions::text, clicks::text,
              outbound_clicks::text, conversions::text, conversion_value_micro::text, total_conversions::text,
              impressions_earned::text, clicks_earned::text, total_conversions_quantity::text,
              total_conversions_value_micro::text, add_to_carts::text, add_to_cart_value_micro::text, signups::text,
              signup_value_micro::text, leads::text, lead_value_micro::text, page_visits::text
         FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1`,
      [a.ad_account_id],
    );
    const facts: DailyFactRow[] = rows.map((r) => ({
      ...r,
      spend_micro: BigInt(r.spend_micro),
      impressions: BigInt(r.impressions),
      clicks: BigInt(r.clicks),
      outbound_clicks: BigInt(r.outbound_clicks),
      conversion_value_micro: BigInt(r.conversion_value_micro),
      impressions_earned: BigInt(r.impressions_earned),
      clicks_earned: BigInt(r.clicks_earned),
      total_conversions_value_micro: BigInt(r.total_conversions_value_micro),
      add_to_cart_value_micro: BigInt(r.add_to_cart_value_micro),
      signup_value_micro: BigInt(r.signup_value_micro),
      lead_value_micro: BigInt(r.lead_value_micro),
    }));
    await loadReportWindow(to, {
      adAccountId: a.ad_account_id,
      window: { start: a.start, end: a.end },
      currency: a.currency,
      timeZone: a.time_zone,
      attribution: {
        click_window_days: a.click_window_days,
        engagement_window_days: a.engagement_window_days,
        view_window_days: a.view_window_days,
        conversion_report_time: a.conversion_report_time,
      },
      rows: (async function* () {
        yield* facts;
      })(),
      now: new Date(),
    });
  }
}
