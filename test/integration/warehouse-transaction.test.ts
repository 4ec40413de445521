// The one transaction helper (warehouse/transaction.ts): what fn wrote is committed whole or not at all, and the
// pool's client comes back usable either way.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../warehouse/transaction.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  // One client: a client left inside a failed transaction would fail the next test's statements.
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  await pool.query('CREATE TABLE t (v int PRIMARY KEY)');
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const values = async () => (await pool.query('SELECT v FROM t ORDER BY v')).rows.map((r) => r.v);

describe('inTransaction', () => {
  it('commits what fn wrote and returns its result', async () => {
    const n = await inTransaction(pool, async (tx) => {
      await tx.query('INSERT INTO t VALUES (1), (2)');
      return 2;
    });
    expect(n).toBe(2);
    expect(await values()).toEqual([1, 2]);
  });

  it('rolls back everything fn wrote when it throws, rethrows, and leaves the client usable', async () => {
    const err = await inTransaction(pool, async (tx) => {
      await tx.query('INSERT INTO t VALUES (3)');
      throw new Error('stop here');
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('stop here');
    // A failed statement aborts the transaction; the helper must still end it.
    const dup = await inTransaction(pool, async (tx) => {
      await tx.query('INSERT INTO t VALUES (4)');
      await tx.query('INSERT INTO t VALUES (1)');
    }).catch((e: unknown) => e);
    expect((dup as { code?: string }).code).toBe('23505');
    expect(await values()).toEqual([1, 2]);
  });
});
