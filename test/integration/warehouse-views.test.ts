// The reporting views against numbers computed here, and the entity upserts that give the views their names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyFactRow } from '../../schemas/report.ts';
import { upsertAdAccount, upsertEntities } from '../../warehouse/entities.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import { factRow, loadInput, type MigratedWarehouse, migratedWarehouse } from './warehouse-fixtures.ts';

const ACCT = '549755813888';
const W = { start: '2026-07-01', end: '2026-07-02' };

/** micro-units as exact decimal text with six places, as the views' round(…, 6) prints them. */
function money(micro: bigint): string {
  return `${micro / 1_000_000n}.${(micro % 1_000_000n).toString().padStart(6, '0')}`;
}
/** Compares a numeric text to an expected ratio, to 12 significant digits (Postgres carries more). */
function ratio(actual: string | null, expected: number | null) {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  if (expected === 0) return expect(Number(actual)).toBe(0);
  return expect(Number(actual) / expected).toBeCloseTo(1, 12);
}

const ROWS: DailyFactRow[] = [
  factRow({
    ad_id: '11',
    campaign_id: '1',
    ad_group_id: '10',
    date: '2026-07-01',
    spend_micro: 2_500_000n,
    impressions: 1000n,
    clicks: 30n,
    conversions: '2',
    conversion_value_micro: 10_000_000n,
  }),
  factRow({
    ad_id: '12',
    campaign_id: '1',
    ad_group_id: '10',
    date: '2026-07-01',
    spend_micro: 1_234_567n,
    impressions: 333n,
    clicks: 7n,
    conversions: '0.5',
    conversion_value_micro: 1_000_001n,
  }),
  // An ad whose campaign, ad group and ad we never synced: it must still show, without a name.
  factRow({
    ad_id: '99',
    campaign_id: '9',
    ad_group_id: '90',
    date: '2026-07-01',
    spend_micro: 1n,
    impressions: 3n,
    clicks: 1n,
    conversions: '0',
    conversion_value_micro: 0n,
  }),
  // A day with zero divisors everywhere: impressions, clicks, conversions and spend are 0.
  factRow({
    ad_id: '11',
    campaign_id: '1',
    ad_group_id: '10',
    date: '2026-07-02',
    spend_micro: 0n,
    impressions: 0n,
    clicks: 0n,
    conversions: '0',
    conversion_value_micro: 5n,
  }),
];

