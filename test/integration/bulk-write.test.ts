// writeRows on real Postgres, by COPY and by unnest INSERT: every cell arrives exactly, whatever its characters and
// size. COPY writes each line into a fixed-size chunk as UTF-8, so the cases are the ones that chunking could break:
// characters of two, three and four bytes, the escaped ones, NULL, a line longer than a chunk, and many chunks.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RowTarget, writeRows } from '../../warehouse/bulk-write.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface Row {
  n: bigint;
  t: string | null;
}

const target: RowTarget<Row> = {
  table: 'bulk',
  columns: [
    ['n', 'bigint'],
    ['t', 'text'],
  ],
  cells: (r) => [r.n, r.t],
};

const odd = ['é', '漢字', '🎯 target', 'tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash', '\\N', ''];
const rows: Row[] = [
  ...odd.map((t, i) => ({ n: BigInt(i), t })),
  { n: 100n, t: null },
  // 200,000 three-byte characters: 600 KB of UTF-8, several chunks' worth in one line.
  { n: 101n, t: '漢'.repeat(200_000) },
  { n: 102n, t: `${'a'.repeat(131_000)}🎯` },
  // Enough short rows to fill many chunks, each with a multi-byte character somewhere.
  ...Array.from({ length: 20_000 }, (_, i) => ({
    n: 1_000n + BigInt(i),
    t: `${'x'.repeat(i % 97)}é${i}`,
  })),
  { n: 9_223_372_036_854_775_807n, t: 'max' },
];

async function* batches(): AsyncGenerator<Row[]> {
  for (let i = 0; i < rows.length; i += 777) yield rows.slice(i, i + 777);
}

describe('writeRows on Postgres', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  for (const canCopy of [true, false]) {
    it(`writes every cell exactly by ${canCopy ? 'COPY' : 'unnest INSERT'}`, async () => {
      const client = await pool.connect();
      try {
        await client.query('DROP TABLE IF EXISTS bulk; CREATE TABLE bulk (n bigint PRIMARY KEY, t text)');
        await client.query('BEGIN');
        expect(await writeRows(client, canCopy, target, batches())).toBe(rows.length);
        await client.query('COMMIT');
        const { rows: got } = await client.query<{ n: string; t: string | null }>(
          'SELECT n::text AS n, t FROM bulk ORDER BY bulk.n',
        );
        expect(got.length).toBe(rows.length);
        const want = [...rows].sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
        // Compared one by one, so a failure names the row instead of diffing 600 KB strings.
        const show = (n: string, t: string | null | undefined) => ({
          n,
          length: t?.length,
          head: t?.slice(0, 40),
        });
        for (let i = 0; i < want.length; i++) {
          const [g, w] = [got[i]!, want[i]!];
          if (g.n !== String(w.n) || g.t !== w.t) expect(show(g.n, g.t)).toEqual(show(String(w.n), w.t));
        }
      } finally {
        // A failed write leaves the transaction open; the next case must start clean.
        await client.query('ROLLBACK').catch(() => {});
        client.release();
      }
    });
  }
});
