// `npm run bench:scale`: BENCH_CONNECTIONS (default 1,000) connections of ONE agency login, against the sandbox
// with Pinterest's per-login limits enforced, on one worker (and then two). Cycles, in order:
//   first    every schedule fired at once, each connection's first sync (entities + the hourly window; 04:00)
//   burst    every schedule fired at once again: the steady state's worst minute
//   burst2   the same burst on two workers
//   daily1   the six hours from 06:00 of day D, each a compressed hour as `hour` below: every connection's first daily
//            pass (the lookback of every catalog report, never pulled), each in its own pass hour (6–11,
//            activities/run-plan.ts), beside every connection's hourly sync
//   hour     a simulated hour (13:00, after every pass): each connection fires at its real schedule offset
//            (temporal/schedules.ts) plus up to 2 minutes of jitter, with time compressed BENCH_TIME_COMPRESSION-fold
//            (default 12: the hour in 5 minutes) — offsets, the sandbox's sliding window and the pacer's window all
//            shrink by that factor, so the request rate the limit allows per real second is the same 12× higher.
//            Report polling and loads run in real time, so each sync looks 12× longer in simulated time than it is:
//            a conservative compression.
//   daily    the next day's six hours from 06:00, compressed the same way: the steady daily pass of every account
//            (the extras at bulk priority behind every hourly window, the finality skip, readiness once per date)
//   (BENCH_PASS_HOURS=06,07 runs only those pass hours of each day; `hour` then carries the skipped hours' passes,
//   which are due on a connection's first sync after its hour)
//   all-days the same day re-read with `--lookback --all-days` on BENCH_ALL_DAYS_SAMPLE connections (default 100):
//            what the pass would cost without the finality skip
// The sandbox's clock and the workers' are set per cycle (day D = tomorrow), so the daily pass is due when it should be.
// Workflows are started directly (id pinads-sync-<connection>-<cycle>), as the schedule would start them.
// Writes bench/scale-results.json and prints a table.

import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { addDays } from '../common/dates.ts';
import { DAILY_PASS_FIRST_HOUR, DAILY_PASS_HOURS, dailyPassHour } from '../core/reporting-day.ts';
import { CATEGORY_LIMITS } from '../sandbox/rate-limits.ts';
import { ConnectionSettings } from '../schemas/config.ts';
import { startDevServer } from '../temporal/dev-server.ts';
import { scheduleOffsetMinutes } from '../temporal/schedules.ts';
import { createTestDatabase } from '../test/helpers/db.ts';
import { insertConnection } from '../warehouse/control.ts';
import { SecretBox } from '../warehouse/crypto.ts';
import { createCredential } from '../warehouse/grants.ts';
import { migrate } from '../warehouse/migrate.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import { type CycleResult, type Fire, runCycle } from './scale-cycle.ts';
import { dailySummary } from './scale-daily.ts';
import { measureStartup } from './scale-startup.ts';
import { newSecretKey, startSandboxProcess } from './stack.ts';

