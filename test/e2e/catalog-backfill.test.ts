// Every report of the catalog through the real worker and the real CLI (issue 17): `pinads backfill` of two accounts
// in different currencies and zones fills every catalog table equal to the sandbox's truth, for every targeting type,
// keyword and event; then a restatement, re-read by `pinads sync ID --lookback`, replaces every table, a zeroed row
// disappearing as in ad_daily_metrics, and the daily pass syncs the entities the extras name (keywords, advertiser-
// defined events, and the fleet's geo names). About 40 s.
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
