// What used to make an hourly connector go quiet: a report stuck IN_PROGRESS, a rate limit lasting minutes, a code-8
// reset past the durable threshold, a cancelled or vanished workflow leaving `running` rows. Each must delay at most,
// never fail a sync or a backfill, and never spend the retry budget (every activity runs as attempt 1).
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { Faults, REPORT_CREATE_ROUTE } from '../../sandbox/faults.ts';
import type { BackfillProgress } from '../../workflows/backfill.ts';
import type { SyncResult } from '../../workflows/sync.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';
import { sleep, startBackfill } from './support.ts';

/** Compressed stand-ins: a 2-second report deadline, a 25-second "sustained" rate limit. */
const DEADLINE_S = 2;
const SUSTAINED_MS = 25_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ deps: { reportDeadlineS: DEADLINE_S, durableWaitThresholdSeconds: 3 } });
});
afterAll(async () => {
  await h?.close();
});

async function stats(): Promise<Record<string, number>> {
  const res = await fetch(`${h.sandbox.info.url}/__sandbox/stats`);
  return ((await res.json()) as { requests: Record<string, number> }).requests;
}
const faults = (cfg: unknown) => h.control('/__sandbox/faults', cfg);

/** Attempts above 1 and durable sleeps in a workflow's history (continue-as-new runs included via the handle). */
async function historyOf(handle: WorkflowHandle) {
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    retried: events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1).length,
    // A reset past the threshold ends the activity on purpose (the workflow then sleeps and calls a fresh one).
    activityFailures: events.filter(
      (e) =>
        e.activityTaskFailedEventAttributes &&
        e.activityTaskFailedEventAttributes.failure?.applicationFailureInfo?.type !==
          'PinterestRateLimitedUntil',
    ).length,
    timers: events.filter((e) => e.timerStartedEventAttributes).length,
  };
}

function startSync(connectionId: string, mode: 'hourly' | 'lookback' = 'hourly') {
  return h.client.workflow.start('syncConnection', {
    taskQueue: h.taskQueue,
    workflowId: `stall-sync-${connectionId}-${Math.random().toString(36).slice(2, 8)}`,
    args: [connectionId, { mode }],
  });
}

async function runRows(connectionId: string) {
  const { rows } = await h.wh.pool.query(
    'SELECT status, error, run_id FROM pinads.sync_runs WHERE connection_id = $1 ORDER BY id',
    [connectionId],
  );
  return rows as { status: string; error: string | null; run_id: string }[];
}

async function untilRunning(connectionId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await runRows(connectionId)).some((r) => r.status === 'running')) return;
    await sleep(100);
  }
  throw new Error('no sync_runs row became running');
}

describe('syncs that never stall', () => {
  it('requests a report stuck IN_PROGRESS again after PINADS_REPORT_DEADLINE_S', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const conn = await h.connect(usd.id);
    // A fault seed whose first report is stuck and whose second is not: the same draw the sandbox will make.
    const cfg = { rate: 0.5, kinds: ['report_stuck' as const], paths: [REPORT_CREATE_ROUTE] };
    const seed = [...Array(50).keys()].find((s) => {
      const f = new Faults();
      f.configure({ ...cfg, seed: s });
      return f.pick(REPORT_CREATE_ROUTE)?.kind === 'report_stuck' && f.pick(REPORT_CREATE_ROUTE) === null;
    })!;
    await faults({ ...cfg, seed });
    const before = (await stats())[REPORT_CREATE_ROUTE] ?? 0;
    const started = Date.now();
    try {
      const r = (await (await startSync(conn.id)).result()) as SyncResult;
      expect(r.kind).toBe('hourly');
    } finally {
      await faults({ rate: 0 });
    }
    expect((await stats())[REPORT_CREATE_ROUTE]! - before).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEADLINE_S * 1000);
    const w = { start: addDays(utcToday(), -1), end: utcToday() };
    expect(await h.facts(usd.id, w.start, w.end)).toEqual(await h.truth(usd.id, w.start, w.end));
  });

  it('a rate limit lasting long delays a sync and a backfill without failing them or spending attempts', async () => {
    const eur = h.sandbox.info.ad_accounts[1]!;
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const a = await h.connect(eur.id);
    const b = await h.connect(jpy.id);
    await (await startSync(a.id)).result(); // tokens and entities in place; the limit then hits reports
    await (await startSync(b.id)).result();
    const to = addDays(utcToday(), -3);
    const from = addDays(to, -40);
    const limitedBefore = Object.values(await stats()).reduce((x, y) => x + y, 0);
    await faults({ rate: 1, kinds: ['429_code2726'] }); // every API call: "Retry after 1 seconds"
    const sync = await startSync(a.id, 'lookback');
    const backfill = await startBackfill(h.client, h.taskQueue, b.id, from, to);
    await sleep(SUSTAINED_MS);
    const during = Object.values(await stats()).reduce((x, y) => x + y, 0) - limitedBefore;
    await faults({ rate: 0 });
    const r = (await sync.result()) as SyncResult;
    const p = (await backfill.result()) as BackfillProgress;
    // More refused calls than the retry policy's 12 attempts: the old behaviour failed here.
    expect(during).toBeGreaterThan(24);
    expect(r.kind).toBe('lookback');
    expect(p.chunksDone).toBe(p.chunksTotal);
    for (const handle of [sync, backfill])
      expect(await historyOf(handle)).toMatchObject({ retried: 0, activityFailures: 0 });
    expect(await h.facts(jpy.id, from, to)).toEqual(await h.truth(jpy.id, from, to));
    const lb = { start: r.windows[0]!.start, end: r.windows.at(-1)!.end };
    expect(await h.facts(eur.id, lb.start, lb.end)).toEqual(await h.truth(eur.id, lb.start, lb.end));
  });

  it('sleeps durably (a workflow timer) on a code-8 reset above the threshold, then finishes', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const { rows } = await h.wh.pool.query('SELECT id FROM pinads.connections WHERE ad_account_id = $1', [
      usd.id,
    ]);
    await faults({ rate: 1, kinds: ['429_code8'], reset_seconds: 5 });
    const handle = await startSync(rows[0].id as string);
    await sleep(6000);
    await faults({ rate: 0 });
    await handle.result();
    const hist = await historyOf(handle);
    expect(hist.timers).toBeGreaterThan(0);
    expect(hist).toMatchObject({ retried: 0, activityFailures: 0 });
  });

  it('closes its rows when cancelled, and the sweep closes the rows of a workflow that vanished', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const { rows } = await h.wh.pool.query('SELECT id FROM pinads.connections WHERE ad_account_id = $1', [
      usd.id,
    ]);
    const id = rows[0].id as string;
    const n = (await runRows(id)).length;
    await faults({ rate: 1, kinds: ['report_stuck'], paths: [REPORT_CREATE_ROUTE] });
    try {
      const cancelled = await startSync(id);
      await untilRunning(id);
      await cancelled.cancel();
      await expect(cancelled.result()).rejects.toThrow();
      expect((await runRows(id)).slice(n)).toMatchObject([{ status: 'failed', error: 'cancelled' }]);

      const terminated = await startSync(id);
      await untilRunning(id);
      await terminated.terminate('simulating a workflow that vanished');
      expect((await runRows(id)).at(-1)).toMatchObject({ status: 'running' });
    } finally {
      await faults({ rate: 0 });
    }
    await (await startSync(id)).result();
    const after = (await runRows(id)).slice(n);
    expect(after.map((r) => [r.status, r.error])).toEqual([
      ['failed', 'cancelled'],
      ['failed', 'abandoned'],
      ['succeeded', null],
    ]);
  });
});
