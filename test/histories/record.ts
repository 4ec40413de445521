// Records real workflow histories for the replay test (test/unit/workflow-replay.test.ts). Run it after a workflow
// change that is meant to be replay-safe only to ADD histories; never re-record the old ones to make a replay pass.
//   TEMPORAL_CLI_PATH=… npx tsx test/histories/record.ts [name…]
// Without names it records only the histories that have no file yet.
// It starts its own Temporal dev server (with a low continue-as-new suggestion, so a short backfill continues as
// new), a sandbox, a private Postgres database and a real worker. Worker identities and file paths are scrubbed.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection, ScheduleOverlapPolicy, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { addDays } from '../../common/dates.ts';
import { REPORT_CREATE_ROUTE } from '../../sandbox/faults.ts';
import { startSandbox } from '../../sandbox/server.ts';
import { ConnectionSettings } from '../../schemas/config.ts';
import { resolveTemporalCli } from '../../temporal/cli-binary.ts';
import { startDevServer } from '../../temporal/dev-server.ts';
import {
  deleteSchedule,
  manualSyncWorkflowId,
  scheduleId,
  upsertSchedule,
} from '../../temporal/schedules.ts';
import { insertConnection } from '../../warehouse/control.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse } from '../../warehouse/pool.ts';
import { createWorker } from '../../worker.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { startReceiver } from '../helpers/webhook.ts';