const N = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const K = Number(process.env.BENCH_TIME_COMPRESSION ?? 12);
const CYCLES = (process.env.BENCH_CYCLES ?? 'first,burst,burst2,daily1,hour,daily,all-days').split(',');
const log = (m: string) =>
  process.stderr.write(`[bench:scale ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const machine = {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    load_average_at_start: loadavg().map((l) => Math.round(l * 10) / 10),
  };
  log(`${N} connections on one login; starting Temporal, the sandbox (rate limits enforced) and Postgres`);
  const dev = await startDevServer();
  const client = new Client({ connection: await Connection.connect({ address: dev.address }) });
  const sandbox = await startSandboxProcess({ agencyAccounts: N, enforceRateLimits: true });
  const db = await createTestDatabase('pinads_scale');
  const key = newSecretKey();
  const results: Record<string, unknown> = { connections: N, time_compression: K, machine };
  try {
    const wh = await openWarehouse(db.url);
    await migrate(wh.pool);
    const box = new SecretBox(key);
    const t = Date.now();
    const credentialId = await createCredential(wh.pool, box, { refreshToken: sandbox.info.refresh_token });
    const ids: string[] = [];
    for (const a of sandbox.info.ad_accounts.slice(3, 3 + N)) {
      const c = await insertConnection(wh.pool, {
        adAccountId: a.id,
        credentialId,
        settings: ConnectionSettings.parse({}),
      });
      ids.push(c.id);
    }
    results.connections_created_s = (Date.now() - t) / 1000;
    const version = (await wh.pool.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v.split(',')[0];
    (machine as Record<string, unknown>).postgres = version;
    await wh.close();

    log('pinads start-up (dist vs tsx vs node -e 0)');
    results.startup = await measureStartup({ DATABASE_URL: db.url });

    const worker = {
      databaseUrl: db.url,
      temporalAddress: dev.address,
      namespace: dev.namespace,
      secretKey: key,
      pinterest: {
        apiUrl: sandbox.info.api_url,
        clientId: sandbox.info.client_id,
        clientSecret: sandbox.info.client_secret,
      },
      pacing: process.env.BENCH_PACING !== 'off',
    };
    const burst = ids.map((connectionId): Fire => ({ connectionId, atMs: 0 }));
    const cycles: CycleResult[] = [];
    const run = async (
      name: string,
      fires: Fire[],
      workers: number,
      windowMs: number,
      clockAt: Date,
      args?: (id: string) => unknown[],
    ) => {
      // `daily 07` belongs to the cycle group `daily` (BENCH_CYCLES names groups).
      if (!CYCLES.includes(name.split(' ')[0]!)) return;
      log(
        `cycle ${name}: ${fires.length} syncs, ${workers} worker(s), ${windowMs / 1000} s rate window, clock ${clockAt.toISOString()}`,
      );
      const r = await runCycle({
        name,
        client,
        databaseUrl: db.url,
        sandboxUrl: sandbox.info.url,
        fires,
        workers,
        worker: { ...worker, windowMs },
        windowMs,
        analyticsLimit: CATEGORY_LIMITS.ads_analytics,
        clockAt,
        args,
      });
      log(
        `cycle ${name}: makespan ${r.makespan_s} s (floor ${r.floor_s} s), ${r.rate_limited} 429s, ${r.syncs_failed} failed`,
      );
      cycles.push(r);
      results.cycles = cycles;
      await writeResults(results);
    };
    // The sandbox's clock and the workers' run from a set instant each cycle: day D (tomorrow, so the connections
    // exist), first syncs before 06:00 (no daily pass yet), bursts, day D's six pass hours (each connection's first
    // pass, every catalog report's lookback, in its own hour), a plain hour after them, then day D+1's six pass hours
    // (the steady state: yesterday's pulls, readiness known), and the same day re-read with --all-days on a sample
    // (the cost without the finality skip).
    const D = addDays(new Date().toISOString().slice(0, 10), 1);
    const at = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00Z`);
    await run('first', burst, 1, 60_000, at(D, '04:00'));
    await run('burst', burst, 1, 60_000, at(D, '04:30'));
    await run('burst2', burst, 2, 60_000, at(D, '05:00'));
    const rand = prng(11);
    const hour = ids.map(
      (connectionId): Fire => ({
        connectionId,
        atMs: ((scheduleOffsetMinutes(connectionId) * 60 + rand() * 120) * 1000) / K,
      }),
    );
    // BENCH_PASS_HOURS (e.g. `06`) runs only those pass hours of each day: one hour carries a sixth of the passes.
    const passHours = Array.from({ length: DAILY_PASS_HOURS }, (_, i) =>
      String(DAILY_PASS_FIRST_HOUR + i).padStart(2, '0'),
    ).filter((h) => !process.env.BENCH_PASS_HOURS || process.env.BENCH_PASS_HOURS.split(',').includes(h));
    results.passes_per_hour = Object.fromEntries(
      passHours.map((h) => [h, ids.filter((id) => dailyPassHour(id) === Number(h)).length]),
    );
    for (const h of passHours) await run(`daily1 ${h}`, hour, 1, 60_000 / K, at(D, `${h}:00`));
    await run('hour', hour, 1, 60_000 / K, at(D, '13:00'));
    for (const h of passHours) await run(`daily ${h}`, hour, 1, 60_000 / K, at(addDays(D, 1), `${h}:00`));
    const sample = burst.slice(0, Math.min(N, Number(process.env.BENCH_ALL_DAYS_SAMPLE ?? 100)));
    await run('all-days', sample, 1, 60_000, at(addDays(D, 1), '12:30'), (id) => [
      id,
      { mode: 'lookback', allDays: true },
    ]);
    const daily = dailySummary(cycles, K, N);
    if (daily) results.daily = daily;
    const h = cycles.find((c) => c.cycle === 'hour');
    if (h) {
      results.hour_simulated_makespan_min = Math.round(((h.makespan_s * K) / 60) * 10) / 10;
      // Each sync must be done before its schedule fires again: fired → committed under an hour, simulated.
      results.hour_max_fired_to_committed_simulated_min =
        Math.round(((h.max_fired_to_committed_s * K) / 60) * 10) / 10;
      results.hour_every_sync_within_the_hour =
        h.max_fired_to_committed_s * K <= 3600 && h.syncs_failed === 0;
    }
  } finally {
    await sandbox.close();
    await client.connection.close();
    await dev.stop();
    await db.drop();
  }
  await writeResults(results);
  printTable(results);
}

