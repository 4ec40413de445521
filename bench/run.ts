// `npm run bench`: the load path against the machine's limit, on the real Postgres and on PGlite, in one run.
// Prints a table and writes bench/results.json as {postgres: {...}, pglite: {...}, wall_s} (one entry per warehouse).
//   BENCH_ROWS              daily fact rows loaded on Postgres (default 1,000,000)
//   BENCH_PGLITE_ROWS       daily fact rows loaded on PGlite (default min(BENCH_ROWS, 50,000): PGlite is
//                           single-threaded WASM behind a socket, and keeps embedded workloads small)
//   BENCH_OLD_ROWS          the old per-hour layout's sample on Postgres (default min(BENCH_ROWS, 50,000): it writes
//                           24 rows per daily row, and its rate is flat in the row count)
//   BENCH_PGLITE_OLD_ROWS   the same on PGlite (default min(BENCH_PGLITE_ROWS, 10,000))
//   BENCH_WAREHOUSES        comma list, default "postgres,pglite"
// Phase (j) replaces (a)'s windows again with moved numbers and prints what the restatement ledger costs.
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../temporal/dev-server.ts';
import { intEnv } from './env.ts';
import { ledgerPhase } from './ledger-phase.ts';
import { loadPhase, round, windowsFor } from './load-phase.ts';
import { oldLayoutPhase } from './old-layout-phase.ts';
import {
  activityDeps,
  createBenchConnection,
  newSecretKey,
  openBenchWarehouse,
  startSandboxProcess,
  type WarehouseKind,
} from './stack.ts';
import { apiCallsPhase, latencyPhase, type Temporal } from './sync-phase.ts';
import { printTable } from './table.ts';

/** The 10k-ad account of phase (f); the load phase reads its reports too (ads × days ≈ BENCH_ROWS). */
const BENCH_ADS = 10_000;

async function main(): Promise<void> {
  const rows = intEnv('BENCH_ROWS', 1_000_000);
  const rowsFor: Record<WarehouseKind, number> = {
    postgres: rows,
    pglite: intEnv('BENCH_PGLITE_ROWS', Math.min(rows, 50_000)),
  };
  const oldRowsFor: Record<WarehouseKind, number> = {
    postgres: intEnv('BENCH_OLD_ROWS', Math.min(rows, 50_000)),
    pglite: intEnv('BENCH_PGLITE_OLD_ROWS', Math.min(rowsFor.pglite, 10_000)),
  };
  const kinds = (process.env.BENCH_WAREHOUSES ?? 'postgres,pglite').split(',').map((s) => s.trim());
  for (const k of kinds)
    if (k !== 'postgres' && k !== 'pglite') throw new Error(`BENCH_WAREHOUSES: unknown warehouse "${k}"`);
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed.
  }
  const started = performance.now();
  const today = new Date().toISOString().slice(0, 10);
  const machine: Record<string, string | number> = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const log = (s: string) =>
    process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${s}\n`);

  log('starting the Temporal dev server and two sandboxes');
  const dev = await startDevServer();
  const client = new Client({ connection: await Connection.connect({ address: dev.address }) });
  const native = await NativeConnection.connect({ address: dev.address });
  const t: Temporal = { client, native, namespace: dev.namespace };
  // Big: the 10k-ad account, reports FINISHED at the first poll (no simulated delay in (a) or (f)).
  const big = await startSandboxProcess({ bigAccountAds: BENCH_ADS, reportPollsUntilFinished: 0 });
  // Normal: the sandbox's default "IN_PROGRESS for a few polls", as Pinterest does, for counting calls in (e).
  const normal = await startSandboxProcess({});
  const results: Record<string, Record<string, unknown>> = {};
  let wall = 0;
  try {
    for (const kind of kinds as WarehouseKind[]) {
      const bw = await openBenchWarehouse(kind);
      try {
        const { rows: v } = await bw.wh.pool.query<{ version: string }>('SELECT version() AS version');
        const version = v[0]!.version.split(',')[0]!;
        log(`${kind} (${version}): (a)-(d) load path and baseline, ${rowsFor[kind].toLocaleString()} rows`);
        const key = newSecretKey();
        const load = await loadPhase(bw, big, { rows: rowsFor[kind], ads: BENCH_ADS, key, today });
        log(`${kind}: (g) the old per-hour layout, ${oldRowsFor[kind].toLocaleString()} rows`);
        const old = await oldLayoutPhase(kind, big, { rows: oldRowsFor[kind], ads: BENCH_ADS, key, today });
        log(`${kind}: (e) API calls of an hourly sync of the USD account`);
        const normalDeps = activityDeps(bw.wh, key, normal.info);
        const usd = normal.info.ad_accounts.find((a) => a.currency === 'USD')!.id;
        const usdConnection = await createBenchConnection(bw.wh, normalDeps.box, normal.info, usd);
        const calls = await apiCallsPhase(t, normalDeps, normal, usdConnection);
        log(`${kind}: (f) schedule fired → rows committed, ${BENCH_ADS.toLocaleString()} ads`);
        const latency = await latencyPhase(
          t,
          activityDeps(bw.wh, key, big.info),
          bw,
          load.connectionId,
          today,
        );
        log(`${kind}: (j) the restatement ledger's cost, on a replacement of (a)'s windows`);
        const ledger = await ledgerPhase(bw, {
          adAccountId: big.benchAccountId!,
          windows: windowsFor(rowsFor[kind], BENCH_ADS, today),
          loadSeconds: load.load_seconds,
          loadRows: load.rows,
        });
        const { connectionId: _, storage_bytes: __, ...loadFigures } = load;
        // Storage grows linearly with the rows in both layouts; both are stated per 1,000,000 daily rows.
        const perMillion = (bytes: number, n: number) => Math.round((bytes / n) * 1_000_000);
        results[kind] = {
          warehouse: kind,
          ...loadFigures,
          old_layout_rows: old.rows,
          old_layout_hourly_rows: old.hourlyRows,
          old_layout_seconds: round(old.seconds, 2),
          old_layout_rows_per_s: Math.round(old.rowsPerS),
          old_layout_peak_rss_mb: old.peakRssMb,
          speedup_vs_old_layout: round(load.load_rows_per_s / old.rowsPerS, 2),
          storage_bytes: {
            new: perMillion(load.storage_bytes, load.rows),
            old: perMillion(old.storageBytes, old.rows),
          },
          storage_measured: {
            new: { rows: load.rows, bytes: load.storage_bytes },
            old: { rows: old.rows, bytes: old.storageBytes },
          },
          ...ledger,
          ...calls,
          ...latency,
          server: version,
          machine,
        };
      } finally {
        await bw.close();
      }
    }
  } finally {
    await normal.close();
    await big.close();
    await native.close();
    await client.connection.close();
    await dev.stop();
  }
  wall = round((performance.now() - started) / 1000, 1);
  const file = fileURLToPath(new URL('./results.json', import.meta.url));
  await writeFile(file, `${JSON.stringify({ ...results, wall_s: wall }, null, 2)}\n`);
  printTable(machine, results, wall);
  log(`done; wrote bench/results.json`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
