// Phase (b), the baseline: the very rows the load path committed (daily facts, their hourly split included),
// pre-rendered, then written back into the same, emptied table by the fastest bulk path the server offers, in one
// transaction. (pinterest_ads.ad_hourly_spend is a view over those rows since migration 010: nothing to write.)
// Real Postgres: COPY … FROM STDIN (text format) from a file rendered by COPY … TO STDOUT.
// PGlite over pglite-socket: COPY FROM STDIN breaks its wire protocol (see warehouse/pool.ts), so the baseline is
// the raw multi-row `INSERT … SELECT FROM unnest(typed arrays)` with arrays built beforehand: no parsing, no
// validation, no staging, no split.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Warehouse } from '../warehouse/pool.ts';

export const TABLES = ['pinterest_ads.ad_daily_metrics'] as const;

export interface BaselineResult {
  method: 'copy' | 'unnest';
  dailyRows: number;
  hourlyRows: number;
  seconds: number;
  /** The daily table's share of `seconds` (all of it, now that the hourly split lives on the daily row). */
  dailySeconds: number;
}

/** Rows per unnest INSERT on PGlite: big enough to amortize a round trip, far below any parameter limit. */
const UNNEST_BATCH = 20_000;

async function columnsOf(c: pg.PoolClient, table: string): Promise<{ name: string; type: string }[]> {
  const { rows } = await c.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return rows;
}

async function count(c: pg.PoolClient, table: string): Promise<number> {
  const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

/** Rows of the ad_hourly_spend view, counted from the splits without expanding them. */
async function hourlyCount(c: pg.PoolClient): Promise<number> {
  const { rows } = await c.query<{ n: string }>(
    'SELECT coalesce(sum(split_hours), 0) AS n FROM pinterest_ads.ad_daily_metrics',
  );
  return Number(rows[0]!.n);
}

/** Postgres: render each table to a file, empty the tables, then time COPY FROM of both files in one transaction. */
async function copyBaseline(c: pg.PoolClient): Promise<BaselineResult> {
  const dir = await mkdtemp(join(tmpdir(), 'pinads-bench-copy-'));
  try {
    const files = TABLES.map((t, i) => ({ table: t, file: join(dir, `${i}.copy`) }));
    for (const f of files)
      await pipeline(c.query(copyTo(`COPY ${f.table} TO STDOUT`)), createWriteStream(f.file));
    const [dailyRows, hourlyRows] = [await count(c, TABLES[0]), await hourlyCount(c)];
    await c.query(`TRUNCATE ${TABLES.join(', ')}`);
    // Flush the load's dirty pages first so the baseline does not pay for the previous phase's checkpoint.
    await c.query('CHECKPOINT');
    const t0 = performance.now();
    await c.query('BEGIN');
    const marks: number[] = [];
    for (const f of files) {
      await pipeline(createReadStream(f.file), c.query(copyFrom(`COPY ${f.table} FROM STDIN`)));
      marks.push(performance.now());
    }
    await c.query('COMMIT');
    const seconds = (performance.now() - t0) / 1000;
    const dailySeconds = (marks[0]! - t0) / 1000;
    if ((await count(c, TABLES[0])) !== dailyRows || (await hourlyCount(c)) !== hourlyRows)
      throw new Error('COPY baseline wrote a different number of rows than it read');
    return { method: 'copy', dailyRows, hourlyRows, seconds, dailySeconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** PGlite: read each table into typed column arrays in batches, empty the tables, then time the inserts. */
async function unnestBaseline(c: pg.PoolClient): Promise<BaselineResult> {
  const hourlyRows = await hourlyCount(c);
  const plans: { sql: string; batches: (string | null)[][][]; rows: number }[] = [];
  for (const table of TABLES) {
    const cols = await columnsOf(c, table);
    const names = cols.map((x) => x.name).join(', ');
    const { rows } = await c.query({
      text: `SELECT ${cols.map((x) => `${x.name}::text`).join(', ')} FROM ${table}`,
      rowMode: 'array',
    });
    const batches: (string | null)[][][] = [];
    for (let i = 0; i < rows.length; i += UNNEST_BATCH) {
      const slice = rows.slice(i, i + UNNEST_BATCH) as (string | null)[][];
      batches.push(cols.map((_, k) => slice.map((r) => r[k] ?? null)));
    }
    const unnest = cols.map((x, i) => `$${i + 1}::${x.type}[]`).join(', ');
    plans.push({
      sql: `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${unnest})`,
      batches,
      rows: rows.length,
    });
  }
  await c.query(`TRUNCATE ${TABLES.join(', ')}`);
  const t0 = performance.now();
  await c.query('BEGIN');
  const marks: number[] = [];
  for (const p of plans) {
    for (const b of p.batches) await c.query(p.sql, b);
    marks.push(performance.now());
  }
  await c.query('COMMIT');
  const seconds = (performance.now() - t0) / 1000;
  const dailySeconds = (marks[0]! - t0) / 1000;
  if ((await hourlyCount(c)) !== hourlyRows) throw new Error('unnest baseline changed the hourly split');
  return { method: 'unnest', dailyRows: plans[0]!.rows, hourlyRows, seconds, dailySeconds };
}

/** Measures the baseline on the warehouse's current content, which it leaves in place (rewritten). */
export async function measureBaseline(wh: Warehouse): Promise<BaselineResult> {
  const c = await wh.pool.connect();
  try {
    return wh.canCopy ? await copyBaseline(c) : await unnestBaseline(c);
  } finally {
    c.release();
  }
}
