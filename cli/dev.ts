// `pinads dev` (npm start): everything embedded. Temporal dev server (state in .pinads/temporal.db), PGlite served
// over the wire protocol (.pinads/warehouse), the sandbox, and a worker; then a demo connection, a sync, a 30-day
// backfill and the Overview report, and hourly syncs until Ctrl-C. Real Postgres/Temporal/Pinterest are used
// when DATABASE_URL, TEMPORAL_ADDRESS or PINTEREST_API_URL are set.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { addDays, localNow } from '../common/dates.ts';
import { createConnections, regrantInPlace } from '../core/grants.ts';
import { runReport } from '../core/reports.ts';
import { startBackfill, startSync, syncSummary } from '../core/start.ts';
import { createLogger } from '../observability/logger.ts';
import { installTemporalLogging } from '../observability/temporal-logger.ts';
import { startSandbox } from '../sandbox/server.ts';
import { ConnectionSettings, loadEnv } from '../schemas/config.ts';
import { startDevServer } from '../temporal/dev-server.ts';
import { stateDir } from '../temporal/paths.ts';
import { listConnections } from '../warehouse/control.ts';
import { startEmbeddedWarehouse } from '../warehouse/embedded.ts';
import type { SyncResult } from '../workflows/sync.ts';
import { followBackfill } from './backfill.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';
import { DEFAULT_UI_PORT, startUi } from './ui.ts';
import { startWorkerFromEnv } from './worker.ts';

