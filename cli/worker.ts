// `pinads worker`: runs a worker on the task queue until SIGINT/SIGTERM. Run more of them to scale out.
import type { Command } from 'commander';
import { runAlertCheck } from '../alerts/check.ts';
import { ensureAlertSchedule } from '../alerts/schedule.ts';
import { alertSettings } from '../alerts/settings.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { type MetricsServer, serveMetrics } from '../observability/server.ts';
import { installTemporalLogging } from '../observability/temporal-logger.ts';
import { parseLimits } from '../pinterest/pacing.ts';
import { loadEnv } from '../schemas/config.ts';
import { connectClient, connectWorkerConnection } from '../temporal/client.ts';
import { SecretBox } from '../warehouse/crypto.ts';
import { migrate } from '../warehouse/migrate.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import { createBucketPacer } from '../warehouse/rate-buckets.ts';
import { createWorker, warehouseOptions, workerSettings } from '../worker.ts';
import { requireDatabaseUrl } from './context.ts';
import { action } from './errors.ts';

/**
 * Starts a worker from the environment and returns a stop function; used by `worker` and `dev`. Activity logs go to
 * `logger` (silent when omitted, as in `dev`); metrics are served when PINADS_METRICS_PORT is set and not 0.
 */
export async function startWorkerFromEnv(
  env = loadEnv(),
  o: { logger?: Logger } = {},
): Promise<{ done: Promise<void>; stop(): Promise<void>; metrics?: MetricsServer }> {
  const box = new SecretBox(env.PINADS_SECRET_KEY, env.PINADS_PREVIOUS_SECRET_KEYS);
  const metrics = createMetrics();
  const settings = workerSettings();
  const alerts = alertSettings();
  const limits = parseLimits(process.env.PINADS_RATE_LIMITS);
  const wh = await openWarehouse(requireDatabaseUrl(env), warehouseOptions(settings));
  await migrate(wh.pool);
  const client = await connectClient(env);
  const connection = await connectWorkerConnection(env);
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.PINADS_TASK_QUEUE,
    client,
    settings,
    alerts,
    deps: {
      wh,
      // Every worker on the queue reserves its requests in the same Postgres buckets: one budget per login.
      ...(process.env.PINADS_PACING === 'off' ? {} : { pacer: createBucketPacer(wh.pool, { limits }) }),
      box,
      logger: o.logger,
      metrics,
      temporal: client,
      reportDeadlineS: env.PINADS_REPORT_DEADLINE_S,
      pinterest: {
        apiUrl: env.PINTEREST_API_URL,
        clientId: env.PINTEREST_CLIENT_ID,
        clientSecret: env.PINTEREST_CLIENT_SECRET,
      },
    },
  });
  // The stale check's own schedule, and one check before this worker takes any task: after a day down, the
  // connections that went stale are announced now, before their first syncs make them fresh again.
  // Best effort: alerts must never keep a worker from syncing (the next worker start tries again).
  const warn = (what: string) => (err: unknown) =>
    o.logger?.warn({ err: String((err as Error)?.message ?? err) }, what);
  await ensureAlertSchedule(client, env.PINADS_TASK_QUEUE, alerts.staleAfterH).catch(
    warn('creating the alert check schedule failed; stale connections are not detected until it exists'),
  );
  await runAlertCheck(wh.pool, client, alerts, env.PINADS_TASK_QUEUE).catch(
    warn('alert check at start-up failed'),
  );
  const server = env.PINADS_METRICS_PORT
    ? await serveMetrics(metrics.registry, env.PINADS_METRICS_PORT)
    : undefined;
  const done = worker.run().finally(async () => {
    await server?.close();
    await connection.close();
    await client.connection.close();
    await wh.close();
  });
  return {
    done,
    metrics: server,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker (applies migrations first); run several on the same task queue to scale out')
    .action(
      action(async () => {
        const env = loadEnv();
        // JSON on stdout, the Temporal SDK's own warnings included: one stream for the log collector.
        const logger = createLogger({
          level: env.PINADS_LOG_LEVEL,
          base: { taskQueue: env.PINADS_TASK_QUEUE },
        });
        installTemporalLogging(logger);
        const w = await startWorkerFromEnv(env, { logger });
        logger.info(
          {
            temporalAddress: env.TEMPORAL_ADDRESS,
            namespace: env.TEMPORAL_NAMESPACE,
            metrics: w.metrics ? `:${w.metrics.port}/metrics` : 'disabled',
          },
          'pinads worker started',
        );
        for (const sig of ['SIGINT', 'SIGTERM'] as const)
          process.once(sig, () => {
            logger.info({ signal: sig }, 'pinads worker stopping');
            void w.stop();
          });
        await w.done;
        logger.info('pinads worker stopped');
      }),
    );
}
