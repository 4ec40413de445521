// `pinads worker`: runs a worker on the task queue until SIGINT/SIGTERM. Run more of them to scale out.
import type { Command } from 'commander';
import { loadEnv } from '../schemas/config.ts';
import { connectClient, connectWorkerConnection } from '../temporal/client.ts';
import { SecretBox } from '../warehouse/crypto.ts';
import { migrate } from '../warehouse/migrate.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import { createWorker } from '../worker.ts';
import { requireDatabaseUrl } from './context.ts';
import { action } from './errors.ts';

/** Starts a worker from the environment and returns a stop function; used by `worker` and `dev`. */
export async function startWorkerFromEnv(
  env = loadEnv(),
): Promise<{ done: Promise<void>; stop(): Promise<void> }> {
  const box = new SecretBox(env.PINADS_SECRET_KEY);
  const wh = await openWarehouse(requireDatabaseUrl(env));
  await migrate(wh.pool);
  const client = await connectClient(env);
  const connection = await connectWorkerConnection(env);
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.PINADS_TASK_QUEUE,
    client,
    deps: {
      wh,
      box,
      temporal: client,
      pinterest: {
        apiUrl: env.PINTEREST_API_URL,
        clientId: env.PINTEREST_CLIENT_ID,
        clientSecret: env.PINTEREST_CLIENT_SECRET,
      },
    },
  });
  const done = worker.run().finally(async () => {
    await connection.close();
    await client.connection.close();
    await wh.close();
  });
  return {
    done,
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
        const w = await startWorkerFromEnv(env);
        process.stderr.write(
          `pinads worker on task queue ${env.PINADS_TASK_QUEUE} (${env.TEMPORAL_ADDRESS}, namespace ${env.TEMPORAL_NAMESPACE})\n`,
        );
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void w.stop());
        await w.done;
      }),
    );
}
