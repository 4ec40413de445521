// Migrations: they apply, are idempotent (sequentially and concurrently), and create the contract exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const EVENT_METRICS = {
  add_to_carts: 'numeric',
  add_to_cart_value_micro: 'bigint',
  signups: 'numeric',
  signup_value_micro: 'bigint',
  leads: 'numeric',
  lead_value_micro: 'bigint',
  page_visits: 'numeric',
};

/** The metric columns of ad_daily_metrics, which every catalog fact table repeats (docs/warehouse.md). */
const METRIC_TYPES = {
  spend_micro: 'bigint',
  impressions: 'bigint',
  clicks: 'bigint',
  outbound_clicks: 'bigint',
  conversions: 'numeric',
  conversion_value_micro: 'bigint',
  total_conversions: 'numeric',
  impressions_earned: 'bigint',
  clicks_earned: 'bigint',
  total_conversions_quantity: 'numeric',
  total_conversions_value_micro: 'bigint',
  ...EVENT_METRICS,
};

/** What every fact row carries besides its metrics (docs/warehouse.md). */
const STAMPS = {
  currency: 'text',
  time_zone: 'text',
  click_window_days: 'integer',
  engagement_window_days: 'integer',
  view_window_days: 'integer',
  conversion_report_time: 'text',
  synced_at: 'timestamp with time zone',
};

/** The warehouse contract (docs/reference/tables.md): relation → column → data_type (information_schema). */
const CONTRACT: Record<string, Record<string, string>> = {
  'pinterest_ads.ad_daily_metrics': {
    ad_account_id: 'text',
    ad_id: 'text',
    date: 'date',
    campaign_id: 'text',
    ad_group_id: 'text',
    currency: 'text',
    time_zone: 'text',
    // The day's hourly spend split (migration 010), expanded by the ad_hourly_spend view.
    split_first_hour: 'timestamp with time zone',
    split_hours: 'smallint',
    spend_micro: 'bigint',
    impressions: 'bigint',
    clicks: 'bigint',
    outbound_clicks: 'bigint',
    conversions: 'numeric',
    conversion_value_micro: 'bigint',
    total_conversions: 'numeric',
    impressions_earned: 'bigint',
    clicks_earned: 'bigint',
    total_conversions_quantity: 'numeric',
    total_conversions_value_micro: 'bigint',
    // The standard conversion events (migration 014).
    ...EVENT_METRICS,
    click_window_days: 'integer',
    engagement_window_days: 'integer',
    view_window_days: 'integer',
    conversion_report_time: 'text',
    synced_at: 'timestamp with time zone',
  },
  // The catalog's fact tables, finality and the restatement ledger (migration 014).
  'pinterest_ads.ad_targeting_daily_metrics': {
    ad_account_id: 'text',
    ad_id: 'text',
    date: 'date',
    targeting_type: 'text',
    targeting_value: 'text',
    campaign_id: 'text',
    ad_group_id: 'text',
    ...STAMPS,
    ...METRIC_TYPES,
  },
  'pinterest_ads.keyword_daily_metrics': {
    ad_account_id: 'text',
    keyword_id: 'text',
    date: 'date',
    ad_id: 'text',
    campaign_id: 'text',
    ad_group_id: 'text',
    ...STAMPS,
    ...METRIC_TYPES,
  },
  'pinterest_ads.ad_custom_conversions_daily': {
    ad_account_id: 'text',
    ad_id: 'text',
    date: 'date',
    event_name: 'text',
    campaign_id: 'text',
    ad_group_id: 'text',
    conversions: 'numeric',
    conversion_value_micro: 'bigint',
    ...STAMPS,
  },
  'pinterest_ads.account_day_status': {
    ad_account_id: 'text',
    date: 'date',
    non_conversion_ready_at: 'timestamp with time zone',
    conversion_ready_at: 'timestamp with time zone',
    last_pulled_at: 'timestamp with time zone',
    is_final: 'boolean',
  },
  'pinterest_ads.restatements': {
    ad_account_id: 'text',
    date: 'date',
    detected_at: 'timestamp with time zone',
    run_id: 'bigint',
    currency: 'text',
    spend_micro_before: 'bigint',
    spend_micro_after: 'bigint',
    conversions_before: 'numeric',
    conversions_after: 'numeric',
    conversion_value_micro_before: 'bigint',
    conversion_value_micro_after: 'bigint',
  },
  'pinterest_ads.ad_hourly_spend': {
    ad_account_id: 'text',
    ad_id: 'text',
    hour: 'timestamp with time zone',
    date: 'date',
    spend_micro: 'bigint',
    method: 'text',
  },
  'pinterest_ads.overview_daily': {
    ad_account_id: 'text',
    date: 'date',
    currency: 'text',
    spend: 'numeric',
    impressions: 'numeric',
    clicks: 'numeric',
    conversions: 'numeric',
    revenue: 'numeric',
    ctr: 'numeric',
    cpc: 'numeric',
    cpm: 'numeric',
    cpa: 'numeric',
    roas: 'numeric',
    is_final: 'boolean',
    conversion_event: 'text',
  },
  'pinterest_ads.channels_report': {
    level: 'text',
    ad_account_id: 'text',
    entity_id: 'text',
    entity_name: 'text',
    date: 'date',
    currency: 'text',
    purchases: 'numeric',
    revenue: 'numeric',
    roas: 'numeric',
    cpa: 'numeric',
    spend: 'numeric',
    is_final: 'boolean',
    conversion_event: 'text',
  },
  'pinads.credentials': {
    id: 'text',
    refresh_token_enc: 'text',
    refresh_token_expires_at: 'timestamp with time zone',
    access_token_enc: 'text',
    access_token_expires_at: 'timestamp with time zone',
    access_token_issued_at: 'timestamp with time zone',
    scope: 'text',
    refreshed_at: 'timestamp with time zone',
    created_at: 'timestamp with time zone',
    updated_at: 'timestamp with time zone',
    pinterest_user_id: 'text',
  },
  'pinads.connections': {
    id: 'text',
    name: 'text',
    ad_account_id: 'text',
    credential_id: 'text',
    status: 'text',
    status_reason: 'text',
    settings: 'jsonb',
    origin: 'text',
    created_at: 'timestamp with time zone',
    updated_at: 'timestamp with time zone',
    status_changed_at: 'timestamp with time zone',
  },
  'pinads.sync_runs': {
    id: 'bigint',
    connection_id: 'text',
    kind: 'text',
    report: 'text',
    window_start: 'date',
    window_end: 'date',
    status: 'text',
    rows_loaded: 'bigint',
    api_calls: 'integer',
    bytes: 'bigint',
    duration_ms: 'bigint',
    error: 'text',
    workflow_id: 'text',
    run_id: 'text',
    activity_id: 'text',
    started_at: 'timestamp with time zone',
    finished_at: 'timestamp with time zone',
  },
};

