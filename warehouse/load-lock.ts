// The per-account load lock and the time bounds of a load transaction, as Postgres settings. A stuck holder of the
// lock is ended by the next load that needs it, once it has outlived the bound its own statements run under.
import type pg from 'pg';
import type { LoadTimeouts } from './pool.ts';

/** Advisory-lock namespace ("pina") for per-account loads; the second key is hashtext(ad_account_id). */
export const LOAD_LOCK_NAMESPACE = 0x70696e61;

/** Waiting for the account lock timed out: another load holds it (retryable). */
export class LoadLockTimeoutError extends Error {
  override name = 'LoadLockTimeoutError';
}

/** Slack past a holder's statement bound before it counts as stuck: its own cancel may be on its way. */
const STUCK_GRACE_MS = 5_000;

/**
 * Opens the load's bounds inside its transaction: lock_timeout for the lock wait, statement_timeout for every
 * statement (the COPY included: it streams the download), a short idle-in-transaction timeout (a load never idles
 * between its statements), and an application_name that says what the session is and its statement bound, so that
 * another load can tell a stuck holder from a slow one.
 */
export async function boundTransaction(client: pg.PoolClient, t: LoadTimeouts): Promise<void> {
  const stmt = Math.trunc(t.statementMs);
  await client.query(
    `SET LOCAL lock_timeout = ${Math.trunc(t.lockMs)};
     SET LOCAL statement_timeout = ${stmt};
     SET LOCAL idle_in_transaction_session_timeout = ${Math.min(stmt, 60_000)};
     SET LOCAL application_name = 'pinads-load stmt_ms=${stmt}'`,
  );
}

/** Takes the account's lock, waiting at most lock_timeout; LoadLockTimeoutError when another load holds it. */
export async function lockAccount(client: pg.PoolClient, adAccountId: string): Promise<void> {
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOAD_LOCK_NAMESPACE, adAccountId]);
  } catch (err) {
    if ((err as { code?: string }).code !== '55P03') throw err;
    throw new LoadLockTimeoutError(
      `another load of ad account ${adAccountId} holds its lock (lock timeout); this load will be retried`,
    );
  }
}

/**
 * Ends the sessions that hold the account's lock and are stuck: a pinads load whose current statement has run past
 * its own statement_timeout. Postgres cancels a statement at its timeout, except a COPY waiting for data from a
 * client that stopped sending (a frozen or suspended worker whose connection stays open): only a terminate ends
 * that one, and with it the transaction and the lock. Returns how many sessions it ended.
 */
export async function endStuckHolders(client: pg.PoolClient, adAccountId: string): Promise<number> {
  const { rows } = await client.query<{ ended: boolean }>(
    `SELECT pg_terminate_backend(a.pid) AS ended
     FROM pg_stat_activity a
     WHERE a.pid IN (
         SELECT l.pid FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
           AND l.classid = $1::int4::oid AND l.objid = hashtext($2)::oid)
       AND a.pid <> pg_backend_pid()
       AND a.state = 'active'
       AND a.application_name ~ '^pinads-load stmt_ms=[0-9]+$'
       AND a.query_start < clock_timestamp()
             - (substring(a.application_name FROM 'stmt_ms=([0-9]+)')::bigint + $3) * interval '1 millisecond'`,
    [LOAD_LOCK_NAMESPACE, adAccountId, STUCK_GRACE_MS],
  );
  return rows.filter((r) => r.ended).length;
}
