// One worker process of `npm run bench:scale`: createWorker() from worker.ts with the per-login pacer, exactly as
// `pinads worker` builds it, but with the pacer's window given by the parent (a time-compressed cycle shrinks it).
// A process of its own so that its peak RSS and CPU seconds are the worker's alone. Prints "ready", runs until
// SIGTERM. Options arrive as JSON in argv[2]. The clock may run ahead of the wall clock, as the sandbox's does.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { type Category, PINTEREST_LIMITS } from '../pinterest/pacing.ts';
import { SecretBox } from '../warehouse/crypto.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import { createBucketPacer } from '../warehouse/rate-buckets.ts';
import { createWorker, warehouseOptions, workerSettings } from '../worker.ts';

export interface ScaleWorkerOptions {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  secretKey: string;
  pinterest: { apiUrl: string; clientId: string; clientSecret: string };
  /** Pinterest's limits per window; windowMs 60,000 unless time is compressed. */
  windowMs: number;
  limits?: Record<Category, number>;
  pacing: boolean;
  /** The worker's clock runs this far ahead of the wall clock (the sandbox's clock is set to match). */
  clockOffsetMs?: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as ScaleWorkerOptions;
Runtime.install({ logger: new DefaultLogger('WARN') });
const settings = workerSettings();
const wh = await openWarehouse(o.databaseUrl, warehouseOptions(settings));
const client = new Client({ connection: await Connection.connect({ address: o.temporalAddress }) });
const connection = await NativeConnection.connect({ address: o.temporalAddress });
const worker = await createWorker({
  connection,
  namespace: o.namespace,
  taskQueue: o.taskQueue,
  client,
  settings,
  deps: {
    wh,
    box: new SecretBox(o.secretKey),
    temporal: client,
    pinterest: o.pinterest,
    ...(o.clockOffsetMs ? { now: () => new Date(Date.now() + o.clockOffsetMs!) } : {}),
    ...(o.pacing
      ? { pacer: createBucketPacer(wh.pool, { windowMs: o.windowMs, limits: o.limits ?? PINTEREST_LIMITS }) }
      : {}),
  },
});
process.once('SIGTERM', () => worker.shutdown());
const running = worker.run();
process.stdout.write('ready\n');
await running;
await connection.close();
await client.connection.close();
await wh.close();
