// What analysts read, against the sandbox's truth (test/helpers/extras-stack.ts: USD reported in UTC, JPY in Tokyo
// time, every catalog report loaded by a real worker's lookback syncs): overview_daily counts each standard conversion
// event exactly, day by day; is_final agrees with account_day_status; the filled Fivetran targeting, keyword and geo
// views equal their truth. (~20 s, the two syncs most of it; no child process.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeywordTruthRow, TargetingTruthRow, TruthRow } from '../../sandbox/testing.ts';
import { micro, sumMicro } from '../helpers/decimal.ts';
import { type ExtrasStack, groupBy, startExtrasStack, type Which } from '../helpers/extras-stack.ts';

let s: ExtrasStack;
beforeAll(async () => {
  s = await startExtrasStack();
});
afterAll(() => s?.close());

const truth = <R>(k: Which, kind: string, extra?: Record<string, string>) => s.truth<R>(k, kind, extra);
const setEvent = (k: Which, event: string) =>
  s.wh.pool.query(
    `UPDATE pinads.connections SET settings = settings || jsonb_build_object('conversion_event', $2::text)
                 WHERE id = $1`,
    [s.conn[k].id, event],
  );
const overview = async (k: Which) =>
  (
    await s.wh.pool.query<Record<string, string | null>>(
      `SELECT date::text, spend::text, conversions::text, revenue::text, is_final::text, conversion_event
         FROM pinterest_ads.overview_daily WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3 ORDER BY date`,
      [s.account[k].id, s.window.start, s.window.end],
    )
  ).rows;

const STANDARD: [string, keyof TruthRow, keyof TruthRow | null][] = [
  ['checkout', 'conversions', 'conversion_value_micro'],
  ['add_to_cart', 'add_to_carts', 'add_to_cart_value_micro'],
  ['signup', 'signups', 'signup_value_micro'],
  ['lead', 'leads', 'lead_value_micro'],
  ['page_visit', 'page_visits', null],
];

describe('the Overview and Channels views count the chosen conversion event', () => {
  it.each(STANDARD)('%s: every day equals the truth of that event exactly', async (event, count, value) => {
    await setEvent('usd', event);
    const byDate = groupBy(await truth<TruthRow>('usd', 'ad'), (r) => r.date);
    const got = (await overview('usd')).map((r) => ({
      date: r.date,
      event: r.conversion_event,
      spend: micro(r.spend),
      conversions: micro(r.conversions),
      revenue: r.revenue === null ? null : micro(r.revenue)! * 1_000_000n,
    }));
    expect(got).toEqual(
      [...byDate.keys()].sort().map((date) => {
        const rows = byDate.get(date)!;
        return {
          date,
          event,
          // Millionths of a unit of currency (spend, revenue in micro-units ×1e6) and of a conversion.
          spend: sumMicro(rows.map((r) => r.spend_micro)) / 1_000_000n,
          conversions: sumMicro(rows.map((r) => r[count])),
          revenue: value ? sumMicro(rows.map((r) => r[value])) : null,
        };
      }),
    );
    await setEvent('usd', 'checkout');
  });

  it('is_final agrees with account_day_status, with final and provisional days in the window', async () => {
    for (const k of ['usd', 'jpy'] as const) {
      const { rows } = await s.wh.pool.query(
        `SELECT o.date::text, o.is_final, coalesce(s.is_final, false) AS status_final
           FROM pinterest_ads.overview_daily o
           LEFT JOIN pinterest_ads.account_day_status s USING (ad_account_id, date)
          WHERE o.ad_account_id = $1`,
        [s.account[k].id],
      );
      expect(rows.length).toBeGreaterThan(4);
      for (const r of rows)
        expect({ k, date: r.date, final: r.is_final }).toEqual({ k, date: r.date, final: r.status_final });
      expect(new Set(rows.map((r) => r.is_final))).toEqual(new Set([true, false]));
    }
  });
});

describe('the Fivetran targeting and keyword views', () => {
  it.each(['COUNTRY', 'REGION', 'AGE_BUCKET', 'GENDER', 'APPTYPE'])(
    'pin_promotion_targeting_report %s equals the truth',
    async (type) => {
      const t = await truth<TargetingTruthRow>('jpy', 'targeting', { targeting_type: type });
      const { rows } = await s.wh.pool.query(
        `SELECT targeting_value, sum(spend_in_micro_dollar)::text AS spend, sum(impression_1)::text AS impressions
         FROM pinterest_ads.pin_promotion_targeting_report WHERE advertiser_id = $1 AND targeting_type = $2
          AND date::date BETWEEN $3 AND $4
        GROUP BY 1 ORDER BY 1`,
        [s.account.jpy.id, type, s.window.start, s.window.end],
      );
      const byValue = groupBy(t, (r) => r.targeting_value);
      expect(rows).toEqual(
        [...byValue.keys()].sort().map((v) => ({
          targeting_value: v,
          spend: String(sumMicro(byValue.get(v)!.map((r) => r.spend_micro)) / 1_000_000n),
          impressions: String(sumMicro(byValue.get(v)!.map((r) => r.impressions)) / 1_000_000n),
        })),
      );
    },
  );

  it('keyword_report per keyword and day, keyword_history for every keyword, and the geo names', async () => {
    const t = await truth<KeywordTruthRow>('usd', 'keyword');
    const { rows } = await s.wh.pool.query(
      `SELECT keyword_id, date::date::text AS date, sum(spend_in_micro_dollar)::text AS spend FROM pinterest_ads.keyword_report
        WHERE advertiser_id = $1 AND date::date BETWEEN $2 AND $3 GROUP BY 1, 2`,
      [s.account.usd.id, s.window.start, s.window.end],
    );
    const want = groupBy(t, (r) => `${r.keyword_id} ${r.date}`);
    expect(new Map(rows.map((r) => [`${r.keyword_id} ${r.date}`, r.spend]))).toEqual(
      new Map([...want].map(([k, v]) => [k, String(sumMicro(v.map((r) => r.spend_micro)) / 1_000_000n)])),
    );
    const h = await s.wh.pool.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE archived)::int AS archived,
              count(*) FILTER (WHERE h.id NOT IN (SELECT id FROM pinterest_ads.keywords))::int AS stray
         FROM pinterest_ads.keyword_history h WHERE advertiser_id = $1`,
      [s.account.usd.id],
    );
    expect(h.rows[0]).toMatchObject({ archived: expect.any(Number), stray: 0 });
    expect(h.rows[0].n).toBeGreaterThanOrEqual(new Set(t.map((r) => r.keyword_id)).size);
    const geo = await s.wh.pool.query(
      `SELECT count(*) FILTER (WHERE g.country_name IS NULL)::int AS unnamed, count(*)::int AS n
         FROM (SELECT DISTINCT targeting_value FROM pinterest_ads.pin_promotion_targeting_report
                WHERE lower(targeting_type) = 'country') r
         LEFT JOIN pinterest_ads.targeting_geo g ON g.country_id = r.targeting_value`,
    );
    expect(geo.rows[0]).toMatchObject({ unnamed: 0, n: expect.toSatisfy((n: number) => n > 1) });
  });
});
