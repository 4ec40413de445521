// The embedded warehouse (PGlite over pglite-socket): it migrates, takes the insert fallback instead of COPY, and
// loads the same facts and hourly split as real Postgres does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyFactRow } from '../../schemas/report.ts';
import { startEmbeddedWarehouse } from '../../warehouse/embedded.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import {
  dailyFacts,
  factRow,
  factsChecksum,
  hourlySpend,
  loadInput,
  type MigratedWarehouse,
  migratedWarehouse,
  rowsOf,
} from './warehouse-fixtures.ts';

const W = { start: '2026-03-28', end: '2026-03-30' };
// Ads across Berlin's spring-forward day (2026-03-29 has 23 hours), some above 2^53, plus a zero-spend row.
const ROWS: DailyFactRow[] = [
  ...['2026-03-28', '2026-03-29', '2026-03-30'].flatMap((date, d) =>
    Array.from({ length: 40 }, (_, i) =>
      factRow({
        ad_id: String(9_007_199_254_740_993n + BigInt(i)),
        date,
        spend_micro: BigInt((i + 1) * 1_000_003 * (d + 1)),
        conversions: `${i}.25`,
      }),
    ),
  ),
  factRow({ ad_id: '5', date: '2026-03-29', spend_micro: 0n }),
];
const NOW = new Date('2026-03-30T09:30:00Z'); // the 30th is the open day: 11:30 in Berlin → 12 hours elapsed

describe('embedded warehouse (PGlite)', () => {
  let dir: string;
  let stop: () => Promise<void>;
  let url: string;
  let wh: Warehouse;
  let reference: MigratedWarehouse;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pinads-wh-'));
    const embedded = await startEmbeddedWarehouse({ dataDir: join(dir, 'warehouse') });
    url = embedded.url;
    stop = embedded.close;
    wh = await openWarehouse(url);
    reference = await migratedWarehouse();
  });
  afterAll(async () => {
    await wh?.close();
    await stop?.();
    await reference?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is recognized as PGlite: no COPY, one pooled connection', () => {
    expect(wh.canCopy).toBe(false);
    expect(wh.embedded).toBe(true);
    expect(wh.pool.options.max).toBe(1);
  });

  it('migrates, concurrently from several pools, exactly once', async () => {
    const others = await Promise.all([1, 2].map(() => openWarehouse(url)));
    try {
      const results = await Promise.all([wh, ...others].map((w) => migrate(w.pool)));
      expect(results.filter((r) => r.length > 0)).toHaveLength(1);
      expect(await migrate(wh.pool)).toEqual([]);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it('has time zone data for the zones accounts use', async () => {
    const { rows } = await wh.pool.query<{ berlin: string; la: string }>(`
      SELECT extract(epoch FROM ('2026-03-30'::timestamp AT TIME ZONE 'Europe/Berlin') - ('2026-03-29'::timestamp AT TIME ZONE 'Europe/Berlin')) / 3600 AS berlin,
             extract(epoch FROM ('2026-11-02'::timestamp AT TIME ZONE 'America/Los_Angeles') - ('2026-11-01'::timestamp AT TIME ZONE 'America/Los_Angeles')) / 3600 AS la`);
    expect(Number(rows[0]!.berlin)).toBe(23);
    expect(Number(rows[0]!.la)).toBe(25);
  });

  it('serves several client connections at once', async () => {
    const clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all(clients.map((c) => c.connect()));
    try {
      const [a, b] = await Promise.all(clients.map((c, i) => c.query('SELECT $1::int AS n', [i])));
      expect([a!.rows[0].n, b!.rows[0].n]).toEqual([0, 1]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('loads exactly what real Postgres loads, daily facts and hourly split', async () => {
    const input = () =>
      loadInput('acct-same', W, ROWS, { currency: 'EUR', timeZone: 'Europe/Berlin', now: NOW });
    const onPg = await loadReportWindow(reference.wh, input());
    const onLite = await loadReportWindow(wh, input());
    // Same counts (ledgerMs is a timing).
    expect({ ...onLite, ledgerMs: 0 }).toEqual({ ...onPg, ledgerMs: 0 });
    expect(onPg.dailyRows).toBe(ROWS.length);
    // 40 ads × (24 + 23 + 12 elapsed hours of the open day)
    expect(onPg.hourlyRows).toBe(40 * (24 + 23 + 12));
    expect(await dailyFacts(wh, 'acct-same')).toEqual(await dailyFacts(reference.wh, 'acct-same'));
    expect(await hourlySpend(wh, 'acct-same')).toEqual(await hourlySpend(reference.wh, 'acct-same'));
  });

  it('rolls back a failed load on the insert path too', async () => {
    const before = await factsChecksum(wh);
    const many = Array.from({ length: 12_000 }, (_, i) =>
      factRow({ ad_id: String(1000 + i), date: '2026-03-28' }),
    );
    await expect(
      loadReportWindow(wh, { ...loadInput('acct-same', W, []), rows: rowsOf(many, 11_000) }),
    ).rejects.toThrow(/report stream broke/);
    expect(await factsChecksum(wh)).toBe(before);
  });

  it('keeps its data in dataDir across restarts', async () => {
    await wh.close();
    await stop();
    const again = await startEmbeddedWarehouse({ dataDir: join(dir, 'warehouse') });
    stop = again.close;
    url = again.url;
    wh = await openWarehouse(url);
    expect(await dailyFacts(wh, 'acct-same')).toHaveLength(ROWS.length);
    expect(await migrate(wh.pool)).toEqual([]);
  });
});
