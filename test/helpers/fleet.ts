// A synthetic agency written straight into a migrated warehouse, set-based (for the overview's tests and its bench):
// connections on a few grants, their ad accounts in several currencies and zones, daily facts for each account's
// recent days, a history of hourly runs, and some open alerts. Deterministic from the indexes.
import type pg from 'pg';

export interface FleetOptions {
  connections: number;
  adsPerAccount: number;
  /** Days of facts per account, ending at `today` (UTC dates). */
  days: number;
  /** Succeeded hourly runs per connection, one an hour back from now. */
  runsPerConnection: number;
  today: string;
}

/** Account i: USD in UTC, EUR in Europe/Berlin, JPY in Asia/Tokyo reporting in account time, in turn. */
export const FLEET_ACCOUNTS = [
  { currency: 'USD', zone: 'America/Los_Angeles', reporting: 'utc' },
  { currency: 'EUR', zone: 'Europe/Berlin', reporting: 'utc' },
  { currency: 'JPY', zone: 'Asia/Tokyo', reporting: 'account' },
] as const;

export const fleetConnectionId = (i: number) => `conn_fleet${String(i).padStart(5, '0')}`;
export const fleetAccountId = (i: number) => String(600000000000 + i);

export async function seedFleet(pool: pg.Pool, o: FleetOptions): Promise<void> {
  const kinds = FLEET_ACCOUNTS.length;
  const currency = `(ARRAY[${FLEET_ACCOUNTS.map((a) => `'${a.currency}'`).join(',')}])[(g % ${kinds}) + 1]`;
  const zone = `(ARRAY[${FLEET_ACCOUNTS.map((a) => `'${a.zone}'`).join(',')}])[(g % ${kinds}) + 1]`;
  const reporting = `(ARRAY[${FLEET_ACCOUNTS.map((a) => `'${a.reporting}'`).join(',')}])[(g % ${kinds}) + 1]`;
  const n = o.connections;
  await pool.query(`
    INSERT INTO pinads.credentials (id, refresh_token_enc)
    SELECT 'cred_fleet' || g, 'not-a-token' FROM generate_series(0, ${Math.ceil(n / 50) - 1}) g;
    INSERT INTO pinterest_ads.ad_accounts (id, name, currency, country, time_zone, raw)
    SELECT (600000000000 + g)::text, 'Account ' || g, ${currency}, 'US', ${zone}, '{}'::jsonb
      FROM generate_series(0, ${n - 1}) g;
    INSERT INTO pinads.connections (id, name, ad_account_id, credential_id, settings, created_at)
    SELECT 'conn_fleet' || lpad(g::text, 5, '0'), 'Client ' || lpad(((g * 7919) % ${n})::text, 5, '0'),
           (600000000000 + g)::text, 'cred_fleet' || (g / 50),
           jsonb_build_object('reporting_time_zone', ${reporting}) ||
             CASE WHEN ${reporting} = 'account' THEN jsonb_build_object('account_time_zone', ${zone}) ELSE '{}' END,
           now() - interval '30 days'
      FROM generate_series(0, ${n - 1}) g;`);
  // Facts: every ad of every account on each day, with spend, conversions and revenue varying by all three.
  await pool.query(
    `INSERT INTO pinterest_ads.ad_daily_metrics
       (ad_account_id, ad_id, date, campaign_id, ad_group_id, currency, time_zone, spend_micro, impressions, clicks,
        conversions, conversion_value_micro, click_window_days, engagement_window_days, view_window_days,
        conversion_report_time)
     SELECT (600000000000 + g)::text, (700000000000 + g * 1000 + ad)::text, $1::date - d,
            'c' || g, 'g' || g, ${currency}, CASE WHEN ${reporting} = 'account' THEN ${zone} ELSE 'UTC' END,
            ((g * 7919 + ad * 104729 + d * 1301) % 9000000) + 1000, 1000 + ad, 10 + (ad % 7),
            ((g + ad + d) % 5)::numeric + CASE WHEN (g + d) % 4 = 0 THEN 0.5 ELSE 0 END,
            ((g * 31 + ad * 17 + d * 13) % 20000000), 30, 30, 1, 'TIME_OF_CONVERSION'
       FROM generate_series(0, ${n - 1}) g, generate_series(0, ${o.adsPerAccount - 1}) ad,
            generate_series(0, ${o.days - 1}) d`,
    [o.today],
  );
  await pool.query(
    `INSERT INTO pinads.sync_runs (connection_id, kind, window_start, window_end, status, started_at, finished_at)
     SELECT 'conn_fleet' || lpad(g::text, 5, '0'), 'hourly', $1::date - 1, $1::date, 'succeeded',
            now() - make_interval(hours => h) - interval '2 minutes', now() - make_interval(hours => h)
       FROM generate_series(0, ${n - 1}) g, generate_series(0, ${o.runsPerConnection - 1}) h`,
    [o.today],
  );
  // One connection in 20 has an open stale alert, one in 50 needs a new grant.
  await pool.query(`
    UPDATE pinads.connections SET status = 'needs_reauth', status_reason = 'revoked'
     WHERE right(id, 5)::int % 50 = 7;
    INSERT INTO pinads.alerts (connection_id, kind, reason, since)
    SELECT id, CASE WHEN status = 'needs_reauth' THEN 'needs_reauth' ELSE 'stale' END, 'seeded', now() - interval '4 hours'
      FROM pinads.connections WHERE id LIKE 'conn_fleet%' AND (right(id, 5)::int % 20 = 3 OR status = 'needs_reauth');`);
}