const DIR = fileURLToPath(new URL('./', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// A worktree's node_modules may be a link to another checkout's: stack traces name that one's path.
const MODULES_ROOT = `${dirname(realpathSync(`${ROOT}node_modules`))}/`;

/** Polls until `get` returns a value (100 ms apart, 30 s at most). */
async function untilDefined<T>(get: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gave up waiting');
}

async function main() {
  const only = process.argv.slice(2);
  const server = await startDevServer({ dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 40 } });
  const sandbox = await startSandbox({ reportPollsUntilFinished: 1 });
  const db = await createTestDatabase('pinads_rec');
  const wh = await openWarehouse(db.url);
  await migrate(wh.pool);
  const box = new SecretBox(randomBytes(32).toString('base64'));
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const native = await NativeConnection.connect({ address: server.address });
  const taskQueue = 'record-histories';
  const receiver = await startReceiver();
  const worker = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue,
    client,
    alerts: { webhookUrl: receiver.url, staleAfterH: 3, retryMaxS: 1 },
    deps: {
      wh,
      box,
      temporal: client,
      durableWaitThresholdSeconds: 1,
      poll: { initialMs: 100, maxMs: 300 },
      pinterest: {
        apiUrl: sandbox.info.api_url,
        clientId: sandbox.info.client_id,
        clientSecret: sandbox.info.client_secret,
      },
    },
  });
  const running = worker.run();
  const connect = async (i: number) => {
    const cred = await createCredential(wh.pool, box, { refreshToken: sandbox.mintRefreshToken() });
    const a = sandbox.info.ad_accounts[i]!;
    return (
      await insertConnection(wh.pool, {
        adAccountId: a.id,
        credentialId: cred,
        settings: ConnectionSettings.parse({}),
      })
    ).id;
  };
  const faults = (body: unknown) =>
    fetch(`${sandbox.info.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(body) });

  /** Every run of the execution chain (continue-as-new included), in order. */
  async function save(name: string, handle: WorkflowHandle) {
    await handle.result().catch(() => undefined);
    const cli = await resolveTemporalCli();
    if (cli.kind !== 'binary') throw new Error('set TEMPORAL_CLI_PATH to record histories');
    let runId: string | undefined = (handle as WorkflowHandle & { firstExecutionRunId?: string })
      .firstExecutionRunId;
    let n = 0;
    while (runId) {
      // The CLI's JSON is the format Worker.runReplayHistories reads (historyFromJSON).
      const { stdout } = await promisify(execFile)(
        cli.path,
        ['workflow', 'show', '-w', handle.workflowId, '-r', runId, '--address', server.address, '-o', 'json'],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      const json = stdout
        .split(ROOT)
        .join('')
        .split(MODULES_ROOT)
        .join('')
        .replace(/"identity":\s*"[^"]*"/g, '"identity": "recorder"')
        .replace(/"\d+@[^"]*"/g, '"recorder"');
      await writeFile(`${DIR}${name}${n ? `.run${n + 1}` : ''}.json`, json);
      const last = (
        JSON.parse(stdout) as {
          events: { workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string } }[];
        }
      ).events.at(-1);
      runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      n++;
    }
    process.stdout.write(`${name}: ${n} run(s)\n`);
  }
  const start = (type: string, id: string, args: unknown[]) =>
    client.workflow.start(type, { taskQueue, workflowId: id, args });
  // Without names, only histories not recorded yet: an old one is never re-recorded by accident.
  const want = (name: string, file = name) =>
    only.includes(name) || (only.length === 0 && !existsSync(`${DIR}${file}.json`));

  try {
    const usd = await connect(0);
    const eur = await connect(1);
    const jpy = await connect(2);
    if (want('sync-hourly'))
      await save(
        'sync-hourly',
        await start('syncConnection', `rec-hourly-${usd}`, [usd, { mode: 'hourly' }]),
      );
    if (want('sync-lookback'))
      await save(
        'sync-lookback',
        await start('syncConnection', `rec-lookback-${eur}`, [eur, { mode: 'lookback' }]),
      );
    if (want('sync-rate-limit-sleep')) {
      await faults({ rate: 1, kinds: ['429_code8'], reset_seconds: 2 });
      const handle = await start('syncConnection', `rec-ratelimit-${usd}`, [usd, { mode: 'hourly' }]);
      await new Promise((r) => setTimeout(r, 3000));
      await faults({ rate: 0 });
      await save('sync-rate-limit-sleep', handle);
    }
    if (want('backfill-continue-as-new')) {
      const to = addDays(new Date().toISOString().slice(0, 10), -2);
      await save(
        'backfill-continue-as-new',
        await start('backfillConnection', `rec-backfill-${jpy}`, [jpy, addDays(to, -200), to]),
      );
    }
    // The planned flow (patch catalog-plan): the daily pass of every catalog report, a failure before the first
    // window, a manual sync waiting for its turn, a backfill of every report continuing as new.
    if (want('planned-sync-daily-pass'))
      await save(
        'planned-sync-daily-pass',
        await start('syncConnection', `rec-planned-pass-${eur}`, [eur, { mode: 'lookback' }]),
      );
    if (want('planned-sync-failed-before-window')) {
      const cred = await createCredential(wh.pool, box, { refreshToken: sandbox.mintRefreshToken() });
      const gone = (
        await insertConnection(wh.pool, {
          adAccountId: '123456789012',
          credentialId: cred,
          settings: ConnectionSettings.parse({}),
        })
      ).id;
      await save(
        'planned-sync-failed-before-window',
        await start('syncConnection', `rec-planned-failed-${gone}`, [gone, { mode: 'hourly' }]),
      );
    }
    if (want('planned-sync-manual-wait')) {
      // The scheduled run sleeps durably on a daily cap (429 code 8, reset in 6 s); the manual run started during
      // the sleep waits for its turn (waitForTurn), then runs its hourly window.
      await upsertSchedule(client, usd, taskQueue);
      await faults({ rate: 1, kinds: ['429_code8'], reset_seconds: 6, paths: [REPORT_CREATE_ROUTE] });
      try {
        // SKIP, as the schedule's own runs: ALLOW_ALL (trigger's default) is not tracked in runningActions.
        await client.schedule.getHandle(scheduleId(usd)).trigger(ScheduleOverlapPolicy.SKIP);
        const scheduled = await untilDefined(async () => {
          const d = await client.schedule.getHandle(scheduleId(usd)).describe();
          return d.info.runningActions[0]?.workflow.workflowId;
        });
        await untilDefined(async () => {
          const history = await client.workflow.getHandle(scheduled).fetchHistory();
          return (history.events ?? []).some((e) => e.timerStartedEventAttributes) || undefined;
        });
        await faults({ rate: 0 });
        const manual = await start('syncConnection', manualSyncWorkflowId(usd), [
          usd,
          { mode: 'hourly', manual: true },
        ]);
        await save('planned-sync-manual-wait', manual);
      } finally {
        await faults({ rate: 0 });
        await deleteSchedule(client, usd);
      }
    }
    if (want('planned-backfill-continue-as-new')) {
      const to = addDays(new Date().toISOString().slice(0, 10), -2);
      await save(
        'planned-backfill-continue-as-new',
        await start('backfillConnection', `rec-planned-backfill-${jpy}`, [jpy, addDays(to, -120), to]),
      );
    }
    // Patch backfill-labels: the keywords and geo names read beside the chunks of a backfill continuing as new.
    if (want('labels-backfill-continue-as-new')) {
      const to = addDays(new Date().toISOString().slice(0, 10), -2);
      await save(
        'labels-backfill-continue-as-new',
        await start('backfillConnection', `rec-labels-backfill-${usd}`, [usd, addDays(to, -120), to]),
      );
    }
    if (want('alerts', 'alerts-check')) {
      // A revoked grant: the check records it and starts the delivery, which sends it (one refusal first).
      await wh.pool.query(
        "UPDATE pinads.connections SET status = 'needs_reauth', status_reason = 'revoked' WHERE id = $1",
        [usd],
      );
      receiver.refuse(1, 503);
      await save('alerts-check', await start('checkAlerts', 'rec-alerts-check', []));
      await receiver.waitFor((got) => got.length === 1);
      const delivery = `pinads-alerts-delivery-${taskQueue}`;
      const handle = client.workflow.getHandle(delivery);
      const { runId } = await handle.describe();
      await save('alerts-delivery', Object.assign(handle, { firstExecutionRunId: runId }));
    }
  } finally {
    await receiver.close();
    worker.shutdown();
    await running;
    await native.close();
    await client.connection.close();
    await wh.close();
    await db.drop();
    await sandbox.close();
    await server.stop();
  }
}

await main();
