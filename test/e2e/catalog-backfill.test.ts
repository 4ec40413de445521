// Every report of the catalog through the real worker and the real CLI (issue 17): `pinads backfill` of two accounts
// in different currencies and zones fills every catalog table equal to the sandbox's truth, for every targeting type,
// keyword and event; then a restatement, re-read by `pinads sync ID --lookback`, replaces every table, a zeroed row
// disappearing as in ad_daily_metrics. The backfill itself reads the entities its reports name or are labelled by
// (advertiser-defined events, keywords, the fleet's geo names), so `pinads report keywords` and `breakdown` show
// keyword texts and country names at once. About 25 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../catalog/index.ts';
import { addDays } from '../../common/dates.ts';
import type { ConnectionSettings } from '../../schemas/config.ts';
import { catalogRows, catalogTruth } from '../helpers/catalog-truth.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const pinads = (args: string[]) => runPinads(args, h.cliEnv());

describe('the catalog through backfills and the daily pass', () => {
  const to = addDays(utcToday(), -1);
  const from = addDays(to, -24); // a 31-day chunk pulls every catalog report
  const accounts: { id: string; conn: string; settings: Partial<ConnectionSettings> }[] = [];

  it.each([
    ['USD', {}],
    ['JPY', { reporting_time_zone: 'account' as const }],
  ])('a %s backfill fills every catalog table equal to its truth', async (currency, zone) => {
    const acct = h.sandbox.info.ad_accounts.find((a) => a.currency === currency)!;
    // As `connections create --reporting-time-zone account` resolves it.
    const settings = 'reporting_time_zone' in zone ? { ...zone, account_time_zone: acct.time_zone } : zone;
    const conn = (await h.connect(acct.id, settings)).id;
    accounts.push({ id: acct.id, conn, settings });
    const r = await pinads(['backfill', conn, '--from', from, '--to', to, '--wait']);
    expect(r.code, r.stderr).toBe(0);
    for (const entry of CATALOG) {
      const want = await catalogTruth(h.sandbox.info.url, entry, acct.id, { start: from, end: to }, settings);
      expect(want.length, `${entry.id}: the sandbox has rows`).toBeGreaterThan(0);
      expect({
        entry: entry.id,
        rows: await catalogRows(h.wh.pool, entry, acct.id, { start: from, end: to }),
      }).toEqual({ entry: entry.id, rows: want });
    }
    const { rows } = await h.wh.pool.query(
      'SELECT count(*)::int AS n FROM pinterest_ads.conversion_events WHERE ad_account_id = $1',
      [acct.id],
    );
    expect(rows[0].n, 'the events the custom conversions report names').toBeGreaterThan(0);
    // The entities that label the rows came with the backfill, not a later daily pass: every keyword of the
    // keyword report has its text, every country and region of the breakdowns its name (the fleet's geo names, read
    // by the first backfill that claimed them).
    const { rows: labels } = await h.wh.pool.query(
      `SELECT
         (SELECT count(*) FROM pinterest_ads.keyword_daily_metrics m WHERE m.ad_account_id = $1
            AND NOT EXISTS (SELECT 1 FROM pinterest_ads.keywords k WHERE k.id = m.keyword_id))::int AS keywords,
         (SELECT count(*) FROM pinterest_ads.ad_targeting_daily_metrics t WHERE t.ad_account_id = $1
            AND t.targeting_type = 'COUNTRY'
            AND NOT EXISTS (SELECT 1 FROM pinterest_ads.geo_countries g WHERE g.country_id = t.targeting_value))::int
           AS countries,
         (SELECT count(*) FROM pinterest_ads.ad_targeting_daily_metrics t WHERE t.ad_account_id = $1
            AND t.targeting_type = 'REGION'
            AND NOT EXISTS (SELECT 1 FROM pinterest_ads.geo_regions g WHERE g.region_id = t.targeting_value))::int
           AS regions`,
      [acct.id],
    );
    expect(labels[0], 'rows without their labels').toEqual({ keywords: 0, countries: 0, regions: 0 });
    // As the analyst reads them: each keyword by its text, each country by its name.
    const report = async (args: string[]) => {
      const r = await pinads(['report', ...args, conn, '--from', from, '--to', to, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { rows: Record<string, unknown>[] }).rows;
    };
    const keywords = await report(['keywords']);
    expect(keywords.length).toBeGreaterThan(0);
    expect(keywords.filter((k) => typeof k.keyword !== 'string')).toEqual([]);
    const countries = await report(['breakdown', '--by', 'country']);
    expect(countries.length).toBeGreaterThan(0);
    expect(countries.filter((c) => typeof c.name !== 'string')).toEqual([]);
  });

  it('a restatement re-read by the daily pass replaces every table, zeroed rows disappearing', async () => {
    const { id, conn, settings } = accounts[0]!;
    const w = { start: addDays(utcToday(), -7), end: utcToday() };
    const before = await Promise.all(CATALOG.map((e) => catalogRows(h.wh.pool, e, id, w)));
    await h.control('/__sandbox/restate', { days_back: 4 });
    const r = await pinads(['sync', conn, '--lookback', '--wait']);
    expect(r.code, r.stderr).toBe(0);
    for (const [i, entry] of CATALOG.entries()) {
      const got = await catalogRows(h.wh.pool, entry, id, w);
      expect({ entry: entry.id, rows: got }).toEqual({
        entry: entry.id,
        rows: await catalogTruth(h.sandbox.info.url, entry, id, w, settings),
      });
      if (entry.id === 'ad_daily' || entry.id === 'ad_targeting_daily') {
        const key = (x: Record<string, string | null>) => JSON.stringify(Object.values(x).slice(0, 6));
        const kept = new Set(got.map(key));
        // Some row of yesterday's load is gone: restated to zero, it is absent from the report and the table.
        expect(
          before[i]!.some((x) => !kept.has(key(x))),
          entry.id,
        ).toBe(true);
      }
    }
  });
});
