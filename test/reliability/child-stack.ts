// A stack whose worker runs as a real `pinads worker` child process, so a test can SIGKILL it or pull its database
// away: the sandbox, a warehouse database (a private one on the main Postgres unless a URL is given), a Temporal
// client, and a connection whose grant is encrypted under a key the children share.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/server.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { insertConnection, insertCredential } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import type { TruthRow } from '../helpers/harness.ts';
import { WorkerProcess } from './support.ts';

const FACT_COLUMNS = `ad_id, date::text AS date, campaign_id, ad_group_id, spend_micro::text AS spend_micro,
  impressions::text AS impressions, clicks::text AS clicks, outbound_clicks::text AS outbound_clicks,
  conversions::text AS conversions, conversion_value_micro::text AS conversion_value_micro,
  total_conversions::text AS total_conversions`;

const byKey = (a: TruthRow, b: TruthRow) =>
  a.ad_id + a.date < b.ad_id + b.date ? -1 : a.ad_id + a.date > b.ad_id + b.date ? 1 : 0;

export interface ChildStack {
  sandbox: Sandbox;
  wh: Warehouse;
  client: Client;
  taskQueue: string;
  databaseUrl: string;
  /** A connection with default settings for `adAccountId`; returns its id. */
  connect(adAccountId: string): Promise<string>;
  startWorker(): WorkerProcess;
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
      const credentialId = await insertCredential(wh.pool, box.encrypt(sandbox.mintRefreshToken()));
      const c = await insertConnection(wh.pool, {
        adAccountId,
        credentialId,
        settings: ConnectionSettings.parse({}),
      });
      return c.id;
    },
    startWorker() {
      const w = new WorkerProcess({
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: address,
        PINADS_TASK_QUEUE: taskQueue,
        PINADS_SECRET_KEY: key,
        PINTEREST_API_URL: sandbox.info.api_url,
        PINTEREST_CLIENT_ID: sandbox.info.client_id,
        PINTEREST_CLIENT_SECRET: sandbox.info.client_secret,
        PINADS_LOG_LEVEL: 'warn',
      });
      workers.push(w);
      return w;
    },
    async truth(adAccountId, start, end) {
      const q = new URLSearchParams({ ad_account_id: adAccountId, start_date: start, end_date: end });
      for (const [k, v] of Object.entries(ConnectionSettings.parse({})))
        if (k.endsWith('_days')) q.set(k, String(v));
      q.set('conversion_report_time', 'TIME_OF_CONVERSION');
      const res = await fetch(`${sandbox.info.url}/__sandbox/truth?${q}`);
      if (!res.ok) throw new Error(`truth: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { rows: TruthRow[] }).rows.sort(byKey);
    },
    async facts(adAccountId, start, end) {
      const { rows } = await wh.pool.query(
        `SELECT ${FACT_COLUMNS} FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3`,
        [adAccountId, start, end],
      );
      return (rows as TruthRow[]).sort(byKey);
    },
    async control(path: string, body: unknown) {
      const res = await fetch(`${sandbox.info.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    async close() {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
      await client.connection.close();
      await wh.close();
      await db?.drop();
      await sandbox.close();
    },
  };
}
