// The agency overview's one query on real Postgres, over a synthetic agency (USD, EUR and JPY accounts, the JPY ones
// reporting in Asia/Tokyo): every connection's numbers are those of `pinads report overview` (the same report
// functions) for the same days of its own zone, the totals per currency add up exactly, and filters, sorts and the
// CSV do what they say. (~3 s)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { formatValue } from '../../core/report-format.ts';
import { reportingDay, zoneOf } from '../../core/reporting-day.ts';
import { loadOverview, overviewCsv, parseOverviewQuery } from '../../dashboard/overview.ts';
import type { OverviewRow } from '../../warehouse/agency-overview.ts';
import { overviewReport } from '../../warehouse/reports.ts';
import { FLEET_ACCOUNTS, fleetAccountId, fleetConnectionId, seedFleet } from '../helpers/fleet.ts';
import { type MigratedWarehouse, migratedWarehouse } from './warehouse-fixtures.ts';

const N = 30;
let m: MigratedWarehouse;
const utcToday = new Date().toISOString().slice(0, 10);
// 20:00 UTC: Tokyo is already on the next day, so its connections' today, yesterday and 7 days are not UTC's.
const now = new Date(`${utcToday}T20:00:00Z`);
const money = (v: string | null | undefined, c = 'USD') => formatValue(v ?? '0', 'money', c, 'data')!;
const overview = (query: string) =>
  loadOverview(m.wh.pool, parseOverviewQuery(new URLSearchParams(query)), now);
/** Micro-units of a money text, for exact sums. */
const micro = (v: string | null) => BigInt(money(v).replace('.', ''));

beforeAll(async () => {
  m = await migratedWarehouse();
  await seedFleet(m.wh.pool, {
    connections: N,
    adsPerAccount: 3,
    days: 10,
    runsPerConnection: 3,
    today: utcToday,
  });
});
afterAll(() => m?.close());

