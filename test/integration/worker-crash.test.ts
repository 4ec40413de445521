// Kills a real worker process (SIGKILL) in the middle of a backfill and starts a new one: the backfill must finish
// and the warehouse must equal the truth, with no gap and no duplicate.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { insertConnection, insertCredential } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import type { BackfillProgress } from '../../workflows/backfill.ts';
import { addDays } from '../../workflows/windows.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { utcToday } from '../helpers/harness.ts';

const bin = fileURLToPath(new URL('../../bin/pinads.js', import.meta.url));
let sandbox: Sandbox;
let db: TestDatabase;
let wh: Warehouse;
let client: Client;
const key = randomBytes(32).toString('base64');
const taskQueue = `crash-${randomBytes(4).toString('hex')}`;
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, [bin, 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      PINADS_TASK_QUEUE: taskQueue,
      PINADS_SECRET_KEY: key,
      PINTEREST_API_URL: sandbox.info.api_url,
      PINTEREST_CLIENT_ID: sandbox.info.client_id,
      PINTEREST_CLIENT_SECRET: sandbox.info.client_secret,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.resume();
  children.push(child);
  return child;
}

beforeAll(async () => {
  // Reports take a few polls, so chunks take long enough to be interrupted.
  sandbox = await startSandbox({ reportPollsUntilFinished: 2 });
  db = await createTestDatabase();
  wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await client?.connection.close();
  await wh?.close();
  await db?.drop();
  await sandbox?.close();
});

describe('a worker killed mid-backfill', () => {
  it('resumes on a new worker process and ends equal to the truth', async () => {
    const eur = sandbox.info.ad_accounts[1]!;
    const box = new SecretBox(key);
    const credentialId = await insertCredential(wh.pool, box.encrypt(sandbox.mintRefreshToken()));
    const conn = await insertConnection(wh.pool, {
      adAccountId: eur.id,
      credentialId,
      settings: ConnectionSettings.parse({}),
    });
    const to = addDays(utcToday(), -1);
    const from = addDays(to, -299);
    const handle = await client.workflow.start('backfillConnection', {
      taskQueue,
      workflowId: `crash-${conn.id}`,
      args: [conn.id, from, to],
    });

    let worker = startWorker();
    let kills = 0;
    let lastDone = -1;
    for (let i = 0; i < 600 && kills < 2; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const p = await handle.query<BackfillProgress>('progress').catch(() => undefined);
      if (p && p.chunksDone > lastDone && p.chunksDone >= 1 && p.chunksDone < p.chunksTotal) {
        worker.kill('SIGKILL');
        await once(worker, 'exit');
        kills++;
        lastDone = p.chunksDone;
        worker = startWorker();
      }
    }
    expect(kills).toBe(2);
    const final = (await handle.result()) as BackfillProgress;
    expect(final.chunksDone).toBe(final.chunksTotal);
    worker.kill('SIGTERM');

    const res = await fetch(
      `${sandbox.info.url}/__sandbox/truth?ad_account_id=${eur.id}&start_date=${from}&end_date=${to}&conversion_report_time=TIME_OF_CONVERSION`,
    );
    const truth = (
      (await res.json()) as {
        rows: { ad_id: string; date: string; spend_micro: string; conversions: string }[];
      }
    ).rows;
    const { rows } = await wh.pool.query(
      `SELECT ad_id, date::text AS date, spend_micro::text AS spend_micro, conversions::text AS conversions
       FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 ORDER BY ad_id, date`,
      [eur.id],
    );
    const pick = (r: { ad_id: string; date: string; spend_micro: string; conversions: string }) => ({
      ad_id: r.ad_id,
      date: r.date,
      spend_micro: r.spend_micro,
      conversions: r.conversions,
    });
    const sorted = truth.map(pick).sort((a, b) => (a.ad_id + a.date < b.ad_id + b.date ? -1 : 1));
    expect(rows).toEqual(sorted);
  }, 300_000);
});
