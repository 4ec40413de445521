// Bulk writes of report rows: by COPY where the server supports it and by multi-row unnest inserts where it does
// not (PGlite). The loader writes the daily facts straight into their table this way (warehouse/load.ts).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { tableColumns } from '../catalog/columns.ts';
import { AD_DAILY } from '../catalog/entries.ts';

/**
 * The ad-level report's columns (catalog `ad_daily`), name → SQL type, in a normalized row's order: entity, date,
 * campaign, ad group, then the metrics in the table's order.
 */
export const FACT_COLUMNS: readonly (readonly [string, string])[] = tableColumns(AD_DAILY).map(
  (c) => [c.name, c.sqlType] as const,
);

/** Rows one at a time or, cheaper, a batch at a time (the report parser yields a batch per downloaded chunk). */
export type Rows<T> = AsyncIterable<T | readonly T[]>;

/** Where rows go: a table, its columns (name, SQL type) in order, and each row's cells in that order. */
export interface RowTarget<T> {
  table: string;
  columns: readonly (readonly [string, string])[];
  cells(row: T): (string | bigint | null)[];
  /** The row as one COPY text line without its newline, when the target can build it cheaper than from cells. */
  copyLine?(row: T): string;
}

/** Rows per unnest INSERT: large enough to amortize round trips, small enough to keep parameters modest. */
const INSERT_BATCH = 5000;
/** Bytes of COPY data per chunk handed to the socket: about 680 of the bench's ad-level rows. */
const COPY_CHUNK = 128 * 1024;

const COPY_SPECIAL = /[\\\t\n\r]/;

/** COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL. */
export function copyCell(v: string | bigint | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'bigint') return v.toString();
  if (!COPY_SPECIAL.test(v)) return v;
  return v.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

function cellsLine(cells: (string | bigint | null)[]): string {
  let line = copyCell(cells[0]!);
  for (let i = 1; i < cells.length; i++) line += `\t${copyCell(cells[i]!)}`;
  return line;
}

async function* each<T>(rows: Rows<T>): AsyncGenerator<readonly T[]> {
  for await (const item of rows) yield Array.isArray(item) ? (item as readonly T[]) : [item as T];
}

/** Writes every row into the target inside the caller's transaction; returns how many. Iterator errors propagate. */
export async function writeRows<T>(
  client: pg.PoolClient,
  canCopy: boolean,
  target: RowTarget<T>,
  rows: Rows<T>,
): Promise<number> {
  return canCopy ? copyRows(client, target, rows) : insertRows(client, target, rows);
}

async function copyRows<T>(client: pg.PoolClient, target: RowTarget<T>, rows: Rows<T>): Promise<number> {
  let count = 0;
  // Each line is written into the chunk's buffer as it is built. Joining the lines into one string first made a
  // rope of thousands of pieces per chunk, which the socket write then had to flatten and encode: a tenth of the
  // connector's CPU per row. A line's UTF-8 takes at most three bytes per UTF-16 unit.
  async function* chunks(): AsyncGenerator<Buffer> {
    let buf = Buffer.allocUnsafe(COPY_CHUNK);
    let at = 0;
    for await (const batch of each(rows)) {
      for (const row of batch) {
        const line = target.copyLine ? target.copyLine(row) : cellsLine(target.cells(row));
        if (at + line.length * 3 + 1 > buf.length) {
          if (at > 0) yield buf.subarray(0, at);
          buf = Buffer.allocUnsafe(Math.max(COPY_CHUNK, line.length * 3 + 1));
          at = 0;
        }
        at += buf.write(line, at);
        buf[at++] = 10;
        count++;
      }
    }
    if (at > 0) yield buf.subarray(0, at);
  }
  const names = target.columns.map(([name]) => name).join(', ');
  // If the iterator throws, pipeline destroys the COPY stream, which sends CopyFail: the server aborts the COPY
  // and the transaction is left for the caller to roll back.
  await pipeline(
    Readable.from(chunks()),
    client.query(copyFrom(`COPY ${target.table} (${names}) FROM STDIN`)),
  );
  return count;
}

async function insertRows<T>(client: pg.PoolClient, target: RowTarget<T>, rows: Rows<T>): Promise<number> {
  const names = target.columns.map(([name]) => name).join(', ');
  const unnest = target.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const sql = `INSERT INTO ${target.table} (${names}) SELECT * FROM unnest(${unnest})`;
  const fresh = () => target.columns.map((): (string | null)[] => []);
  let count = 0;
  let batch = fresh();
  let inBatch = 0;
  const flush = async () => {
    if (inBatch === 0) return;
    await client.query(sql, batch);
    batch = fresh();
    inBatch = 0;
  };
  for await (const rowsOfChunk of each(rows)) {
    for (const row of rowsOfChunk) {
      const cells = target.cells(row);
      for (let i = 0; i < cells.length; i++) {
        const v = cells[i]!;
        batch[i]!.push(typeof v === 'bigint' ? v.toString() : v);
      }
      count++;
      if (++inBatch === INSERT_BATCH) await flush();
    }
  }
  await flush();
  return count;
}
