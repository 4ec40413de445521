// Restarts the warehouse Postgres (a throwaway cluster on its own port) while a big window is loading. A reader
// polls the window's row count the whole time: it must only ever see the old count or the complete new one, never
// a partial window. The worker's load fails with the server, Temporal retries it, and it completes equal to truth.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import type { BackfillProgress } from '../../workflows/backfill.ts';
import { utcToday } from '../helpers/harness.ts';
import { type ChildStack, startChildStack } from './child-stack.ts';
import { LONG, sleep, startBackfill, type WorkerProcess } from './support.ts';
import { postgresBinDir, startThrowawayPg, type ThrowawayPg } from './throwaway-pg.ts';

const BIN_DIR = await postgresBinDir();
/** Ads in the sandbox's benchmark account: ads × 31 days daily rows per window, ×24 hourly rows. */
const BIG_ADS = LONG ? 8_000 : 1_000;

let cluster: ThrowawayPg;
let s: ChildStack;
let worker: WorkerProcess | undefined;
beforeAll(async () => {
  if (!BIN_DIR) return;
  cluster = await startThrowawayPg(BIN_DIR);
  s = await startChildStack({
    databaseUrl: cluster.url,
    sandbox: { bigAccountAds: BIG_ADS, reportPollsUntilFinished: 1 },
  });
});
afterAll(async () => {
  await worker?.kill('SIGKILL');
  await s?.close();
  await cluster?.stop();
});

/** Reads the window's row count until stopped, reconnecting across the restart; returns every count it saw. */
function watchCounts(url: string, adAccountId: string, w: { start: string; end: string }) {
  const seen = new Set<number>();
  let reads = 0;
  let stop = false;
  const done = (async () => {
    let c: pg.Client | undefined;
    while (!stop) {
      try {
        if (!c) {
          c = new pg.Client({ connectionString: url });
          c.on('error', () => undefined);
          await c.connect();
        }
        const { rows } = await c.query<{ n: string }>(
          'SELECT count(*) AS n FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3',
          [adAccountId, w.start, w.end],
        );
        seen.add(Number(rows[0]!.n));
        reads++;
      } catch {
        // The server is restarting: drop this session and try again shortly.
        await c?.end().catch(() => undefined);
        c = undefined;
        await sleep(100);
      }
    }
    await c?.end().catch(() => undefined);
  })();
  return {
    seen,
    reads: () => reads,
    /** Stops after two more reads, so the state the run committed is certainly among those seen. */
    async stop() {
      const target = reads + 2;
      while (reads < target) await sleep(20);
      stop = true;
      await done;
    },
  };
}

/** Resolves once a session on the cluster is inside a load transaction, streaming rows into the emptied window. */
async function loadInFlight(url: string, timeoutMs: number): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
      const { rows } = await c.query(
        `SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active'
           AND query ILIKE 'COPY pinterest_ads.ad_daily_metrics%'`,
      );
      if (rows.length > 0) return true;
      await sleep(20);
    }
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

describe.skipIf(!BIN_DIR)('Postgres restarted mid-load', () => {
  it('never exposes a partial window, and the load retries and completes equal to the truth', async () => {
    const big = s.sandbox.info.ad_accounts.at(-1)!;
    expect(s.sandbox.info.ad_accounts.length).toBeGreaterThan(3);
    const connectionId = await s.connect(big.id);
    const to = addDays(utcToday(), -1);
    const window = { start: addDays(to, -30), end: to };
    worker = s.startWorker();

    // First load: the "old" version of the window.
    const first = (await (
      await startBackfill(s.client, s.taskQueue, connectionId, window.start, window.end)
    ).result()) as BackfillProgress;
    const oldCount = first.rowsLoaded;
    expect(oldCount).toBeGreaterThan(BIG_ADS * 20);
    expect(worker.alive, worker.stderr).toBe(true);

    // A restart that lands just as the load commits proves nothing about mid-load recovery: then go again.
    let prevCount = oldCount;
    let retried = 0;
    let rounds = 0;
    while (retried === 0 && rounds < 3) {
      rounds++;
      // Late conversions and zeroed ad-days change the window, so a replace is distinguishable from a no-op.
      await s.control('/__sandbox/restate', { days_back: 31 });
      const watcher = watchCounts(cluster.url, big.id, window);
      const handle = await startBackfill(s.client, s.taskQueue, connectionId, window.start, window.end);
      const inFlight = await loadInFlight(cluster.url, 120_000);
      expect(inFlight, `no load seen:\n${worker.stderr}`).toBe(true);
      await cluster.restart();
      // The worker must ride out the restart (reconnect), not die with it.
      await sleep(3000);
      expect(worker.alive, `the worker died with the database:\n${worker.stderr}`).toBe(true);
      const final = (await handle.result()) as BackfillProgress;
      await watcher.stop();

      const truth = await s.truth(big.id, window.start, window.end);
      const newCount = truth.length;
      expect(newCount).not.toBe(prevCount);
      expect(final.rowsLoaded).toBe(newCount);
      expect(watcher.reads()).toBeGreaterThan(10);
      // Only whole windows were ever visible: the old one, then the new one.
      expect([...watcher.seen].sort()).toEqual([prevCount, newCount].sort());
      expect(await s.facts(big.id, window.start, window.end)).toEqual(truth);
      prevCount = newCount;
      // An activity attempt above 1 means the restart failed a load (or its bookkeeping) and Temporal retried it.
      const history = (await handle.fetchHistory()).events ?? [];
      retried = history.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 0) > 1).length;
    }
    expect(retried, 'no restart landed mid-load in 3 rounds').toBeGreaterThan(0);
    // Every run succeeded in the end: none was left failed or half-done.
    const { rows } = await s.wh.pool.query(
      `SELECT status FROM pinads.sync_runs WHERE connection_id = $1 AND report = 'ad_daily' ORDER BY started_at`,
      [connectionId],
    );
    expect(rows.map((r) => r.status)).toEqual(Array(rounds + 1).fill('succeeded'));
  }, 300_000);
});
