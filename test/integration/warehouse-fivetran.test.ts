// The Fivetran-compatible views (migration 009): every Fivetran table (docs/warehouse.md, Coming from Fivetran) with exactly its columns, typed as
// the packages cast them, and values that are exact sums of the ad-level facts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAdAccount, upsertEntities } from '../../warehouse/entities.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import { FIVETRAN_TABLES, type FivetranType } from '../helpers/fivetran.ts';
import { factRow, loadInput, type MigratedWarehouse, migratedWarehouse } from './warehouse-fixtures.ts';

const ACCT = '549755813888';
const BIG = '9223372036854775001'; // a 19-digit id: above 2^53, still a bigint, compared as text
const PG_TYPE: Record<FivetranType, string> = {
  string: 'text',
  timestamp: 'timestamp without time zone',
  int: 'bigint',
  numeric: 'numeric',
  boolean: 'boolean',
};
/** Ids are text whatever a macro says (ad_group_report.campaign_id is declared int there). */
const pgType = (col: string, t: FivetranType) => (col === 'id' || col.endsWith('_id') ? 'text' : PG_TYPE[t]);

const ROWS = [
  factRow({
    ad_id: '11',
    campaign_id: '1',
    ad_group_id: '10',
    date: '2026-07-01',
    spend_micro: 2_147_483_648n,
  }),
  factRow({ ad_id: '12', campaign_id: '1', ad_group_id: '10', date: '2026-07-01', spend_micro: 1n }),
  factRow({ ad_id: BIG, campaign_id: '1', ad_group_id: '20', date: '2026-07-01', spend_micro: 3n }),
  factRow({ ad_id: '11', campaign_id: '1', ad_group_id: '10', date: '2026-07-02', spend_micro: 5n }),
  // An ad whose entities we never synced: it must still count, with NULL names.
  factRow({ ad_id: '99', campaign_id: '9', ad_group_id: '90', date: '2026-07-02', spend_micro: 7n }),
];

let m: MigratedWarehouse;
beforeAll(async () => {
  m = await migratedWarehouse();
  await upsertAdAccount(m.wh, {
    id: ACCT,
    name: 'Shop',
    currency: 'EUR',
    country: 'DE',
    owner: { id: '1000000000000000001', username: 'shop' },
    permissions: ['OWNER', 'ADMIN'],
    created_time: 1_700_000_000,
  });
  await upsertEntities(m.wh, 'campaigns', ACCT, [
    {
      id: '1',
      name: 'Spring',
      status: 'ACTIVE',
      daily_spend_cap: 5_000_000,
      lifetime_spend_cap: 90_000_000,
      is_flexible_daily_budgets: true,
      is_automated_campaign: 'not a boolean',
      default_ad_group_budget_in_micro_currency: 1_000_000,
      objective_type: 'WEB_CONVERSION',
      start_time: 1_700_000_000,
    },
  ]);
  await upsertEntities(m.wh, 'ad_groups', ACCT, [
    { id: '10', campaign_id: '1', name: 'Shoes', status: 'PAUSED', pacing_delivery_type: 'STANDARD' },
    { id: '20', campaign_id: '1', name: 'Hats', status: 'ACTIVE', placement_group: 'ALL' },
  ]);
  await upsertEntities(m.wh, 'ads', ACCT, [
    {
      id: '11',
      campaign_id: '1',
      ad_group_id: '10',
      pin_id: '9007199254740993',
      name: 'Red shoe',
      status: 'ACTIVE',
      destination_url: 'https://shop.example/red?utm_source=pinterest&utm_campaign=spring',
      is_pin_deleted: false,
      click_tracking_url: 'https://track.example/c',
      created_time: 1_700_000_000,
    },
  ]);
  await loadReportWindow(
    m.wh,
    loadInput(ACCT, { start: '2026-07-01', end: '2026-07-02' }, ROWS, {
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
    }),
  );
});
afterAll(async () => {
  await m?.close();
});

async function columns(table: string): Promise<Record<string, string>> {
  const { rows } = await m.wh.pool.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'pinterest_ads' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
}

const q = async (sql: string, params: unknown[] = []) => (await m.wh.pool.query(sql, params)).rows;