describe('the agency overview', () => {
  it("shows each connection's spend today, yesterday and 7 days, conversions and ROAS as the report has them", async () => {
    const v = await overview('');
    expect(v.rows).toHaveLength(N);
    for (let i = 0; i < N; i++) {
      const kind = FLEET_ACCOUNTS[i % FLEET_ACCOUNTS.length]!;
      const zone = zoneOf({
        id: fleetConnectionId(i),
        ad_account_id: fleetAccountId(i),
        settings: { reporting_time_zone: kind.reporting, account_time_zone: kind.zone },
      });
      const today = reportingDay(zone, now).today;
      const r = v.rows.find((x) => x.id === fleetConnectionId(i))!;
      expect({ zone: r.zone, today: r.today, currency: r.currency }).toEqual({
        zone,
        today,
        currency: kind.currency,
      });
      const report = await overviewReport(m.wh.pool, {
        adAccountId: fleetAccountId(i),
        from: addDays(today, -6),
        to: today,
      });
      const day = (d: string) => report.rows.find((x) => x.date === d)?.spend;
      const c = kind.currency;
      expect(money(r.spend_today, c)).toBe(money(day(today), c));
      expect(money(r.spend_yesterday, c)).toBe(money(day(addDays(today, -1)), c));
      expect(r.trend.map((t) => money(t, c))).toEqual(
        [6, 5, 4, 3, 2, 1, 0].map((k) => money(day(addDays(today, -k)), c)),
      );
      const [t] = report.totals;
      expect(r.spend_7d).toBe(t!.spend);
      expect(r.conversions_7d).toBe(t!.conversions);
      expect(r.revenue_7d).toBe(t!.revenue);
      expect(r.roas_7d).toBe(t!.roas);
    }
    expect(new Set(v.rows.map((r) => `${r.zone} ${r.today}`))).toEqual(
      new Set([`UTC ${utcToday}`, `Asia/Tokyo ${addDays(utcToday, 1)}`]),
    );
  });

  it('totals each currency exactly, over the connections shown', async () => {
    const v = await overview('');
    expect(v.totals.map((t) => t.currency)).toEqual(['EUR', 'JPY', 'USD']);
    for (const t of v.totals) {
      const mine = v.rows.filter((r) => r.currency === t.currency);
      expect(t.connections).toBe(mine.length);
      for (const k of ['spend_today', 'spend_yesterday', 'spend_7d', 'revenue_7d'] as const)
        expect(micro(t[k])).toBe(mine.reduce((s, r) => s + micro(r[k]), 0n));
      expect(t.trend.map(micro)).toEqual(
        [0, 1, 2, 3, 4, 5, 6].map((i) => mine.reduce((s, r) => s + micro(r.trend[i]!), 0n)),
      );
    }
    const usd = await overview('currency=USD');
    expect(usd.totals.map((t) => t.currency)).toEqual(['USD']);
  });

  it('filters by status (an open alert counts as one), currency and name, together', async () => {
    const ids = (rows: OverviewRow[]) => rows.map((r) => r.id).sort();
    const all = await overview('');
    expect(ids((await overview('status=needs_reauth')).rows)).toEqual(
      ids(all.rows.filter((r) => r.status === 'needs_reauth')),
    );
    const alerting = await overview('status=alert');
    expect(alerting.rows.length).toBeGreaterThan(1);
    expect(alerting.rows.every((r) => r.alert_kind !== null)).toBe(true);
    expect(ids(alerting.rows)).toEqual(ids(all.rows.filter((r) => r.alert_kind)));
    const jpy = await overview('currency=JPY');
    expect(jpy.rows.map((r) => r.currency)).toEqual(jpy.rows.map(() => 'JPY'));
    const one = all.rows[4]!;
    expect(ids((await overview(`q=${encodeURIComponent(one.name!.toUpperCase())}`)).rows)).toEqual([one.id]);
    expect(ids((await overview(`q=${one.ad_account_id}`)).rows)).toEqual([one.id]);
    const both = await overview('status=active&currency=EUR');
    expect(both.rows.every((r) => r.status === 'active' && r.currency === 'EUR')).toBe(true);
    expect(both.connections).toBe(N);
  });

  it('sorts by name, by money within each currency, by ROAS and by freshness, both ways', async () => {
    const names = (await overview('sort=name')).rows.map((r) => r.name!);
    expect(names).toEqual([...names].sort());
    const desc = (await overview('sort=spend_7d&dir=desc')).rows;
    for (const c of ['EUR', 'JPY', 'USD']) {
      const amounts = desc.filter((r) => r.currency === c).map((r) => micro(r.spend_7d));
      expect(amounts).toEqual([...amounts].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    }
    expect(desc.map((r) => r.currency)).toEqual([...desc.map((r) => r.currency)].sort());
    const roas = (await overview('sort=roas_7d&dir=asc')).rows.map((r) => Number(r.roas_7d));
    expect(roas).toEqual([...roas].sort((a, b) => a - b));
  });

  it('refuses an unknown filter or sort with a reason', () => {
    expect(() => parseOverviewQuery(new URLSearchParams('sort=spend'))).toThrow(/sort must be one of/);
    expect(() => parseOverviewQuery(new URLSearchParams('status=broken'))).toThrow(/status must be one of/);
    expect(() => parseOverviewQuery(new URLSearchParams('dir=up'))).toThrow(/dir must be asc or desc/);
  });

  it('exports the rows shown and the totals as CSV, money to the micro-unit', async () => {
    const v = await overview('currency=EUR&sort=spend_today');
    const lines = overviewCsv(v).trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^connection_id,name,ad_account_id,status,alert,alert_since,currency,time_zone,today,spend_today,spend_yesterday,/,
    );
    expect(lines).toHaveLength(1 + v.rows.length + 1);
    const header = lines[0]!.split(',');
    const first = Object.fromEntries(lines[1]!.split(',').map((cell, i) => [header[i], cell]));
    expect(first).toMatchObject({
      connection_id: v.rows[0]!.id,
      currency: 'EUR',
      spend_today: money(v.rows[0]!.spend_today),
    });
    expect(lines.at(-1)).toMatch(/^TOTAL,/);
  });
});
