// A real stack for workflow tests: the sandbox, a private Postgres database, and a real Worker on the shared
// Temporal dev server (its own task queue). Nothing is mocked but Pinterest, which is our sandbox.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { ActivityDeps } from '../../activities/index.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/server.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { type Connection as Conn, insertConnection } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createWorker } from '../../worker.ts';
import type { SyncOptions, SyncResult } from '../../workflows/sync.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { fileClock } from './file-clock.ts';
import { sandboxControl, sandboxTruth, type TruthRow, warehouseFacts } from './truth.ts';

export type { TruthRow };

export interface Harness {
  sandbox: Sandbox;
  db: TestDatabase;
  wh: Warehouse;
  box: SecretBox;
  /** base64 PINADS_SECRET_KEY the box uses, for CLI children */
  secretKey: string;
  client: Client;
  taskQueue: string;
  worker: Worker;
  connect(adAccountId: string, settings?: Partial<ConnectionSettings>, refreshToken?: string): Promise<Conn>;
  sync(connectionId: string, options?: SyncOptions): Promise<SyncResult>;
  truth(
    adAccountId: string,
    start: string,
    end: string,
    settings?: Partial<ConnectionSettings>,
    timeZone?: boolean,
  ): Promise<TruthRow[]>;
  facts(adAccountId: string, start: string, end: string): Promise<TruthRow[]>;
  control(path: string, body: unknown): Promise<unknown>;
  /** The environment of a `pinads` child against this stack (database, Temporal, task queue, key, sandbox app). */
  cliEnv(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  restartWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: { sandbox?: SandboxOptions; deps?: Partial<ActivityDeps> } = {},
): Promise<Harness> {
  const address = inject('temporalAddress');
  // The worker runs on the sandbox's clock, so a file that crosses midnight UTC keeps one "today" for the sandbox,
  // the worker's plan and the test's expectations (`utcToday`). A test that sets the sandbox's clock sets the
  // worker's too, unless it gives the worker one of its own.
  const now = opts.sandbox?.now ?? fileClock;
  const sandbox = await startSandbox({ reportPollsUntilFinished: 1, ...opts.sandbox, now });
  const db = await createTestDatabase();
  const wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  const secretKey = randomBytes(32).toString('base64');
  const box = new SecretBox(secretKey);
  const client = new Client({ connection: await Connection.connect({ address }) });
  const native = await NativeConnection.connect({ address });
  const taskQueue = `test-${randomBytes(5).toString('hex')}`;
  const deps: ActivityDeps = {
    wh,
    box,
    temporal: client,
    pinterest: {
      apiUrl: sandbox.info.api_url,
      clientId: sandbox.info.client_id,
      clientSecret: sandbox.info.client_secret,
    },
    poll: { initialMs: 100, maxMs: 500 },
    now,
    ...opts.deps,
  };
  let worker = await createWorker({ connection: native, namespace: 'default', taskQueue, deps, client });
  let running = worker.run();

  const h: Harness = {
    sandbox,
    db,
    wh,
    box,
    secretKey,
    client,
    taskQueue,
    get worker() {
      return worker;
    },
    async connect(adAccountId, settings = {}, refreshToken) {
      const credentialId = await createCredential(wh.pool, box, {
        refreshToken: refreshToken ?? sandbox.mintRefreshToken(),
      });
      return insertConnection(wh.pool, {
        adAccountId,
        credentialId,
        settings: ConnectionSettings.parse(settings),
      });
    },
    async sync(connectionId, options = { mode: 'hourly' }) {
      return client.workflow.execute('syncConnection', {
        taskQueue,
        workflowId: `sync-${connectionId}-${randomBytes(3).toString('hex')}`,
        args: [connectionId, options],
      });
    },
    truth: (adAccountId, start, end, settings, accountZone) =>
      sandboxTruth(sandbox.info.url, adAccountId, start, end, settings, accountZone),
    facts: (adAccountId, start, end) => warehouseFacts(wh.pool, adAccountId, start, end),
    control: (path, body) => sandboxControl(sandbox.info.url, path, body),
    cliEnv: (extra = {}) => ({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: address,
      PINADS_TASK_QUEUE: taskQueue,
      PINADS_SECRET_KEY: secretKey,
      PINTEREST_API_URL: sandbox.info.api_url,
      PINTEREST_OAUTH_URL: sandbox.info.oauth_url,
      PINTEREST_CLIENT_ID: sandbox.info.client_id,
      PINTEREST_CLIENT_SECRET: sandbox.info.client_secret,
      ...extra,
    }),
    async restartWorker() {
      worker.shutdown();
      await running;
      worker = await createWorker({ connection: native, namespace: 'default', taskQueue, deps, client });
      running = worker.run();
    },
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await native.close();
      await client.connection.close();
      await wh.close();
      await db.drop();
      await sandbox.close();
    },
  };
  return h;
}

/** Today's UTC date, as the connector and the sandbox of a harness see it (on the file's clock). */
export const utcToday = () => fileClock().toISOString().slice(0, 10);
