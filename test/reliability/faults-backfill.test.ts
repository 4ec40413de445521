// Injected Pinterest faults during a multi-chunk backfill (with a sync of another account running alongside), and a
// code-8 rate limit that becomes a durable workflow timer which outlives a worker restart.
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import type { BackfillProgress } from '../../workflows/backfill.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';
import { ALL_FAULT_KINDS, LONG, sleep, startBackfill } from './support.ts';

const REPORT_CREATE = 'POST /v5/ad_accounts/{ad_account_id}/reports';

let h: Harness;
beforeAll(async () => {
  // Every code-8 reset, however short, becomes a durable workflow sleep, so that path runs under load too.
  h = await startHarness({ deps: { durableWaitThresholdSeconds: 0 } });
});
afterAll(async () => {
  await h?.close();
});

/** Activities that needed more than one attempt, plus durable rate-limit sleeps, in a workflow's history. */
async function setbacksIn(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.filter(
    (e) => (e.activityTaskStartedEventAttributes?.attempt ?? 0) > 1 || e.timerStartedEventAttributes,
  ).length;
}

describe('faults at rate 0.3 of every kind', () => {
  it('a backfill and a concurrent lookback sync both complete equal to the truth', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const backfillConn = await h.connect(usd.id);
    const syncConn = await h.connect(jpy.id);
    const to = addDays(utcToday(), -1);
    const from = addDays(to, -((LONG ? 400 : 93) - 1));
    await h.control('/__sandbox/faults', { rate: 0.3, kinds: ALL_FAULT_KINDS, seed: 11, reset_seconds: 1 });
    let final: BackfillProgress;
    let lookback: { start: string; end: string };
    let setbacks = 0;
    try {
      const backfill = await startBackfill(h.client, h.taskQueue, backfillConn.id, from, to);
      const sync = await h.client.workflow.start('syncConnection', {
        taskQueue: h.taskQueue,
        workflowId: `rel-faults-sync-${syncConn.id}`,
        args: [syncConn.id, { mode: 'lookback' }],
      });
      const [b, r] = await Promise.all([backfill.result(), sync.result()]);
      final = b as BackfillProgress;
      lookback = { start: r.windows[0]!.start, end: r.windows.at(-1)!.end };
      setbacks = (await setbacksIn(backfill)) + (await setbacksIn(sync));
    } finally {
      await h.control('/__sandbox/faults', { rate: 0 });
    }
    // The faults really hit the workflows (retried activities, durable waits), or this test proves nothing. How many
    // reach the workflows depends on how the two workflows' requests interleave (the client absorbs many itself):
    // 2 to 6 in repeated runs, so at least one.
    expect(setbacks).toBeGreaterThan(0);
    expect(final.chunksTotal).toBeGreaterThanOrEqual(3);
    expect(final.chunksDone).toBe(final.chunksTotal);
    const truth = await h.truth(usd.id, from, to);
    expect(truth.length).toBeGreaterThan(500);
    expect(await h.facts(usd.id, from, to)).toEqual(truth);
    expect(await h.facts(jpy.id, lookback.start, lookback.end)).toEqual(
      await h.truth(jpy.id, lookback.start, lookback.end),
    );
  });
});

describe('a code-8 rate limit', () => {
  it('becomes a durable timer that survives a worker restart, and the backfill resumes with no skipped window', async () => {
    const eur = h.sandbox.info.ad_accounts[1]!;
    const conn = await h.connect(eur.id);
    const to = addDays(utcToday(), -1);
    const from = addDays(to, -61);
    // The quota is spent for report creation: every create answers 429 code 8 until we lift it, as a daily cap would.
    await h.control('/__sandbox/faults', {
      rate: 1,
      kinds: ['429_code8'],
      seed: 3,
      reset_seconds: 2,
      paths: [REPORT_CREATE],
    });
    const handle = await startBackfill(h.client, h.taskQueue, conn.id, from, to);
    try {
      let started = false;
      for (let i = 0; i < 150 && !started; i++) {
        const events = (await handle.fetchHistory()).events ?? [];
        started = events.some((e) => e.timerStartedEventAttributes);
        if (!started) await sleep(200);
      }
      expect(started, 'the workflow never slept on the rate limit').toBe(true);
      // The sleep is server-side state: a worker restart while it is pending loses nothing.
      await h.restartWorker();
    } finally {
      await h.control('/__sandbox/faults', { rate: 0 });
    }
    const final = (await handle.result()) as BackfillProgress;
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.timerFiredEventAttributes).length).toBeGreaterThan(0);
    expect(final.chunksDone).toBe(final.chunksTotal);
    expect(await h.facts(eur.id, from, to)).toEqual(await h.truth(eur.id, from, to));
  });
});