/** Entity tables: the named columns must exist with these types; more columns are allowed. */
const ENTITY_COLUMNS: Record<string, Record<string, string>> = {
  'pinterest_ads.ad_accounts': {
    id: 'text',
    name: 'text',
    currency: 'text',
    country: 'text',
    time_zone: 'text',
    created_time: 'timestamp with time zone',
    updated_time: 'timestamp with time zone',
    synced_at: 'timestamp with time zone',
    raw: 'jsonb',
  },
  'pinterest_ads.campaigns': {
    id: 'text',
    ad_account_id: 'text',
    name: 'text',
    status: 'text',
    raw: 'jsonb',
  },
  'pinterest_ads.ad_groups': {
    id: 'text',
    ad_account_id: 'text',
    campaign_id: 'text',
    name: 'text',
    raw: 'jsonb',
  },
  'pinterest_ads.ads': {
    id: 'text',
    ad_account_id: 'text',
    campaign_id: 'text',
    ad_group_id: 'text',
    pin_id: 'text',
    name: 'text',
    status: 'text',
    destination_url: 'text',
    created_time: 'timestamp with time zone',
    updated_time: 'timestamp with time zone',
    synced_at: 'timestamp with time zone',
    raw: 'jsonb',
  },
  // Migration 013 (docs/warehouse.md): the entities of the daily extra reports.
  'pinterest_ads.keywords': {
    id: 'text',
    ad_account_id: 'text',
    campaign_id: 'text',
    ad_group_id: 'text',
    parent_type: 'text',
    value: 'text',
    match_type: 'text',
    archived: 'boolean',
    synced_at: 'timestamp with time zone',
    raw: 'jsonb',
  },
  'pinterest_ads.conversion_events': {
    ad_account_id: 'text',
    name: 'text',
    synced_at: 'timestamp with time zone',
    raw: 'jsonb',
  },
  'pinterest_ads.geo_countries': { country_id: 'text', country_name: 'text' },
  'pinterest_ads.geo_regions': { region_id: 'text', country_id: 'text', region_name: 'text' },
};