async function writeResults(results: Record<string, unknown>) {
  const file = fileURLToPath(new URL('./scale-results.json', import.meta.url));
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}

function printTable(r: Record<string, unknown>) {
  const cycles = (r.cycles ?? []) as CycleResult[];
  const rows: [string, (c: CycleResult) => unknown, string][] = [
    ['syncs committed / failed', (c) => `${c.syncs_committed} / ${c.syncs_failed}`, ''],
    ['makespan (s)', (c) => c.makespan_s, ''],
    ['floor: analytics calls ÷ limit (s)', (c) => c.floor_s, ''],
    ['makespan ÷ floor', (c) => c.makespan_vs_floor, '≤ 1.2 (bursts)'],
    ['p50 fired → committed (s)', (c) => c.p50_fired_to_committed_s, ''],
    ['p95 fired → committed (s)', (c) => c.p95_fired_to_committed_s, ''],
    ['p95 fired → hourly window committed (s)', (c) => c.p95_fired_to_hourly_committed_s, ''],
    ['API calls per sync', (c) => c.api_calls_per_sync, '≤ 6 steady'],
    ['  of which ads_analytics', (c) => c.ads_analytics_per_sync, ''],
    ['429s received', (c) => c.rate_limited, ''],
    ['429s ÷ calls', (c) => `${(c.rate_limited_share * 100).toFixed(2)}%`, '≤ 1%'],
    ['worker peak RSS (MB)', (c) => c.worker_peak_rss_mb, '< 1024'],
    ['worker CPU (s)', (c) => c.worker_cpu_s, ''],
    ['peak Postgres connections', (c) => c.pg_peak_connections, ''],
    ['history events per sync', (c) => c.history_events_per_sync, ''],
  ];
  const head = ['', ...cycles.map((c) => `${c.cycle} (${c.workers}w)`), 'target'];
  const body = rows.map(([label, f, target]) => [label, ...cycles.map((c) => String(f(c))), target]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(
    `\n${N} connections on one login, one sandbox with Pinterest's limits; ${JSON.stringify(r.machine)}`,
  );
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
  if (r.hour_simulated_makespan_min !== undefined)
    console.log(
      `hour cycle (×${K} compressed): last sync committed ${r.hour_simulated_makespan_min} simulated min after ` +
        `the hour began (schedules fire over 62 min); slowest sync ${r.hour_max_fired_to_committed_simulated_min} ` +
        'simulated min fired → committed',
    );
  if (r.daily) console.log(`daily pass: ${JSON.stringify(r.daily, null, 2)}`);
  console.log(`start-up: ${JSON.stringify(r.startup)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:scale failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
