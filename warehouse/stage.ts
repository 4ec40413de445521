// Staging of a report's daily facts into a transaction-scoped temp table, by COPY where the server supports it
// and by multi-row unnest inserts where it does not (PGlite). Everything after staging is set-based SQL.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DailyFactRow } from '../schemas/report.ts';

/** Dropped at commit or rollback, so a failed load leaves nothing behind and the next load starts clean. */
export const STAGE_TABLE = 'pinads_stage_daily';

/**
 * Column name → SQL type, in DailyFactRow's field names and COPY order. The one declared list of report columns:
 * the stage, the COPY, the unnest insert and the daily insert (warehouse/load.ts) are all built from it.
 */
export const STAGE_COLUMNS = [
  ['ad_id', 'text'],
  ['date', 'date'],
  ['campaign_id', 'text'],
  ['ad_group_id', 'text'],
  ['spend_micro', 'bigint'],
  ['impressions', 'bigint'],
  ['clicks', 'bigint'],
  ['outbound_clicks', 'bigint'],
  ['conversions', 'numeric'],
  ['conversion_value_micro', 'bigint'],
  ['total_conversions', 'numeric'],
  ['impressions_earned', 'bigint'],
  ['clicks_earned', 'bigint'],
  ['total_conversions_quantity', 'numeric'],
  ['total_conversions_value_micro', 'bigint'],
] as const satisfies readonly (readonly [keyof DailyFactRow, string])[];

/** Rows per unnest INSERT: large enough to amortize round trips, small enough to keep parameters modest. */
const INSERT_BATCH = 5000;
/** Rows per COPY data chunk handed to the socket. */
const COPY_CHUNK = 1000;

/** Creates the staging table inside the caller's open transaction. NOT NULL turns a missing field into an error. */
export async function createStage(client: pg.PoolClient): Promise<void> {
  const cols = STAGE_COLUMNS.map(([name, type]) => `${name} ${type} NOT NULL`).join(', ');
  await client.query(`CREATE TEMP TABLE ${STAGE_TABLE} (${cols}) ON COMMIT DROP`);
}

/** Streams every row into the stage; returns how many were staged. Errors from the iterator propagate. */
export async function stageRows(
  client: pg.PoolClient,
  canCopy: boolean,
  rows: AsyncIterable<DailyFactRow>,
): Promise<number> {
  return canCopy ? copyRows(client, rows) : insertRows(client, rows);
}

function cell(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/** COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL. */
function copyCell(v: unknown): string {
  const s = cell(v);
  if (s === null) return '\\N';
  return s.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

async function copyRows(client: pg.PoolClient, rows: AsyncIterable<DailyFactRow>): Promise<number> {
  let count = 0;
  async function* lines(): AsyncGenerator<string> {
    let chunk = '';
    let inChunk = 0;
    for await (const row of rows) {
      chunk += STAGE_COLUMNS.map(([name]) => copyCell(row[name])).join('\t') + '\n';
      count++;
      if (++inChunk === COPY_CHUNK) {
        yield chunk;
        chunk = '';
        inChunk = 0;
      }
    }
    if (chunk) yield chunk;
  }
  const names = STAGE_COLUMNS.map(([name]) => name).join(', ');
  // If the iterator throws, pipeline destroys the COPY stream, which sends CopyFail: the server aborts the COPY
  // and the transaction is left for the caller to roll back.
  await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY ${STAGE_TABLE} (${names}) FROM STDIN`)));
  return count;
}

async function insertRows(client: pg.PoolClient, rows: AsyncIterable<DailyFactRow>): Promise<number> {
  const names = STAGE_COLUMNS.map(([name]) => name).join(', ');
  const unnest = STAGE_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const sql = `INSERT INTO ${STAGE_TABLE} (${names}) SELECT * FROM unnest(${unnest})`;
  let count = 0;
  let batch: (string | null)[][] = STAGE_COLUMNS.map(() => []);
  let inBatch = 0;
  const flush = async () => {
    if (inBatch === 0) return;
    await client.query(sql, batch);
    batch = STAGE_COLUMNS.map(() => []);
    inBatch = 0;
  };
  for await (const row of rows) {
    STAGE_COLUMNS.forEach(([name], i) => {
      batch[i]!.push(cell(row[name]));
    });
    count++;
    if (++inBatch === INSERT_BATCH) await flush();
  }
  await flush();
  return count;
}
