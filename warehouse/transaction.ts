// One transaction, the one way: BEGIN, the caller's statements, COMMIT; on any error a best-effort ROLLBACK (the
// connection may be what failed) and the error rethrown. The window loader keeps its own (warehouse/load.ts): it
// also bounds the transaction's time and tells the pool to drop a connection a timeout left unusable.
import type pg from 'pg';

/** Runs fn inside one transaction on this client. */
export async function withinTransaction<T>(
  client: pg.PoolClient,
  fn: (tx: pg.PoolClient) => Promise<T>,
): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Runs fn inside one transaction on a client of the pool, released afterwards. */
export async function inTransaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await withinTransaction(client, fn);
  } finally {
    client.release();
  }
}