describe('reporting views', () => {
  let m: MigratedWarehouse;
  beforeAll(async () => {
    m = await migratedWarehouse();
    await upsertAdAccount(m.wh, {
      id: ACCT,
      name: 'Shop',
      currency: 'EUR',
      country: 'DE',
      owner: { id: '1', username: 'shop' },
      created_time: 1_700_000_000,
    });
    await upsertEntities(m.wh, 'campaigns', ACCT, [
      { id: '1', name: 'Spring', status: 'ACTIVE', daily_spend_cap: 5_000_000, created_time: 1_700_000_000 },
    ]);
    await upsertEntities(m.wh, 'ad_groups', ACCT, [
      { id: '10', campaign_id: '1', name: 'Shoes', status: 'PAUSED' },
    ]);
    await upsertEntities(m.wh, 'ads', ACCT, [
      {
        id: '11',
        campaign_id: '1',
        ad_group_id: '10',
        pin_id: '9007199254740993',
        name: 'Red shoe',
        status: 'ACTIVE',
        destination_url: 'https://shop.example/red',
      },
      { id: '12', campaign_id: '1', ad_group_id: '10', name: 'Blue shoe', status: 'ARCHIVED' },
    ]);
    await loadReportWindow(m.wh, loadInput(ACCT, W, ROWS, { currency: 'EUR', timeZone: 'Europe/Berlin' }));
  });
  afterAll(async () => {
    await m?.close();
  });

  it('overview_daily divides micro-units once and computes each ratio from the day totals', async () => {
    const { rows } = await m.wh.pool.query(
      `SELECT date::text AS date, currency, spend::text, impressions::text, clicks::text, conversions::text, revenue::text,
              ctr::text, cpc::text, cpm::text, cpa::text, roas::text
         FROM pinterest_ads.overview_daily WHERE ad_account_id = $1 ORDER BY date`,
      [ACCT],
    );
    const day1 = ROWS.slice(0, 3);
    const spendMicro = day1.reduce((s, r) => s + r.spend_micro, 0n);
    const valueMicro = day1.reduce((s, r) => s + r.conversion_value_micro, 0n);
    const impressions = day1.reduce((s, r) => s + r.impressions, 0n);
    const clicks = day1.reduce((s, r) => s + r.clicks, 0n);
    const conversions = 2.5;
    const spend = Number(spendMicro) / 1e6;
    const revenue = Number(valueMicro) / 1e6;
    expect(rows).toHaveLength(2);
    const [d1, d2] = rows;
    expect(d1).toMatchObject({
      date: '2026-07-01',
      currency: 'EUR',
      spend: money(spendMicro),
      revenue: money(valueMicro),
    });
    expect(d1).toMatchObject({
      impressions: String(impressions),
      clicks: String(clicks),
      conversions: '2.5',
    });
    ratio(d1.ctr, Number(clicks) / Number(impressions));
    ratio(d1.cpc, spend / Number(clicks));
    ratio(d1.cpm, (spend * 1000) / Number(impressions));
    ratio(d1.cpa, spend / conversions);
    ratio(d1.roas, revenue / spend);
    expect(d2).toEqual({
      date: '2026-07-02',
      currency: 'EUR',
      spend: '0.000000',
      impressions: '0',
      clicks: '0',
      conversions: '0',
      revenue: '0.000005',
      ctr: null,
      cpc: null,
      cpm: null,
      cpa: null,
      roas: null,
    });
  });

  it('channels_report has every level with names from the entity tables', async () => {
    const { rows } = await m.wh.pool.query(
      `SELECT level, entity_id, entity_name, currency, purchases::text, revenue::text, roas::text, cpa::text, spend::text
         FROM pinterest_ads.channels_report WHERE ad_account_id = $1 AND date = '2026-07-01' ORDER BY level, entity_id`,
      [ACCT],
    );
    const sum = (rs: DailyFactRow[]) => ({
      spend: rs.reduce((s, r) => s + r.spend_micro, 0n),
      value: rs.reduce((s, r) => s + r.conversion_value_micro, 0n),
      purchases: rs.reduce((s, r) => s + Number(r.conversions), 0),
    });
    const expectRow = (level: string, id: string, name: string | null, rs: DailyFactRow[]) => {
      const row = rows.find((r) => r.level === level && r.entity_id === id);
      const t = sum(rs);
      expect(row).toMatchObject({
        entity_name: name,
        currency: 'EUR',
        spend: money(t.spend),
        revenue: money(t.value),
      });
      expect(Number(row.purchases)).toBe(t.purchases);
      ratio(row.roas, t.spend === 0n ? null : Number(t.value) / Number(t.spend));
      ratio(row.cpa, t.purchases === 0 ? null : Number(t.spend) / 1e6 / t.purchases);
    };
    const day1 = ROWS.slice(0, 3);
    expect(rows.map((r) => `${r.level}:${r.entity_id}`)).toEqual([
      'ad:11',
      'ad:12',
      'ad:99',
      'ad_group:10',
      'ad_group:90',
      'campaign:1',
      'campaign:9',
      'channel:pinterest',
    ]);
    expectRow('channel', 'pinterest', 'Pinterest', day1);
    expectRow('campaign', '1', 'Spring', day1.slice(0, 2));
    expectRow('campaign', '9', null, day1.slice(2));
    expectRow('ad_group', '10', 'Shoes', day1.slice(0, 2));
    expectRow('ad_group', '90', null, day1.slice(2));
    expectRow('ad', '11', 'Red shoe', day1.slice(0, 1));
    expectRow('ad', '12', 'Blue shoe', day1.slice(1, 2));
    expectRow('ad', '99', null, day1.slice(2));
  });

  it('channels_report is NULL on zero divisors', async () => {
    const { rows } = await m.wh.pool.query(
      `SELECT roas, cpa, revenue::text FROM pinterest_ads.channels_report
        WHERE ad_account_id = $1 AND date = '2026-07-02' AND level = 'channel'`,
      [ACCT],
    );
    expect(rows).toEqual([{ roas: null, cpa: null, revenue: '0.000005' }]);
  });

  it('entity upserts keep raw, type the known fields, and update by id', async () => {
    const acct = await m.wh.pool.query(
      `SELECT name, currency, country, owner_username, created_time, raw->'owner'->>'id' AS owner_id FROM pinterest_ads.ad_accounts WHERE id = $1`,
      [ACCT],
    );
    expect(acct.rows[0]).toMatchObject({
      name: 'Shop',
      currency: 'EUR',
      country: 'DE',
      owner_username: 'shop',
      owner_id: '1',
    });
    expect((acct.rows[0].created_time as Date).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    const camp = await m.wh.pool.query(
      `SELECT daily_spend_cap_micro, ad_account_id FROM pinterest_ads.campaigns WHERE id = '1'`,
    );
    expect(camp.rows[0]).toEqual({ daily_spend_cap_micro: '5000000', ad_account_id: ACCT });
    const ad = await m.wh.pool.query(
      `SELECT pin_id, destination_url, raw->>'status' AS raw_status FROM pinterest_ads.ads WHERE id = '11'`,
    );
    expect(ad.rows[0]).toEqual({
      pin_id: '9007199254740993',
      destination_url: 'https://shop.example/red',
      raw_status: 'ACTIVE',
    });

    // A later page repeats ad 12 with a newer state: the last occurrence wins, and the count is of distinct ads.
    const n = await upsertEntities(m.wh, 'ads', ACCT, [
      { id: '12', name: 'Blue shoe', status: 'PAUSED' },
      { id: '13', name: 'Green shoe', status: 'ACTIVE' },
      { id: '12', name: 'Blue shoe v2', status: 'ARCHIVED' },
    ]);
    expect(n).toBe(2);
    const ads = await m.wh.pool.query(
      `SELECT id, name, status FROM pinterest_ads.ads WHERE ad_account_id = $1 ORDER BY id`,
      [ACCT],
    );
    expect(ads.rows).toEqual([
      { id: '11', name: 'Red shoe', status: 'ACTIVE' },
      { id: '12', name: 'Blue shoe v2', status: 'ARCHIVED' },
      { id: '13', name: 'Green shoe', status: 'ACTIVE' },
    ]);
    await expect(upsertEntities(m.wh, 'ads', ACCT, [{ name: 'no id' }])).rejects.toThrow(/has no id/);
  });

  it('an ad account without a currency is stored as UNK rather than failing the sync', async () => {
    await upsertAdAccount(m.wh, { id: '77' });
    const { rows } = await m.wh.pool.query(`SELECT currency FROM pinterest_ads.ad_accounts WHERE id = '77'`);
    expect(rows[0].currency).toBe('UNK');
  });
});
