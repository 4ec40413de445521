import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.ts';

const ALL_KINDS = [
  '429_code8',
  '429_code2726',
  '500',
  '400_code12',
  'report_failed',
  'report_expired',
  'slow',
];

let h: Harness;
beforeAll(async () => {
  // Every code-8 reset, however short, becomes a durable workflow sleep here, so that path is exercised.
  h = await startHarness({ deps: { durableWaitThresholdSeconds: 0 } });
});
afterAll(async () => {
  await h?.close();
});

describe('syncs under injected faults', () => {
  it('completes and equals the truth with faults at rate 0.3 of every kind', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const conn = await h.connect(usd.id);
    await h.control('/__sandbox/faults', { rate: 0.3, kinds: ALL_KINDS, seed: 7, reset_seconds: 1 });
    try {
      const r = await h.sync(conn.id, { mode: 'lookback' });
      const w = { start: r.windows[0]!.start, end: r.windows.at(-1)!.end };
      await h.control('/__sandbox/faults', { rate: 0 });
      expect(await h.facts(usd.id, w.start, w.end)).toEqual(await h.truth(usd.id, w.start, w.end));
    } finally {
      await h.control('/__sandbox/faults', { rate: 0 });
    }
  });

  it('turns a code-8 rate limit into a durable timer and resumes after the reset', async () => {
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const conn = await h.connect(jpy.id);
    await h.control('/__sandbox/faults', {
      rate: 1,
      kinds: ['429_code8'],
      seed: 3,
      reset_seconds: 2,
      paths: ['POST /v5/ad_accounts/{ad_account_id}/reports'],
    });
    const handle = await h.client.workflow.start('syncConnection', {
      taskQueue: h.taskQueue,
      workflowId: `ratelimit-${conn.id}`,
      args: [conn.id, { mode: 'hourly' }],
    });
    // Wait until the workflow sleeps on the reset, then lift the limit, as the real quota would reset.
    for (let i = 0; i < 100; i++) {
      const events = (await handle.fetchHistory()).events ?? [];
      if (events.some((e) => e.timerStartedEventAttributes)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await h.control('/__sandbox/faults', { rate: 0 });
    const result = (await handle.result()) as { windows: { start: string; end: string }[] };
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.timerFiredEventAttributes).length).toBeGreaterThan(0);
    const w = result.windows[0]!;
    expect(await h.facts(jpy.id, w.start, w.end)).toEqual(await h.truth(jpy.id, w.start, w.end));
  });
});
