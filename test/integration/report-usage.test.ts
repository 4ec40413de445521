import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../warehouse/migrate.ts';
import { runPinads as pinads } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const range = ['--from', '2026-03-01', '--to', '2026-03-04'];

describe('pinads report usage errors', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('pinads_report_usage');
    env = { DATABASE_URL: db.url };
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      await migrate(pool);
      await pool.query(
        `INSERT INTO pinads.credentials (id, refresh_token_enc) VALUES ('cred_u', 'not-a-real-token')`,
      );
      await pool.query(
        `INSERT INTO pinads.connections (id, name, ad_account_id, credential_id, settings)
         VALUES ('conn_eur', 'EUR shop', '549755813888', 'cred_u', '{}')`,
      );
    } finally {
      await pool.end();
    }
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('the valid call works, so the cases below fail for their own reason', async () => {
    const { code, stdout, stderr } = await pinads(
      ['report', 'overview', 'conn_eur', ...range, '--format', 'csv'],
      env,
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toBe(
      'date,currency,spend,impressions,clicks,ctr,cpc,cpm,conversions,revenue,cpa,roas,is_final\n',
    );
  });

  it('DATABASE_URL not set', async () => {
    const { code, stderr } = await pinads(['report', 'overview', 'conn_eur', ...range], { DATABASE_URL: '' });
    expect(code, stderr).toBe(2);
    expect(stderr).toBe('pinads: DATABASE_URL is not set: point it at the warehouse Postgres\n');
  });

  // Independent child processes: run them side by side to keep the file fast.
  it.concurrent.each([
    [['overview', 'conn_nope', ...range], 'unknown connection "conn_nope" (see pinads connections list)'],
    [
      ['overview', 'conn_eur', '--from', '2026-02-30', '--to', '2026-03-04'],
      '--from "2026-02-30" is not a calendar date (expected YYYY-MM-DD)',
    ],
    [
      ['overview', 'conn_eur', '--from', '2026-03-05', '--to', '2026-03-04'],
      '--from 2026-03-05 is after --to 2026-03-04',
    ],
    [['overview', 'conn_eur', '--to', '2026-03-04'], '--from YYYY-MM-DD is required'],
    [
      ['overview', 'conn_eur', ...range, '--by', 'campaign'],
      '--by applies to the channels and breakdown reports only (the overview report has one row per date)',
    ],
    [
      ['keywords', 'conn_eur', ...range, '--by', 'country'],
      '--by applies to the channels and breakdown reports only (the keywords report has one row per keyword)',
    ],
    [['breakdown', 'conn_eur', ...range], '--by country|region|age|gender|app_type is required'],
    [
      ['breakdown', 'conn_eur', ...range, '--by', 'city'],
      'unknown --by "city" (expected country, region, age, gender, app_type)',
    ],
    [
      ['channels', 'conn_eur', ...range, '--by', 'pin'],
      'unknown --by "pin" (expected channel, campaign, ad_group, ad)',
    ],
    [
      ['channels', 'conn_eur', ...range, '--format', 'xlsx'],
      'unknown --format "xlsx" (expected table, csv, json)',
    ],
    [
      ['weekly', 'conn_eur', ...range],
      'unknown report "weekly" (expected overview, channels, breakdown, keywords)',
    ],
  ])('%j', async (args, message) => {
    const { code, stdout, stderr } = await pinads(['report', ...args], env);
    expect(code, stderr).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`pinads: ${message}\n`);
  });
});
