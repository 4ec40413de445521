// A stack whose worker runs as a real `pinads worker` child process, so a test can SIGKILL it or pull its database
// away: the sandbox, a warehouse database (a private one on the main Postgres unless a URL is given), a Temporal
// client, and a connection whose grant is encrypted under a key the children share.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/server.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { insertConnection } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { sandboxControl, sandboxTruth, type TruthRow, warehouseFacts } from '../helpers/truth.ts';
import { WorkerProcess } from './support.ts';

export interface ChildStack {
  sandbox: Sandbox;
  wh: Warehouse;
  client: Client;
  taskQueue: string;
  databaseUrl: string;
  /** A connection with default settings for `adAccountId`; returns its id. */
  connect(adAccountId: string): Promise<string>;
  /** A `pinads worker` child on the stack's task queue; `env` overrides (another queue, worker settings). */
  startWorker(env?: Record<string, string>): WorkerProcess;
  /** Every metric column of the default-settings truth, sorted like facts(). */
  truth(adAccountId: string, start: string, end: string): Promise<TruthRow[]>;
  facts(adAccountId: string, start: string, end: string): Promise<TruthRow[]>;
  /** POSTs a sandbox control endpoint (faults, restate). */
  control(path: string, body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function startChildStack(
  opts: { sandbox?: SandboxOptions; databaseUrl?: string } = {},
): Promise<ChildStack> {
  const sandbox = await startSandbox(opts.sandbox);
  let db: TestDatabase | undefined;
  if (!opts.databaseUrl) db = await createTestDatabase('pinads_rel');
  const databaseUrl = opts.databaseUrl ?? db!.url;
  const wh = await openWarehouse(databaseUrl);
  await migrate(wh.pool);
  const address = inject('temporalAddress');
  const client = new Client({ connection: await Connection.connect({ address }) });
  const key = randomBytes(32).toString('base64');
  const box = new SecretBox(key);
  const taskQueue = `rel-${randomBytes(4).toString('hex')}`;
  const workers: WorkerProcess[] = [];
  return {
    sandbox,
    wh,
    client,
    taskQueue,
    databaseUrl,
    async connect(adAccountId) {
      const credentialId = await createCredential(wh.pool, box, {
        refreshToken: sandbox.mintRefreshToken(),
      });
      const c = await insertConnection(wh.pool, {
        adAccountId,
        credentialId,
        settings: ConnectionSettings.parse({}),
      });
      return c.id;
    },
    startWorker(env = {}) {
      const w = new WorkerProcess({
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: address,
        PINADS_TASK_QUEUE: taskQueue,
        PINADS_SECRET_KEY: key,
        PINTEREST_API_URL: sandbox.info.api_url,
        PINTEREST_CLIENT_ID: sandbox.info.client_id,
        PINTEREST_CLIENT_SECRET: sandbox.info.client_secret,
        PINADS_LOG_LEVEL: 'warn',
        ...env,
      });
      workers.push(w);
      return w;
    },
    // Settings as the stack's connections have them: pinads' defaults.
    truth: (adAccountId, start, end) => sandboxTruth(sandbox.info.url, adAccountId, start, end),
    facts: (adAccountId, start, end) => warehouseFacts(wh.pool, adAccountId, start, end),
    control: (path: string, body: unknown) => sandboxControl(sandbox.info.url, path, body),
    async close() {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
      await client.connection.close();
      await wh.close();
      await db?.drop();
      await sandbox.close();
    },
  };
}
