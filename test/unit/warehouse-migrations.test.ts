// The migration files themselves: ordered, uniquely numbered, and free of transaction control.
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../warehouse/migrate.ts';

describe('warehouse migration files', () => {
  // Numbers claimed in /work/plan (PLAN.md, NOTES.md) whose file has not landed yet: a later one may land first.
  // Remove a number when its file lands.
  const RESERVED = [18, 19];

  it('are numbered 001, 002, … without gaps (but reserved numbers) or duplicates, in application order', async () => {
    const versions = (await listMigrations()).map((m) => m.version);
    expect(versions.length).toBeGreaterThanOrEqual(5);
    const numbers = versions.map((v) => Number(v.slice(0, 3)));
    const expected = Array.from({ length: Math.max(...numbers) }, (_, i) => i + 1).filter(
      (n) => !RESERVED.includes(n) || numbers.includes(n),
    );
    expect(numbers).toEqual(expected);
  });

  it('contain no transaction control, because the migrator wraps each file in its own transaction', async () => {
    for (const m of await listMigrations()) {
      expect({ version: m.version, tx: /^\s*(BEGIN|COMMIT|ROLLBACK)\b/im.test(m.sql) }).toEqual({
        version: m.version,
        tx: false,
      });
    }
  });

  it('create the contract relations', async () => {
    const sql = (await listMigrations()).map((m) => m.sql).join('\n');
    for (const rel of [
      'pinterest_ads.ad_accounts',
      'pinterest_ads.campaigns',
      'pinterest_ads.ad_groups',
      'pinterest_ads.ads',
      'pinterest_ads.ad_daily_metrics',
      'pinterest_ads.ad_hourly_spend',
      'VIEW pinterest_ads.overview_daily',
      'VIEW pinterest_ads.channels_report',
      'pinads.credentials',
      'pinads.connections',
      'pinads.sync_runs',
    ]) {
      expect(sql).toContain(rel);
    }
  });
});
