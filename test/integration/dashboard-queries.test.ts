// The dashboard's own queries on real Postgres, with facts loaded by the real loader: the hourly chart has one bar
// per hour of the reporting day (23 or 25 on a DST change) summing to the day's spend, and the tree links each ad
// to its ad group and campaign.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityTree, hourlySpend } from '../../warehouse/dashboard-queries.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import { overviewReport } from '../../warehouse/reports.ts';
import { factRow, loadInput, type MigratedWarehouse, migratedWarehouse } from './warehouse-fixtures.ts';

let m: MigratedWarehouse;
const BERLIN = '777';

beforeAll(async () => {
  m = await migratedWarehouse();
  // Berlin leaves summer time on 2026-10-25 (25 hours) and enters it on 2026-03-29 (23 hours).
  const rows = ['2026-03-29', '2026-10-24', '2026-10-25'].flatMap((date) => [
    factRow({ ad_id: '1', date, spend_micro: 1_000_003n, campaign_id: 'c1', ad_group_id: 'g1' }),
    factRow({ ad_id: '2', date, spend_micro: 2_500_000n, campaign_id: 'c1', ad_group_id: 'g2' }),
  ]);
  await loadReportWindow(
    m.wh,
    loadInput(BERLIN, { start: '2026-03-29', end: '2026-10-25' }, rows, {
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
    }),
  );
});
afterAll(async () => {
  await m?.close();
});

describe('dashboard queries', () => {
  it.each([
    ['2026-03-29', 23],
    ['2026-10-24', 24],
    ['2026-10-25', 25],
  ])('gives %s in Europe/Berlin %i hourly points that sum to the Overview spend', async (day, hours) => {
    const h = await hourlySpend(m.wh.pool, BERLIN, day, 'UTC');
    expect(h.timeZone).toBe('Europe/Berlin');
    expect(h.hours).toHaveLength(hours);
    expect(h.hours[0]!.label).toBe('00:00');
    const micro = h.hours.reduce((s, p) => s + BigInt(p.spend.replace('.', '')), 0n);
    const o = await overviewReport(m.wh.pool, { adAccountId: BERLIN, from: day, to: day });
    expect(micro).toBe(BigInt(o.totals[0]!.spend!.replace('.', '')));
  });

  it('shows every hour of a day without facts as 0, in the fallback zone', async () => {
    const h = await hourlySpend(m.wh.pool, BERLIN, '2026-06-01', 'UTC');
    expect(h.timeZone).toBe('UTC');
    expect(h.hours).toHaveLength(24);
    expect(new Set(h.hours.map((p) => p.spend))).toEqual(new Set(['0.000000']));
  });

  it('links each ad to its ad group and campaign', async () => {
    const tree = await entityTree(m.wh.pool, BERLIN, '2026-10-01', '2026-10-31');
    expect(tree).toEqual([
      { ad_id: '1', ad_group_id: 'g1', campaign_id: 'c1' },
      { ad_id: '2', ad_group_id: 'g2', campaign_id: 'c1' },
    ]);
  });
});
