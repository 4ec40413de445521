// The stalls of stalls.test.ts, met by the extra reports of the daily pass instead of the core one (issue 17: "a
// failing extra report ... is retried like the lookback"): a targeting report stuck IN_PROGRESS, a code-8 reset
// above the durable threshold, and a rate limit that lasts on both extra levels. Only creating reports of those
// levels fails (the sandbox's `levels` fault scope), so the hourly window and the ad_daily lookback go through. Each
// stall must delay the extra report at most: `pinads sync ID --lookback --wait` exits 0, its run ends as a lookback
// with no report in error, no activity retried or failed, and the extra tables equal the truth. (~40–55 s.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_TARGETING_DAILY, KEYWORD_DAILY, type ReportEntry } from '../../catalog/index.ts';
import { REPORT_GENERATION_FAILED } from '../../common/failure-types.ts';
import { REPORT_CREATE_ROUTE } from '../../sandbox/faults.ts';
import { manualSyncWorkflowId } from '../../temporal/schedules.ts';
import type { SyncResult } from '../../workflows/sync.ts';
import { catalogRows, catalogTruth } from '../helpers/catalog-truth.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';
import { until } from '../helpers/wait.ts';

/** Compressed stand-ins, as in stalls.test.ts: a 2-second report deadline, a 3-second durable threshold. */
const DEADLINE_S = 2;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ deps: { reportDeadlineS: DEADLINE_S, durableWaitThresholdSeconds: 3 } });
});
afterAll(async () => {
  await h?.control('/__sandbox/faults', { rate: 0 });
  await h?.close();
});

const faults = (cfg: unknown) => h.control('/__sandbox/faults', cfg);
const stats = async () =>
  (await (await fetch(`${h.sandbox.info.url}/__sandbox/stats`)).json()) as {
    requests: Record<string, number>;
    responses_by_status: Record<string, number>;
  };
const account = (currency: string) => h.sandbox.info.ad_accounts.find((a) => a.currency === currency)!;

/** `pinads sync ID --lookback --wait`, as a user runs it, and the handle of the manual run it starts. */
function startLookback(connectionId: string) {
  const cli = runPinads(['sync', connectionId, '--lookback', '--wait'], h.cliEnv());
  return { cli, handle: h.client.workflow.getHandle(manualSyncWorkflowId(connectionId)) };
}

/** The daily pass's run: a lookback whose every report succeeded, whose history shows no retry and no failure. */
async function expectCleanLookback(
  run: ReturnType<typeof startLookback>,
  onPurpose = 'PinterestRateLimitedUntil',
) {
  const exit = await run.cli;
  expect(exit.code, exit.stderr).toBe(0);
  const { handle } = run;
  const r = (await handle.result()) as SyncResult;
  expect(r.kind).toBe('lookback');
  expect(r.reports?.filter((x) => x.error !== undefined)).toEqual([]);
  const events = (await handle.fetchHistory()).events ?? [];
  expect(events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)).toEqual([]);
  // An activity that ends on purpose: a reset past the threshold (the workflow then sleeps on a timer), or a report
  // past its deadline (the workflow requests it again).
  const failures = events.filter(
    (e) =>
      e.activityTaskFailedEventAttributes &&
      e.activityTaskFailedEventAttributes.failure?.applicationFailureInfo?.type !== onPurpose,
  );
  expect(failures).toEqual([]);
  return { result: r, timers: events.filter((e) => e.timerStartedEventAttributes).length };
}

/** The entry's table over the days its pass pulled, beside the sandbox's truth. */
async function expectTruth(entry: ReportEntry, adAccountId: string, nonEmpty = true) {
  const { rows } = await h.wh.pool.query(
    `SELECT min(date)::text AS start, max(date)::text AS end FROM pinads.day_pulls
      WHERE ad_account_id = $1 AND report = $2`,
    [adAccountId, entry.id],
  );
  const w = { start: rows[0].start as string, end: rows[0].end as string };
  expect(w.start, `the pass pulled ${entry.id}`).toBeTruthy();
  const want = await catalogTruth(h.sandbox.info.url, entry, adAccountId, w, {});
  if (nonEmpty) expect(want.length).toBeGreaterThan(0);
  expect(await catalogRows(h.wh.pool, entry, adAccountId, w)).toEqual(want);
}