const say = (line: string) => process.stderr.write(`[pinads dev] ${line}\n`);

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A dev-only key kept next to the embedded state, so a second start can still decrypt the stored tokens. */
function devSecretKey(dir: string): string {
  const file = join(dir, 'secret.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run everything embedded: Temporal dev server, PGlite warehouse, sandbox, worker, demo sync')
    .option('--no-demo', 'start the services and the worker only')
    .option(
      '--with-sandbox',
      'start the Pinterest sandbox and its demo connection even though DATABASE_URL or TEMPORAL_ADDRESS is your own',
    )
    .action(
      action(async (o: { demo: boolean; withSandbox?: boolean }) => {
        // The sandbox's demo grant must never land in a warehouse or Temporal that holds real connections.
        const foreign = ['DATABASE_URL', 'TEMPORAL_ADDRESS'].filter((k) => process.env[k]);
        if (!process.env.PINTEREST_API_URL && foreign.length && !o.withSandbox)
          throw new UsageError(
            `${foreign.join(' and ')} ${foreign.length > 1 ? 'are' : 'is'} set, so dev would put the sandbox's demo connection into your own ${foreign.length > 1 ? 'services' : foreign[0] === 'DATABASE_URL' ? 'database' : 'Temporal'}: set PINTEREST_API_URL for real Pinterest, unset ${foreign.join('/')}, or pass --with-sandbox`,
          );
        const dir = stateDir();
        mkdirSync(dir, { recursive: true });
        // The demo's output is for people: only the SDK's errors, as JSON lines on stderr, not its retry warnings.
        installTemporalLogging(createLogger({ level: 'error', destination: process.stderr }), 'ERROR');
        const stops: (() => Promise<void>)[] = [];
        const shutdown = async () => {
          for (const stop of stops.reverse()) await stop().catch(() => undefined);
        };
        try {
          if (!process.env.TEMPORAL_ADDRESS) {
            const port = (await portFree(7233)) ? 7233 : undefined;
            const uiPort = (await portFree(8233)) ? 8233 : undefined;
            const t = await startDevServer({
              dbFilename: join(dir, 'temporal.db'),
              port,
              uiPort,
              headless: false,
              startDeadlineMs: 120_000,
            });
            stops.push(t.stop);
            process.env.TEMPORAL_ADDRESS = t.address;
            say(
              `Temporal dev server on ${t.address}${uiPort ? `, UI http://127.0.0.1:${uiPort}` : ''} (state in ${join(dir, 'temporal.db')})`,
            );
          }
          const embeddedWarehouse = !process.env.DATABASE_URL;
          if (embeddedWarehouse) {
            const w = await startEmbeddedWarehouse({ dataDir: join(dir, 'warehouse') });
            stops.push(w.close);
            process.env.DATABASE_URL = w.url;
            say(`embedded warehouse (PGlite) at ${w.url} (data in ${join(dir, 'warehouse')})`);
          }
          let sandboxGrant: string | undefined;
          let sandboxAccount: string | undefined;
          if (!process.env.PINTEREST_API_URL) {
            const sb = await startSandbox({ seed: 1 });
            stops.push(() => sb.close());
            process.env.PINTEREST_API_URL = sb.info.api_url;
            process.env.PINTEREST_OAUTH_URL = sb.info.oauth_url;
            process.env.PINTEREST_CLIENT_ID = sb.info.client_id;
            process.env.PINTEREST_CLIENT_SECRET = sb.info.client_secret;
            sandboxGrant = sb.info.refresh_token;
            sandboxAccount = sb.info.ad_accounts[0]?.id;
            say(`Pinterest sandbox at ${sb.info.api_url}`);
          }
          process.env.PINADS_SECRET_KEY ??= devSecretKey(dir);
          const env = loadEnv();

          const demo = !o.demo
            ? undefined
            : await withContext({ temporal: true, secrets: true }, async (ctx) => {
                // Only the demo connection dev made itself is ever re-granted; a user's connections are left alone.
                const all = await listConnections(ctx.wh.pool);
                let existing = all.find((c) => c.origin === 'dev_demo');
                if (!existing && embeddedWarehouse && sandboxGrant) {
                  // A demo made before connections had an origin: in dev's own warehouse, adopt it as the demo.
                  existing = all.find((c) => c.ad_account_id === sandboxAccount);
                  if (existing)
                    await ctx.wh.pool.query(
                      "UPDATE pinads.connections SET origin = 'dev_demo' WHERE id = $1",
                      [existing.id],
                    );
                }
                if (existing && sandboxGrant) {
                  // The sandbox lives in memory and forgets its grants between starts: re-grant the demo connection.
                  await regrantInPlace(ctx, [existing.credential_id], { pasted: sandboxGrant });
                }
                if (existing) return existing;
                if (!sandboxGrant) {
                  if (!all.length)
                    say(
                      'no connection yet: run `pinads connect` (real Pinterest) to add one; the worker keeps running',
                    );
                  return undefined;
                }
                const [made] = await createConnections(ctx, {
                  adAccountIds: [sandboxAccount!],
                  refreshToken: sandboxGrant,
                  verify: false,
                  settings: ConnectionSettings.parse({}),
                  origin: 'dev_demo',
                });
                return made;
              });

          // Started only now: runs left over from an earlier start must see the re-granted token, not the stale one.
          const worker = await startWorkerFromEnv(env);
          stops.push(worker.stop);
          say(`worker running on task queue ${env.PINADS_TASK_QUEUE}`);
          // Up before the demo sync, so the page can be watched filling in.
          const ui = await startUi(env, { port: (await portFree(DEFAULT_UI_PORT)) ? DEFAULT_UI_PORT : 0 });
          stops.push(ui.stop);
          process.stdout.write(`Dashboard: ${ui.url}\n`);

          if (demo) {
            say(`demo connection ${demo.id} (${demo.name}); first sync…`);
            const today = localNow(new Date(), 'UTC').date;
            await withContext({ temporal: true }, async (ctx) => {
              const sync = await startSync(ctx, demo.id, { wait: true });
              process.stdout.write(`${syncSummary(demo.id, (await sync.result()) as SyncResult)}\n`);
              say('30-day backfill…');
              const b = await startBackfill(ctx, demo.id, addDays(today, -30), today);
              process.stderr.write(`backfill ${b.handle.workflowId} ${b.from}..${b.to}\n`);
              const p = await followBackfill(b.handle, Date.now());
              process.stdout.write(
                `backfill done: ${p.chunksDone}/${p.chunksTotal} chunks, ${p.rowsLoaded} daily rows loaded\n`,
              );
              process.stdout.write(
                await runReport(ctx.wh.pool, {
                  report: 'overview',
                  connectionId: demo.id,
                  from: addDays(today, -6),
                  to: today,
                  level: 'channel',
                  format: 'table',
                }),
              );
            });
          }
          say(
            `syncing hourly on the schedule; dashboard at ${ui.url}; Ctrl-C to stop (state is kept in .pinads/ for the next start)`,
          );
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
        } finally {
          say('stopping…');
          await shutdown();
        }
      }),
    );
}
