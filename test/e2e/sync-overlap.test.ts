// One sync per connection at a time, whoever starts it: `pinads sync ID --lookback` while a scheduled run is going
// waits for it and then really runs the lookback; it never reports success without one; and a manual sync waiting
// behind a scheduled run that sleeps on Pinterest's daily cap waits without filling its history. Driven through the
// CLI against the connection's real Temporal Schedule. About 60 s, 35 of them the wait of the last test.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CREATE_ROUTE } from '../../sandbox/faults.ts';
import { manualSyncWorkflowId, scheduleId, upsertSchedule } from '../../temporal/schedules.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;

function pinads(args: string[]) {
  return runPinads(args, h.cliEnv());
}

beforeAll(async () => {
  // Reports take 8 polls, so runs are long enough to overlap.
  h = await startHarness({ sandbox: { reportPollsUntilFinished: 8 } });
});
afterAll(async () => {
  await h?.close();
});

async function scheduledRunning(connectionId: string): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const d = await h.client.schedule.getHandle(scheduleId(connectionId)).describe();
    const a = d.info.runningActions[0];
    if (a) return a.workflow.workflowId;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

describe('manual and scheduled syncs of one connection', () => {
  it('sync --lookback during a scheduled run waits for it, then runs the lookback', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const conn = await h.connect(usd.id);
    await upsertSchedule(h.client, conn.id, h.taskQueue);
    try {
      await h.client.schedule.getHandle(scheduleId(conn.id)).trigger(ScheduleOverlapPolicy.SKIP);
      const scheduled = await scheduledRunning(conn.id);
      expect(scheduled).toBeDefined();
      const r = await pinads(['sync', conn.id, '--lookback', '--wait']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^lookback sync of conn_\w+: hourly /);
      const { rows } = await h.wh.pool.query(
        `SELECT workflow_id, kind, report, status, started_at, finished_at FROM pinads.sync_runs
         WHERE connection_id = $1 ORDER BY id`,
        [conn.id],
      );
      const mine = rows.filter(
        (x) => x.workflow_id === manualSyncWorkflowId(conn.id) && x.report === 'ad_daily',
      );
      const theirs = rows.filter((x) => x.workflow_id.startsWith(`${scheduled}`));
      expect(theirs.length).toBeGreaterThan(0);
      expect(mine.map((x) => [x.kind, x.status])).toEqual([
        ['hourly', 'succeeded'],
        ['lookback', 'succeeded'],
      ]);
      // Never at the same time: the manual run started only after the scheduled one's last window finished.
      const lastTheirs = Math.max(...theirs.map((x) => x.finished_at.getTime()));
      expect(mine[0].started_at.getTime()).toBeGreaterThan(lastTheirs);
    } finally {
      await h.client.schedule.getHandle(scheduleId(conn.id)).delete();
    }
  });

  it('sync --lookback without --wait while a manual hourly run is going exits 1 saying what is running', async () => {
    const eur = h.sandbox.info.ad_accounts[1]!;
    const conn = await h.connect(eur.id);
    // The manual hourly run's report never finishes, so it is certainly still running when the second command asks.
    await h.control('/__sandbox/faults', { rate: 1, kinds: ['report_stuck'], paths: [REPORT_CREATE_ROUTE] });
    try {
      const first = await pinads(['sync', conn.id]);
      expect(first.code, first.stderr).toBe(0);
      const r = await pinads(['sync', conn.id, '--lookback']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `a manual hourly sync of ${conn.id} is running (${manualSyncWorkflowId(conn.id)})`,
      );
    } finally {
      await h.control('/__sandbox/faults', { rate: 0 });
      await h.client.workflow.getHandle(manualSyncWorkflowId(conn.id)).terminate('test over');
    }
  });

  it('a manual sync behind a scheduled run sleeping on a daily cap waits without growing its history', async () => {
    const acct = h.sandbox.info.ad_accounts[2]!;
    const conn = await h.connect(acct.id);
    await upsertSchedule(h.client, conn.id, h.taskQueue);
    const manual = h.client.workflow.getHandle(manualSyncWorkflowId(conn.id));
    let scheduled: string | undefined;
    // Pinterest's daily cap: reset in an hour, so the scheduled run sleeps durably for an hour.
    await h.control('/__sandbox/faults', {
      rate: 1,
      kinds: ['429_code8'],
      reset_seconds: 3600,
      paths: [REPORT_CREATE_ROUTE],
    });
    try {
      await h.client.schedule.getHandle(scheduleId(conn.id)).trigger(ScheduleOverlapPolicy.SKIP);
      scheduled = await scheduledRunning(conn.id);
      expect(scheduled).toBeDefined();
      const sleeping = async () => {
        const history = await h.client.workflow.getHandle(scheduled!).fetchHistory();
        return (history.events ?? []).some((e) => e.timerStartedEventAttributes);
      };
      for (let i = 0; i < 200 && !(await sleeping()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await sleeping()).toBe(true);
      await h.control('/__sandbox/faults', { rate: 0 });

      const started = await pinads(['sync', conn.id]);
      expect(started.code, started.stderr).toBe(0);
      await new Promise((r) => setTimeout(r, 3000));
      const early = (await manual.describe()).historyLength;
      // Polling every 15 s, as it did, adds an activity and a timer (~10 events) twice in this half minute: a day
      // of that is ~58,000 events, past Temporal's 51,200-event history limit.
      await new Promise((r) => setTimeout(r, 32_000));
      const late = (await manual.describe()).historyLength;
      expect(late - early).toBeLessThanOrEqual(2);

      // Its turn comes as soon as the run ahead ends, and it then runs.
      await h.client.workflow.getHandle(scheduled!).terminate('test: the sleeping run ends');
      const r = (await manual.result()) as { kind: string; hourly?: unknown };
      expect(r.kind).toBe('manual');
    } finally {
      await h.control('/__sandbox/faults', { rate: 0 });
      await h.client.schedule.getHandle(scheduleId(conn.id)).delete();
      if (scheduled)
        await h.client.workflow
          .getHandle(scheduled)
          .terminate('test over')
          .catch(() => undefined);
      await manual.terminate('test over').catch(() => undefined);
    }
  }, 240_000);
});
