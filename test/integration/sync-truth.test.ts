import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function checksum(): Promise<string> {
  const { rows } = await h.wh.pool.query(`SELECT
    (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY ad_account_id, ad_id, date), '')) FROM
      (SELECT ad_account_id, ad_id, date, campaign_id, ad_group_id, currency, time_zone, spend_micro, impressions, clicks,
              outbound_clicks, conversions, conversion_value_micro, total_conversions FROM pinterest_ads.ad_daily_metrics) t) AS daily,
    (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY ad_account_id, ad_id, hour), '')) FROM
      (SELECT ad_account_id, ad_id, hour, date, spend_micro, method FROM pinterest_ads.ad_hourly_spend) t) AS hourly`);
  return `${rows[0].daily}/${rows[0].hourly}`;
}

describe('hourly sync against the sandbox', () => {
  it.each([0, 1, 2])(
    'loads exactly the truth of its window for sandbox account #%i (USD, EUR, JPY)',
    async (i) => {
      const account = h.sandbox.info.ad_accounts[i]!;
      const conn = await h.connect(account.id);
      const result = await h.sync(conn.id);
      const today = utcToday();
      expect(result.windows).toEqual([
        { start: addDays(today, -1), end: today, rowsLoaded: expect.any(Number) },
      ]);
      const truth = await h.truth(account.id, addDays(today, -1), today);
      expect(truth.length).toBeGreaterThan(0);
      expect(await h.facts(account.id, addDays(today, -1), today)).toEqual(truth);
      expect(result.rowsLoaded).toBe(truth.length);

      const { rows } = await h.wh.pool.query(
        'SELECT DISTINCT currency, time_zone FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1',
        [account.id],
      );
      expect(rows).toEqual([{ currency: account.currency, time_zone: 'UTC' }]);
    },
  );

  it('splits spend into hourly rows that sum exactly to each daily row', async () => {
    const { rows } = await h.wh.pool.query(`
      SELECT d.ad_account_id, d.ad_id, d.date, d.spend_micro::text AS daily, coalesce(sum(hs.spend_micro), 0)::text AS hourly
      FROM pinterest_ads.ad_daily_metrics d
      LEFT JOIN pinterest_ads.ad_hourly_spend hs USING (ad_account_id, ad_id, date)
      GROUP BY 1, 2, 3, 4 HAVING d.spend_micro <> coalesce(sum(hs.spend_micro), 0)`);
    expect(rows).toEqual([]);
    const { rows: counted } = await h.wh.pool.query(
      'SELECT count(*)::int AS n FROM pinterest_ads.ad_hourly_spend',
    );
    expect(counted[0].n).toBeGreaterThan(0);
  });

  it('stamps the account zone and pulls its dates when the connection reports in account time', async () => {
    await h.wh.pool.query('DELETE FROM pinads.connections');
    const eur = h.sandbox.info.ad_accounts[1]!;
    const conn = await h.connect(eur.id, { reporting_time_zone: 'account' });
    const result = await h.sync(conn.id);
    const w = result.windows[0]!;
    const truth = await h.truth(eur.id, w.start, w.end, { reporting_time_zone: 'account' });
    expect(await h.facts(eur.id, w.start, w.end)).toEqual(truth);
    // Only the account-time window: the UTC test above loaded this account too, and after 23:00 UTC (Berlin's
    // next day) its first UTC day lies outside this window, so that row rightly keeps its UTC stamp.
    const { rows } = await h.wh.pool.query(
      `SELECT DISTINCT time_zone FROM pinterest_ads.ad_daily_metrics
        WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3`,
      [eur.id, w.start, w.end],
    );
    expect(rows).toEqual([{ time_zone: eur.time_zone }]);
  });

  it('leaves identical tables when the same window is synced twice', async () => {
    await h.wh.pool.query('DELETE FROM pinads.connections');
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const conn = await h.connect(jpy.id);
    await h.sync(conn.id);
    const first = await checksum();
    await h.sync(conn.id);
    expect(await checksum()).toBe(first);
  });
  it('keeps a steady hourly sync within 6 API calls and refreshes entities when a report names an unknown ad', async () => {
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const { rows } = await h.wh.pool.query('SELECT id FROM pinads.connections WHERE ad_account_id = $1', [
      jpy.id,
    ]);
    const connId = rows[0].id as string;
    const stats = async () =>
      (await (await fetch(`${h.sandbox.info.url}/__sandbox/stats`)).json()) as {
        total: number;
        requests: Record<string, number>;
      };
    await h.control('/__sandbox/stats/reset', {});
    await h.sync(connId);
    const steady = await stats();
    expect(steady.total).toBeLessThanOrEqual(6);
    expect(Object.keys(steady.requests).filter((k) => /campaigns|ad_groups|\/ads$/.test(k))).toEqual([]);

    // An ad the entity tables lack (new since the last entity sync) triggers a refresh in the same run.
    const { rows: spent } = await h.wh.pool.query(
      `SELECT ad_id FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 ORDER BY ad_id LIMIT 1`,
      [jpy.id],
    );
    await h.wh.pool.query('DELETE FROM pinterest_ads.ads WHERE id = $1', [spent[0].ad_id]);
    await h.control('/__sandbox/stats/reset', {});
    await h.sync(connId);
    expect((await stats()).requests['GET /v5/ad_accounts/{ad_account_id}/ads']).toBeGreaterThan(0);
    const { rows: back } = await h.wh.pool.query('SELECT 1 FROM pinterest_ads.ads WHERE id = $1', [
      spent[0].ad_id,
    ]);
    expect(back).toHaveLength(1);
  });
});