const PRIMARY_KEYS: Record<string, string[]> = {
  'pinterest_ads.ad_daily_metrics': ['ad_account_id', 'ad_id', 'date'],
  'pinterest_ads.ad_accounts': ['id'],
  'pinterest_ads.campaigns': ['id'],
  'pinterest_ads.ad_groups': ['id'],
  'pinterest_ads.ads': ['id'],
  'pinterest_ads.keywords': ['id'],
  'pinterest_ads.conversion_events': ['ad_account_id', 'name'],
  'pinterest_ads.geo_countries': ['country_id'],
  'pinterest_ads.geo_regions': ['region_id'],
  'pinterest_ads.ad_targeting_daily_metrics': [
    'ad_account_id',
    'ad_id',
    'date',
    'targeting_type',
    'targeting_value',
  ],
  'pinterest_ads.ad_custom_conversions_daily': ['ad_account_id', 'ad_id', 'date', 'event_name'],
  'pinterest_ads.restatements': ['ad_account_id', 'date', 'detected_at'],
  'pinads.day_pulls': ['ad_account_id', 'report', 'date'],
  'pinads.metrics_ready': ['date'],
  'pinads.connections': ['id'],
  'pinads.credentials': ['id'],
  'pinads.schema_migrations': ['version'],
};

describe('warehouse migrations', () => {
  let db: TestDatabase;
  let wh: Warehouse;
  let firstRun: string[];

  beforeAll(async () => {
    db = await createTestDatabase('pinads_wh_migrate');
    wh = await openWarehouse(db.url);
    firstRun = await migrate(wh.pool);
  });
  afterAll(async () => {
    await wh?.close();
    await db?.drop();
  });

  async function columns(relation: string): Promise<Record<string, string>> {
    const [schema, name] = relation.split('.');
    const { rows } = await wh.pool.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [schema, name],
    );
    return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
  }

  it('applies every migration file once, in order, and records it', async () => {
    const files = (await listMigrations()).map((m) => m.version);
    expect(files.length).toBeGreaterThan(0);
    expect(firstRun).toEqual(files);
    const { rows } = await wh.pool.query('SELECT version FROM pinads.schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(files);
  });

  it('is idempotent when run again', async () => {
    expect(await migrate(wh.pool)).toEqual([]);
  });

  it('is safe when several workers migrate a fresh database at once', async () => {
    const fresh = await createTestDatabase('pinads_wh_migrate_conc');
    const pools = await Promise.all([1, 2, 3, 4].map(() => openWarehouse(fresh.url)));
    try {
      const results = await Promise.all(pools.map((p) => migrate(p.pool)));
      const files = (await listMigrations()).map((m) => m.version);
      // Exactly one of them applied everything; the others found nothing left to do.
      expect(results.flat().sort()).toEqual(files);
      expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
      await fresh.drop();
    }
  });

  it('creates the contract tables and views with exactly the contract columns and types', async () => {
    for (const [relation, expected] of Object.entries(CONTRACT)) {
      expect({ relation, cols: await columns(relation) }).toEqual({ relation, cols: expected });
    }
  });

  it('creates the entity tables with the contract columns', async () => {
    for (const [relation, expected] of Object.entries(ENTITY_COLUMNS)) {
      const cols = await columns(relation);
      expect({ relation, cols }).toEqual({ relation, cols: expect.objectContaining(expected) });
    }
  });

  it('declares the contract primary keys', async () => {
    for (const [relation, expected] of Object.entries(PRIMARY_KEYS)) {
      const { rows } = await wh.pool.query<{ attname: string }>(
        `SELECT a.attname FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
          WHERE i.indrelid = $1::regclass AND i.indisprimary
          ORDER BY array_position(i.indkey::int2[], a.attnum)`,
        [relation],
      );
      expect({ relation, pk: rows.map((r) => r.attname) }).toEqual({ relation, pk: expected });
    }
  });

  it('enforces the control-plane checks', async () => {
    await wh.pool.query(`INSERT INTO pinads.credentials (id, refresh_token_enc) VALUES ('cred1', 'x')`);
    await expect(
      wh.pool.query(
        `INSERT INTO pinads.connections (id, name, ad_account_id, credential_id, status, settings)
         VALUES ('c1', 'n', '1', 'cred1', 'broken', '{}')`,
      ),
    ).rejects.toThrow(/check constraint/);
    await wh.pool.query(
      `INSERT INTO pinads.connections (id, name, ad_account_id, credential_id, settings) VALUES ('c1', 'n', '1', 'cred1', '{}')`,
    );
    const { rows } = await wh.pool.query(`SELECT status FROM pinads.connections WHERE id = 'c1'`);
    expect(rows[0].status).toBe('active');
  });
});
