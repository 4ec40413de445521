// Alerts end to end, as an operator meets them: a real `pinads worker` child (which creates the stale check's own
// schedule) on the shared Temporal dev server, the sandbox, a private Postgres database, the real CLI, and a real
// local webhook receiver. A revoked login, a regrant, syncs that keep failing past a fractional stale threshold, a
// worker that was down past it, and a receiver that was down: each transition reaches the receiver exactly once, in
// order. (64 s at a load average of 10 on 2 cores, 76-113 s at 12-20: two worker start-ups, ~12 CLI runs and two
// waits of one stale threshold, 10.8 s.)
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AlertPayload } from '../../alerts/payload.ts';
import { alertCheckScheduleId } from '../../alerts/schedule.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { deleteSchedule } from '../../temporal/schedules.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { PINADS_BIN, runPinads } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { sandboxControl } from '../helpers/truth.ts';
import { type Receiver, startReceiver } from '../helpers/webhook.ts';

const STALE_AFTER_H = 0.003; // 10.8 s; the check then runs every 2 s
const STALE_MS = STALE_AFTER_H * 3_600_000;

let sandbox: Sandbox;
let db: TestDatabase;
let wh: Warehouse;
let receiver: Receiver;
let client: Client;
let worker: ChildProcess | undefined;
const taskQueue = `alerts-${randomBytes(4).toString('hex')}`;
const secretKey = randomBytes(32).toString('base64');

const env = (extra: Record<string, string | undefined> = {}) => ({
  DATABASE_URL: db.url,
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  PINADS_TASK_QUEUE: taskQueue,
  PINADS_SECRET_KEY: secretKey,
  PINTEREST_API_URL: sandbox.info.api_url,
  PINTEREST_CLIENT_ID: sandbox.info.client_id,
  PINTEREST_CLIENT_SECRET: sandbox.info.client_secret,
  PINTEREST_REFRESH_TOKEN: undefined,
  PINADS_ALERT_WEBHOOK_URL: receiver.url,
  PINADS_STALE_AFTER_H: String(STALE_AFTER_H),
  PINADS_ALERT_RETRY_MAX_S: '2',
  PINADS_LOG_LEVEL: 'warn',
  ...extra,
});
const pinads = (args: string[], input?: string, extra?: Record<string, string | undefined>) =>
  runPinads(args, env(extra), input);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = async (sql: string, params: unknown[] = []) => (await wh.pool.query(sql, params)).rows;

/** `pinads worker`, resolved once it says it started (its start-up check has run by then). */
async function startWorker(): Promise<void> {
  // At info, so it says when it started.
  const merged: Record<string, string | undefined> = { ...process.env, ...env({ PINADS_LOG_LEVEL: 'info' }) };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const child = spawn(process.execPath, [PINADS_BIN, 'worker'], {
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker = child;
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out = (out + d).slice(-20_000);
      if (out.includes('pinads worker started')) resolve();
    });
    child.stderr!.on('data', (d) => {
      out = (out + d).slice(-20_000);
    });
    child.once('exit', (code) => reject(new Error(`pinads worker exited with ${code}: ${out.slice(-2000)}`)));
  });
}
async function stopWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (!w || w.exitCode !== null) return;
  const exited = once(w, 'exit');
  w.kill('SIGTERM');
  await exited;
}

async function createConnections(accounts: string[]): Promise<string[]> {
  const args = [
    'connections',
    'create',
    ...accounts.flatMap((a) => ['--ad-account', a]),
    '--refresh-token',
    '-',
  ];
  const r = await pinads(args, sandbox.mintRefreshToken());
  expect(r.stderr).toBe('');
  return r.stdout.trim().split('\n');
}
const sync = (id: string) => pinads(['sync', id, '--wait']);

/** The messages received after `from`, once `n` of them are there. */
const next = async (from: number, n: number, ms = STALE_MS + 20_000) =>
  (await receiver.waitFor((got) => got.length >= from + n, ms)).slice(from);
const ids = (m: AlertPayload) => m.connections.map((c) => c.connection_id).sort();

beforeAll(async () => {
  sandbox = await startSandbox({ reportPollsUntilFinished: 1, bigAccountAds: 3 });
  db = await createTestDatabase();
  wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  receiver = await startReceiver();
  client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  await startWorker();
});
afterAll(async () => {
  await stopWorker();
  await client?.schedule
    .getHandle(alertCheckScheduleId(taskQueue))
    .delete()
    .catch(() => undefined);
  await client?.connection.close();
  await receiver?.close();
  await wh?.close();
  await db?.drop();
  await sandbox?.close();
});