describe('Fivetran-compatible views', () => {
  it('has every Fivetran table with exactly its columns, typed as the packages cast them', async () => {
    for (const [table, cols] of Object.entries(FIVETRAN_TABLES)) {
      const expected = Object.fromEntries(Object.entries(cols).map(([c, t]) => [c, pgType(c, t)]));
      expect({ table, cols: await columns(table) }).toEqual({ table, cols: expected });
    }
  });

  it('reports each ad-day once, dated at midnight of the report date, with the paid and earned metrics', async () => {
    const rows = await q(
      `SELECT pin_promotion_id, advertiser_id, campaign_id, ad_group_id, to_char(date, 'YYYY-MM-DD HH24:MI:SS') AS date,
              spend_in_micro_dollar::text AS spend, impression_1::text AS i1, impression_2::text AS i2,
              clickthrough_1::text AS c1, clickthrough_2::text AS c2, total_conversions::text AS tc,
              total_conversions_quantity::text AS tq, total_conversions_value_in_micro_dollar::text AS tv,
              _fivetran_synced IS NOT NULL AS synced
         FROM pinterest_ads.pin_promotion_report WHERE pin_promotion_id = $1`,
      [BIG],
    );
    expect(rows).toEqual([
      {
        pin_promotion_id: BIG,
        advertiser_id: ACCT,
        campaign_id: '1',
        ad_group_id: '20',
        date: '2026-07-01 00:00:00',
        spend: '3',
        i1: '100',
        i2: '20',
        c1: '10',
        c2: '1',
        tc: '2',
        tq: '3',
        tv: '4000000',
        synced: true,
      },
    ]);
    expect(await q('SELECT count(*)::int AS n FROM pinterest_ads.pin_promotion_report')).toEqual([
      { n: ROWS.length },
    ]);
  });

  it('sums the ad-level facts exactly at ad group, campaign and advertiser level, with current names', async () => {
    const groups = await q(
      `SELECT ad_group_id, ad_group_name, ad_group_status, campaign_id, to_char(date, 'YYYY-MM-DD') AS day,
              spend_in_micro_dollar::text AS spend, impression_2::text AS i2
         FROM pinterest_ads.ad_group_report ORDER BY day, ad_group_id`,
    );
    expect(groups).toEqual([
      {
        ad_group_id: '10',
        ad_group_name: 'Shoes',
        ad_group_status: 'PAUSED',
        campaign_id: '1',
        day: '2026-07-01',
        spend: '2147483649',
        i2: '40',
      },
      {
        ad_group_id: '20',
        ad_group_name: 'Hats',
        ad_group_status: 'ACTIVE',
        campaign_id: '1',
        day: '2026-07-01',
        spend: '3',
        i2: '20',
      },
      {
        ad_group_id: '10',
        ad_group_name: 'Shoes',
        ad_group_status: 'PAUSED',
        campaign_id: '1',
        day: '2026-07-02',
        spend: '5',
        i2: '20',
      },
      {
        ad_group_id: '90',
        ad_group_name: null,
        ad_group_status: null,
        campaign_id: '9',
        day: '2026-07-02',
        spend: '7',
        i2: '20',
      },
    ]);
    const campaigns = await q(
      `SELECT campaign_id, campaign_name, campaign_status, to_char(date, 'YYYY-MM-DD') AS day,
              spend_in_micro_dollar::text AS spend, total_conversions_value_in_micro_dollar::text AS tv
         FROM pinterest_ads.campaign_report ORDER BY day, campaign_id`,
    );
    expect(campaigns).toEqual([
      {
        campaign_id: '1',
        campaign_name: 'Spring',
        campaign_status: 'ACTIVE',
        day: '2026-07-01',
        spend: '2147483652',
        tv: '12000000',
      },
      {
        campaign_id: '1',
        campaign_name: 'Spring',
        campaign_status: 'ACTIVE',
        day: '2026-07-02',
        spend: '5',
        tv: '4000000',
      },
      {
        campaign_id: '9',
        campaign_name: null,
        campaign_status: null,
        day: '2026-07-02',
        spend: '7',
        tv: '4000000',
      },
    ]);
    const advertiser = await q(
      `SELECT advertiser_id, to_char(date, 'YYYY-MM-DD') AS day, spend_in_micro_dollar::text AS spend,
              clickthrough_2::text AS c2
         FROM pinterest_ads.advertiser_report ORDER BY day`,
    );
    expect(advertiser).toEqual([
      { advertiser_id: ACCT, day: '2026-07-01', spend: '2147483652', c2: '3' },
      { advertiser_id: ACCT, day: '2026-07-02', spend: '12', c2: '2' },
    ]);
  });

  it('carries the entity fields we keep, from the typed columns and raw, and the account currency', async () => {
    expect(
      await q(
        'SELECT id, currency, country, name, owner_user_id, owner_username, permissions FROM pinterest_ads.advertiser_history',
      ),
    ).toEqual([
      {
        id: ACCT,
        currency: 'EUR',
        country: 'DE',
        name: 'Shop',
        owner_user_id: '1000000000000000001',
        owner_username: 'shop',
        permissions: '["OWNER", "ADMIN"]',
      },
    ]);
    expect(
      await q(
        `SELECT id, advertiser_id, name, status, budget_spend_cap::text, lifetime_spend_cap::text, is_flexible_daily_budgets,
                is_automated_campaign, default_ad_group_budget_in_micro_currency::text AS default_budget, objective_type,
                to_char(start_time, 'YYYY-MM-DD HH24:MI:SS') AS start_time
           FROM pinterest_ads.campaign_history`,
      ),
    ).toEqual([
      {
        id: '1',
        advertiser_id: ACCT,
        name: 'Spring',
        status: 'ACTIVE',
        budget_spend_cap: '5000000',
        lifetime_spend_cap: '90000000',
        is_flexible_daily_budgets: true,
        // Not a JSON boolean in raw: NULL, rather than an error on every read of the view.
        is_automated_campaign: null,
        default_budget: '1000000',
        objective_type: 'WEB_CONVERSION',
        start_time: '2023-11-14 22:13:20',
      },
    ]);
    expect(
      await q(
        'SELECT id, campaign_id, pacing_delivery_type, placement_group FROM pinterest_ads.ad_group_history ORDER BY id',
      ),
    ).toEqual([
      { id: '10', campaign_id: '1', pacing_delivery_type: 'STANDARD', placement_group: null },
      { id: '20', campaign_id: '1', pacing_delivery_type: null, placement_group: 'ALL' },
    ]);
    expect(
      await q(
        `SELECT id, pin_id, destination_url, click_tracking_url, is_pin_deleted, ad_account_id,
                to_char(created_time, 'YYYY-MM-DD HH24:MI:SS') AS created_time
           FROM pinterest_ads.pin_promotion_history`,
      ),
    ).toEqual([
      {
        id: '11',
        pin_id: '9007199254740993',
        destination_url: 'https://shop.example/red?utm_source=pinterest&utm_campaign=spring',
        click_tracking_url: 'https://track.example/c',
        is_pin_deleted: false,
        ad_account_id: ACCT,
        created_time: '2023-11-14 22:13:20',
      },
    ]);
  });

  it('keeps the keyword and targeting tables present and empty', async () => {
    for (const t of [
      'keyword_report',
      'keyword_history',
      'pin_promotion_targeting_report',
      'targeting_geo',
      'targeting_geo_region',
    ]) {
      expect({ t, rows: await q(`SELECT * FROM pinterest_ads.${t}`) }).toEqual({ t, rows: [] });
    }
  });

  it('reads rows loaded before the new columns existed as NULL, not as zero', async () => {
    await m.wh.pool.query(
      `UPDATE pinterest_ads.ad_daily_metrics
          SET impressions_earned = NULL, clicks_earned = NULL, total_conversions_quantity = NULL,
              total_conversions_value_micro = NULL
        WHERE ad_id = '99'`,
    );
    expect(
      await q(
        `SELECT impression_2, clickthrough_2, total_conversions_quantity, total_conversions_value_in_micro_dollar,
                spend_in_micro_dollar::text AS spend
           FROM pinterest_ads.pin_promotion_report WHERE pin_promotion_id = '99'`,
      ),
    ).toEqual([
      {
        impression_2: null,
        clickthrough_2: null,
        total_conversions_quantity: null,
        total_conversions_value_in_micro_dollar: null,
        spend: '7',
      },
    ]);
  });
});