describe('extra reports that stall in the daily pass', () => {
  it('requests a targeting report stuck IN_PROGRESS again after the deadline, and loads it once it finishes', async () => {
    const usd = account('USD');
    const conn = await h.connect(usd.id);
    await faults({ rate: 1, kinds: ['report_stuck'], levels: [AD_TARGETING_DAILY.level] });
    const run = startLookback(conn.id);
    // ad_daily's windows come first in the pass and go through; then the targeting report sits stuck.
    await until('the targeting report running after the ad_daily lookback', async () => {
      const { rows } = await h.wh.pool.query(
        `SELECT report, status FROM pinads.sync_runs WHERE connection_id = $1 AND kind = 'lookback'`,
        [conn.id],
      );
      return (
        rows.some((r) => r.report === AD_TARGETING_DAILY.id && r.status === 'running') &&
        rows.filter((r) => r.report === 'ad_daily').every((r) => r.status === 'succeeded')
      );
    });
    // Nothing but the stuck targeting report asks for reports now: each deadline passed asks again. Faults clear
    // after two such requests, well before the workflow's bound on requests (5) would fail the report for the day.
    const before = (await stats()).requests[REPORT_CREATE_ROUTE] ?? 0;
    await until(
      'two new requests of the stuck report',
      async () => ((await stats()).requests[REPORT_CREATE_ROUTE] ?? 0) - before >= 2,
    );
    const { rows: state } = await h.wh.pool.query('SELECT status FROM pinads.connections WHERE id = $1', [
      conn.id,
    ]);
    expect(state).toEqual([{ status: 'active' }]);
    await faults({ rate: 0 });
    await expectCleanLookback(run, REPORT_GENERATION_FAILED);
    await expectTruth(AD_TARGETING_DAILY, usd.id);
    await expectTruth(KEYWORD_DAILY, usd.id, false);
  });

  it('sleeps durably on a code-8 reset above the threshold met by the targeting report, then loads it', async () => {
    const eur = account('EUR');
    const conn = await h.connect(eur.id);
    await faults({ rate: 1, kinds: ['429_code8'], reset_seconds: 5, levels: [AD_TARGETING_DAILY.level] });
    const run = startLookback(conn.id);
    await until(
      'a refused targeting report',
      async () => ((await stats()).responses_by_status['429'] ?? 0) > 0,
    );
    // Pinterest said 5 s: the workflow sleeps them on a timer, even though the limit is lifted at once.
    await faults({ rate: 0 });
    const { timers } = await expectCleanLookback(run);
    expect(timers).toBeGreaterThan(0);
    await expectTruth(AD_TARGETING_DAILY, eur.id);
  });

  it('waits out a lasting rate limit on both extra levels without failing or spending attempts', async () => {
    const jpy = account('JPY');
    const conn = await h.connect(jpy.id);
    const refused = async () => (await stats()).responses_by_status['429'] ?? 0;
    const before = await refused();
    // "Retry after 1 seconds" on every targeting and keyword report asked for: more refusals than the retry
    // policy's 12 attempts on the targeting report (waiting them out must not count as attempts), then, with the
    // targeting level let through, more on the keyword report that comes after it in the pass.
    await faults({
      rate: 1,
      kinds: ['429_code2726'],
      levels: [AD_TARGETING_DAILY.level, KEYWORD_DAILY.level],
    });
    const run = startLookback(conn.id);
    await until('13 refusals of the targeting report', async () => (await refused()) - before > 12);
    await faults({ rate: 1, kinds: ['429_code2726'], levels: [KEYWORD_DAILY.level] });
    const mid = await refused();
    await until('3 refusals of the keyword report', async () => (await refused()) - mid >= 3);
    await faults({ rate: 0 });
    await expectCleanLookback(run);
    await expectTruth(AD_TARGETING_DAILY, jpy.id);
    await expectTruth(KEYWORD_DAILY, jpy.id, false);
  });
});
