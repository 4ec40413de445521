// Database timeouts on real Postgres: a stuck holder of an account's load lock (a worker partitioned or frozen inside
// its load transaction) does not block the next load forever, and sync_runs bookkeeping is idempotent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_LOCK_NAMESPACE, loadReportWindow } from '../../warehouse/load.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { finishRun, startRun } from '../../warehouse/runs.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { dailyFacts, factRow, loadInput } from './warehouse-fixtures.ts';

const W = { start: '2026-06-01', end: '2026-06-02' };
const IDLE_MS = 1500;

let db: TestDatabase;
let wh: Warehouse;
/** Another worker's pool, with the worker session timeouts (idle-in-transaction shortened for the test). */
let stuck: Warehouse;
beforeAll(async () => {
  db = await createTestDatabase('pinads_to');
  wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  stuck = await openWarehouse(db.url, { timeouts: { idleInTransactionMs: IDLE_MS } });
});
afterAll(async () => {
  await stuck?.close();
  await wh?.close();
  await db?.drop();
});

describe('database timeouts', () => {
  it('sets keepalive, a connect timeout and idle_in_transaction_session_timeout on worker sessions', async () => {
    const { rows } = await stuck.pool.query('SHOW idle_in_transaction_session_timeout');
    expect(rows[0].idle_in_transaction_session_timeout).toBe(`${IDLE_MS}ms`);
    const def = await wh.pool.query('SHOW idle_in_transaction_session_timeout');
    expect(def.rows[0].idle_in_transaction_session_timeout).toBe('5min');
  });

  it('a load waiting on a stuck lock holder gives up at lock_timeout, and succeeds once the server ends the holder', async () => {
    const holder = await stuck.pool.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOAD_LOCK_NAMESPACE, 'acct-stuck']);
    // …and the holder goes quiet inside its transaction, as a partitioned worker would.
    const rows = [factRow({ ad_id: '1', date: '2026-06-01', spend_micro: 24_000_000n })];
    await expect(
      loadReportWindow(wh, loadInput('acct-stuck', W, rows, { lockTimeoutMs: 300 })),
    ).rejects.toThrow(/lock timeout/);
    expect(await dailyFacts(wh, 'acct-stuck')).toEqual([]);
    await new Promise((r) => setTimeout(r, IDLE_MS + 500));
    // The server has ended the idle session and released its lock: the retried load goes through.
    const res = await loadReportWindow(wh, loadInput('acct-stuck', W, rows, { lockTimeoutMs: 300 }));
    expect(res.dailyRows).toBe(1);
    await expect(holder.query('SELECT 1')).rejects.toThrow();
    holder.release(true);
  });

  it('ends a load stuck in its COPY past its statement bound (a frozen client), then loads', async () => {
    // A load whose client stops sending mid-COPY: Postgres waits for data and cancels nothing.
    const frozen = await openWarehouse(db.url, { loadTimeouts: { statementMs: 500 } });
    try {
      const rows = (async function* () {
        yield factRow({ ad_id: '1', date: '2026-06-01', spend_micro: 24_000_000n });
        await new Promise(() => {});
      })();
      const stuck = loadReportWindow(frozen, { ...loadInput('acct-frozen', W, []), rows }).catch(
        (e: Error) => e,
      );
      // The next load waits for the lock, then ends the holder once it is past 500 ms (+ the 5 s grace).
      await new Promise((r) => setTimeout(r, 5_600));
      const res = await loadReportWindow(
        wh,
        loadInput('acct-frozen', W, [factRow({ ad_id: '2', date: '2026-06-02' })], { lockTimeoutMs: 300 }),
      );
      expect(res.dailyRows).toBe(1);
      expect(await stuck).toBeInstanceOf(Error);
      expect((await dailyFacts(wh, 'acct-frozen')).map((r) => r.ad_id)).toEqual(['2']);
    } finally {
      await frozen.close().catch(() => undefined);
    }
  });

  it('does not end a holder that is within its bound', async () => {
    const holder = await stuck.pool.connect();
    await holder.query('BEGIN');
    await holder.query("SET LOCAL application_name = 'pinads-load stmt_ms=600000'");
    await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOAD_LOCK_NAMESPACE, 'acct-slow']);
    await expect(loadReportWindow(wh, loadInput('acct-slow', W, [], { lockTimeoutMs: 300 }))).rejects.toThrow(
      /holds its lock/,
    );
    await holder.query('ROLLBACK');
    holder.release();
  });

  it('asks for no row before it holds the account lock, so a download is not opened only to wait', async () => {
    const holder = await wh.pool.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOAD_LOCK_NAMESPACE, 'acct-wait']);
    let pulledAt: number | null = null;
    const rows = (async function* () {
      pulledAt = Date.now();
      yield factRow({ ad_id: '1', date: '2026-06-01', spend_micro: 24_000_000n });
    })();
    const load = loadReportWindow(wh, { ...loadInput('acct-wait', W, []), rows });
    await new Promise((r) => setTimeout(r, 500));
    expect(pulledAt).toBeNull();
    const releasedAt = Date.now();
    await holder.query('COMMIT');
    holder.release();
    expect((await load).dailyRows).toBe(1);
    expect(pulledAt).toBeGreaterThanOrEqual(releasedAt);
  });

  it('startRun is idempotent per workflow run and activity id, and finishRun keeps the first outcome', async () => {
    await wh.pool.query(
      `INSERT INTO pinads.credentials (id, refresh_token_enc) VALUES ('cred_t', 'x');
       INSERT INTO pinads.connections (id, name, ad_account_id, credential_id, settings)
       VALUES ('conn_t', 't', 'acct-t', 'cred_t', '{}')`,
    );
    const run = {
      connectionId: 'conn_t',
      kind: 'hourly' as const,
      windowStart: W.start,
      windowEnd: W.end,
      workflowId: 'wf',
      runId: 'run-1',
      activityId: '7',
    };
    const a = await startRun(wh.pool, run);
    expect(await startRun(wh.pool, run)).toBe(a);
    expect(await startRun(wh.pool, { ...run, activityId: '8' })).not.toBe(a);
    await finishRun(wh.pool, a, { status: 'succeeded', rowsLoaded: 3, bytes: 1234 });
    await finishRun(wh.pool, a, { status: 'failed', error: 'late duplicate' });
    const { rows } = await wh.pool.query(
      'SELECT status, rows_loaded::int AS rows, bytes::int AS bytes FROM pinads.sync_runs WHERE id = $1',
      [a],
    );
    expect(rows[0]).toEqual({ status: 'succeeded', rows: 3, bytes: 1234 });
  });
});