describe('alerts to a webhook', { timeout: 120_000 }, () => {
  const accounts = () => sandbox.info.ad_accounts.map((a) => a.id);
  let stale = '';

  it('pinads alerts test sends one test alert; without a URL it is a usage error', async () => {
    const r = await pinads(['alerts', 'test']);
    expect(r).toMatchObject({ code: 0, stdout: `test alert sent to ${new URL(receiver.url).origin}\n` });
    const [test] = await next(0, 1, 5_000);
    expect(test).toMatchObject({ event: 'test', text: expect.stringContaining('test alert') });
    receiver.refuse(1, 500);
    const refused = await pinads(['alerts', 'test']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `pinads: alert receiver ${new URL(receiver.url).origin} answered 500: refused by the test\n`,
    );
    const unset = await pinads(['alerts', 'test'], undefined, { PINADS_ALERT_WEBHOOK_URL: undefined });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/^pinads: PINADS_ALERT_WEBHOOK_URL is not set/);
  });

  it('a revoked login: one alert naming every connection of the grant and the regrant; one resolved after it', async () => {
    const conns = await createConnections(accounts());
    expect(await sandboxControl(sandbox.info.url, '/__sandbox/revoke', { all: true })).toBeTruthy();
    expect((await sync(conns[0]!)).code).toBe(1);
    const [broken] = await next(1, 1, 25_000);
    expect(broken).toMatchObject({ event: 'needs_reauth', count: conns.length });
    expect(ids(broken!)).toEqual([...conns].sort());
    expect(broken!.repair_command).toMatch(/^pinads connections regrant conn_\w+ --refresh-token -$/);
    expect(broken!.text).toContain('pinads connections regrant');
    for (const id of conns) expect(broken!.text).toContain(id);

    const regrant = await pinads(
      ['connections', 'regrant', conns[0]!, '--refresh-token', '-'],
      sandbox.mintRefreshToken(),
    );
    expect(regrant.code).toBe(0);
    const [resolved] = await next(2, 1);
    expect(resolved).toMatchObject({ event: 'resolved', resolves: 'needs_reauth', count: conns.length });
    expect(ids(resolved!)).toEqual([...conns].sort());
    // Out of the way at once (a CLI call each would outlast the 10.8 s stale clock the regrant restarted).
    await q('DELETE FROM pinads.connections WHERE id = ANY($1)', [conns]);
    for (const id of conns) await deleteSchedule(client, id);
  });

  it('syncs that keep failing past the stale threshold: one stale alert; one resolved once it syncs again', async () => {
    stale = (await createConnections([accounts()[0]!]))[0]!;
    await sandboxControl(sandbox.info.url, '/__sandbox/faults', { rate: 1, kinds: ['report_failed'] });
    expect((await sync(stale)).code).toBe(1);
    const [alert] = await next(3, 1);
    expect(alert).toMatchObject({ event: 'stale', count: 1, repair_command: `pinads sync ${stale} --wait` });
    expect(alert!.connections[0]!.reason).toMatch(
      /^syncs are failing \(no successful hourly sync yet\): report FAILED/,
    );
    await sandboxControl(sandbox.info.url, '/__sandbox/faults', { rate: 0 });
    expect((await sync(stale)).code).toBe(0);
    const [resolved] = await next(4, 1);
    expect(resolved).toMatchObject({ event: 'resolved', resolves: 'stale', count: 1 });
  });

  it('a worker down past the threshold announces the stale connection when it is back; a receiver down meanwhile gets every alert once, in order', async () => {
    await receiver.down();
    await stopWorker();
    // A sync waits in the task queue, as the connection's schedule would start one: it runs the moment the worker
    // is back, and would make the connection fresh before any scheduled check saw it stale.
    expect((await pinads(['sync', stale])).code).toBe(0);
    const [{ last }] = await q(
      'SELECT max(finished_at) AS last FROM pinads.sync_runs WHERE connection_id = $1',
      [stale],
    );
    await sleep(last.getTime() + STALE_MS + 1_000 - Date.now());
    await startWorker();
    // Recorded by the worker's start-up check, before it took the waiting sync.
    const [queued] = await q(
      "SELECT payload FROM pinads.alert_outbox WHERE event = 'stale' ORDER BY id DESC LIMIT 1",
    );
    expect(queued.payload.connections[0]).toMatchObject({
      connection_id: stale,
      reason: expect.stringMatching(/^no sync has run since/),
    });
    await expect
      .poll(() => q("SELECT 1 FROM pinads.alert_outbox WHERE event = 'resolved' AND delivered_at IS NULL"), {
        timeout: 30_000,
      })
      .toHaveLength(1);
    await receiver.up();
    const got = await next(5, 2);
    expect(got.map((m) => [m.event, ids(m)])).toEqual([
      ['stale', [stale]],
      ['resolved', [stale]],
    ]);
    const [{ attempts }] = await q('SELECT max(attempts) AS attempts FROM pinads.alert_outbox');
    expect(attempts).toBeGreaterThan(1);
  });

  it('every alert reached the receiver exactly once, in order, and nothing more came', async () => {
    await sleep(4_500); // two more checks
    expect(receiver.received.map((m) => m.event)).toEqual([
      'test',
      'needs_reauth',
      'resolved',
      'stale',
      'resolved',
      'stale',
      'resolved',
    ]);
    expect(new Set(receiver.received.map((m) => m.id)).size).toBe(receiver.received.length);
    expect(JSON.stringify(receiver.received)).not.toMatch(/pin[ar]_/);
  });
});
