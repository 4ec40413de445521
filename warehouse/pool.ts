// The one module that owns the warehouse's pg pool, and what the connected server can do.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export interface Warehouse {
  /** Short queries: control plane, bookkeeping, the pacer's bookings. Nothing holds one of its clients while waiting. */
  pool: pg.Pool;
  /**
   * Window loads only (warehouse/load.ts): a load holds its client while it waits for the account's lock and while
   * its report downloads into the COPY, so loads get clients of their own, as many as loads can run at once, and
   * never take the ones the short queries need (on PGlite, the one shared session: the same pool).
   */
  loadPool: pg.Pool;
  /** Time bounds of a load (warehouse/load.ts). */
  loadTimeouts: LoadTimeouts;
  /** true when `COPY … FROM STDIN` works on this server (real Postgres); false on PGlite over pglite-socket. */
  canCopy: boolean;
  /** true when the server is PGlite: one backend shared by every connection (keep workloads small there). */
  embedded?: boolean;
  close(): Promise<void>;
}

const DATE_OID = 1082;

/**
 * Per-pool type parsers. bigint (int8) and numeric already arrive as strings in pg, and we keep it so: money and
 * ids must never pass through a float. `date` is kept as its 'YYYY-MM-DD' text too, because pg's default turns it
 * into a JS Date at local midnight, which shifts days in any non-UTC process.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID && format !== 'binary') return (value: string) => value;
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads do not accept a union format
    return pg.types.getTypeParser(oid, format as any);
  },
};

/**
 * Opens the warehouse pool and decides, by asking the server, whether the COPY path is available.
 * PGlite is recognized by its version string and gets one connection per pool: all its connections share a single
 * backend (one session: temp tables, SETs and session advisory locks are common to all), and a failed COPY
 * desynchronizes its wire protocol and wedges the server, so we never probe COPY there.
 */
/**
 * Session limits for a worker's connections, so no failure mode holds a lock for hours: a session idle inside a
 * transaction (a partitioned or frozen worker) is ended by the server and its locks released, keepalive notices a
 * dead peer, and connecting gives up instead of hanging.
 */
export interface WarehouseTimeouts {
  connectMs: number;
  idleInTransactionMs: number;
  keepAliveInitialDelayMs: number;
}

export const DEFAULT_TIMEOUTS: WarehouseTimeouts = {
  connectMs: 10_000,
  idleInTransactionMs: 5 * 60_000,
  keepAliveInitialDelayMs: 10_000,
};

/**
 * A load's bounds, as Postgres settings of its transaction: how long it waits for the account's lock, and how long
 * any one of its statements may run (the COPY streams the whole download, so this bounds a load).
 */
export interface LoadTimeouts {
  lockMs: number;
  statementMs: number;
}

export const DEFAULT_LOAD_TIMEOUTS: LoadTimeouts = {
  // Longer than any healthy load of one window holds the lock; shorter than the activity's timeout.
  lockMs: 120_000,
  // 186 days of a 100,000-ad account (18.6M rows) load in about 3 minutes; the activity's own timeout is an hour.
  statementMs: 20 * 60_000,
};

/** Default size of the load pool: the worker's default activity slots (PINADS_ACTIVITY_SLOTS), one per load. */
export const DEFAULT_LOAD_POOL_MAX = 32;

export async function openWarehouse(
  url: string,
  opts: {
    max?: number;
    /** Loads that may run at once (a worker: its activity slots). */
    loadMax?: number;
    timeouts?: Partial<WarehouseTimeouts>;
    loadTimeouts?: Partial<LoadTimeouts>;
  } = {},
): Promise<Warehouse> {
  const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const net = {
    connectionTimeoutMillis: t.connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: t.keepAliveInitialDelayMs,
  };
  const probe = new pg.Client({ connectionString: url, types, ...net });
  await probe.connect();
  let embedded: boolean;
  let canCopy = false;
  try {
    const { rows } = await probe.query<{ version: string }>('SELECT version() AS version');
    embedded = /PGlite/i.test(rows[0]?.version ?? '');
    if (!embedded) canCopy = await copyWorks(probe);
  } finally {
    // The probe owned a temp table; ending the session drops it.
    await probe.end().catch(() => {});
  }
  const newPool = (max: number) => {
    const p = new pg.Pool({
      connectionString: url,
      types,
      ...net,
      max,
      // A startup parameter, so it holds for every session of the pool; PGlite has one shared session and no use for it.
      ...(embedded ? {} : { idle_in_transaction_session_timeout: t.idleInTransactionMs }),
    });
    // An idle client's error (server restart) must not crash the process; the next checkout reconnects.
    p.on('error', () => {});
    // A checked-out client whose server goes away mid-query (restart, failover) also emits 'error' on itself, and with
    // no listener that event kills the worker. Its query rejects with the same error, which the caller handles, and
    // the pool discards the client on release because it is no longer queryable.
    p.on('connect', (client) => {
      client.on('error', () => {});
    });
    return p;
  };
  const pool = newPool(embedded ? 1 : (opts.max ?? 10));
  // Idle load clients close after pg's idleTimeoutMillis (10 s): the pool only holds connections while loads run.
  const loadPool = embedded ? pool : newPool(opts.loadMax ?? DEFAULT_LOAD_POOL_MAX);
  let closed = false;
  return {
    pool,
    loadPool,
    loadTimeouts: { ...DEFAULT_LOAD_TIMEOUTS, ...opts.loadTimeouts },
    canCopy,
    embedded,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([pool.end(), loadPool === pool ? undefined : loadPool.end()]);
    },
  };
}

/** The feature check: a two-row COPY into a throwaway temp table. Any failure means "use the insert path". */
async function copyWorks(client: pg.Client): Promise<boolean> {
  try {
    await client.query('CREATE TEMP TABLE pinads_copy_probe (a int)');
    await pipeline(Readable.from(['1\n2\n']), client.query(copyFrom('COPY pinads_copy_probe FROM STDIN')));
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pinads_copy_probe');
    return rows[0]?.n === '2';
  } catch {
    return false;
  }
}
