// Finality and restatements on a real worker's /metrics: pinads_provisional_days is the count of not-final
// account-days account_day_status has (read at each scrape), and pinads_restated_money_total adds up, per currency,
// the money the restatement ledger recorded after a sandbox restatement was re-pulled. (~30 s: two lookback syncs.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../observability/metrics.ts';
import { type MetricsServer, serveMetrics } from '../../observability/server.ts';
import { micro } from '../helpers/decimal.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

/** The samples of `name` (with `labels`) in the Prometheus text format, as their literal text. */
function samples(text: string, name: string, labels: Record<string, string> = {}): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) out.push(m[3]!);
  }
  return out;
}

let h: Harness;
let server: MetricsServer;
const metrics = createMetrics();
const scrape = async () => (await fetch(server.url)).text();

beforeAll(async () => {
  h = await startHarness({ deps: { metrics } });
  server = await serveMetrics(metrics.registry, 0, '127.0.0.1');
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

describe('finality and restatements in Prometheus', () => {
  let connectionId: string;

  it('pinads_provisional_days counts the not-final account-days of account_day_status', async () => {
    const [usd, eur] = h.sandbox.info.ad_accounts;
    connectionId = (await h.connect(usd!.id)).id;
    const other = (
      await h.connect(eur!.id, { reporting_time_zone: 'account', account_time_zone: eur!.time_zone })
    ).id;
    await h.sync(connectionId, { mode: 'lookback' });
    await h.sync(other, { mode: 'lookback' });
    const { rows } = await h.wh.pool.query(
      `SELECT count(*) FILTER (WHERE NOT is_final)::int AS provisional, count(*) FILTER (WHERE is_final)::int AS final
         FROM pinterest_ads.account_day_status WHERE date >= current_date - 60`,
    );
    // Both kinds exist: the recent days are not final yet, the older ones of the lookback are.
    expect(rows[0].provisional).toBeGreaterThan(0);
    expect(rows[0].final).toBeGreaterThan(0);
    expect(samples(await scrape(), 'pinads_provisional_days')).toEqual([String(rows[0].provisional)]);
    // Read at the scrape: a day that turns final is no longer counted.
    await h.wh.pool.query(
      `UPDATE pinads.day_pulls SET is_final = true
        WHERE report = 'ad_daily' AND (ad_account_id, date) = (
          SELECT ad_account_id, date FROM pinads.day_pulls WHERE report = 'ad_daily' AND NOT is_final LIMIT 1)`,
    );
    expect(samples(await scrape(), 'pinads_provisional_days')).toEqual([String(rows[0].provisional - 1)]);
  });

  it('pinads_restated_money_total adds up, per currency, what the ledger recorded', async () => {
    const before = await scrape();
    expect(samples(before, 'pinads_restated_money_total')).toEqual([]);
    await h.control('/__sandbox/restate', { days_back: 4 });
    await h.sync(connectionId, { mode: 'lookback' });
    const { rows } = await h.wh.pool.query(
      `SELECT currency, count(*)::int AS days,
              sum(abs(spend_micro_after - spend_micro_before))::text AS spend,
              sum(abs(conversion_value_micro_after - conversion_value_micro_before))::text AS value
         FROM pinterest_ads.restatements GROUP BY currency`,
    );
    expect(rows.map((r) => r.currency)).toEqual(['USD']);
    expect(rows[0].days).toBeGreaterThan(0);
    const text = await scrape();
    // Prometheus carries floats: the counter equals the ledger's micro-units to the micro-unit at these magnitudes.
    const counted = (measure: string) =>
      samples(text, 'pinads_restated_money_total', { currency: 'USD', measure }).map((v) =>
        Math.round(Number(v) * 1e6),
      );
    expect(counted('spend')).toEqual([Number(rows[0].spend)]);
    expect(counted('conversion_value')).toEqual(Number(rows[0].value) > 0 ? [Number(rows[0].value)] : []);
    expect(micro(rows[0].spend)).toBeGreaterThan(0n);
  });
});
