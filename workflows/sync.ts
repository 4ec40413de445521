// syncConnection: what the hourly Schedule runs for one connection (docs/architecture.md, How a sync works): the ad_daily hourly window
// first, committed on its own; then, once per reporting day, the daily pass of every report that is due; one sync
// per connection at a time.
import { ApplicationFailure, isCancellation, log, patched } from '@temporalio/workflow';
import type { RunPlan } from '../activities/run-plan.ts';
import type { ReportId } from '../activities/spec.ts';
import { LOOKBACK_FAILED } from '../common/failure-types.ts';
import type { RunKind } from '../common/run-kinds.ts';
import {
  beforeWindows,
  ENTITY_MAX_AGE_MINUTES,
  entities,
  failureMessage,
  NEEDED_FIRST,
  quick,
  recordedWindow,
  syncNeeds,
  waiting,
  withDurableRateLimit,
} from './steps.ts';
import { hourlyFirst, legacySync } from './sync-legacy.ts';

export { ENTITY_MAX_AGE_MINUTES };

export interface SyncOptions {
  /** 'auto' (the schedule): hourly window, plus the daily pass on the first run at or after its pass hour (6–11). */
  mode?: 'auto' | 'hourly' | 'lookback';
  manual?: boolean;
  /** With a lookback: re-read every day of the lookback, final ones included (`pinads sync ID --lookback --all-days`). */
  allDays?: boolean;
}

export interface WindowRun {
  start: string;
  end: string;
  rowsLoaded: number;
}

/** One report's part of the daily pass. */
export interface ReportRun {
  report: ReportId;
  windows: WindowRun[];
  rowsLoaded: number;
  /** why its daily pass failed (it is still due on the next run) */
  error?: string;
}

export interface SyncResult {
  /** 'hourly', 'manual' (a manual hourly run), 'lookback' (with a daily pass), or 'skipped' (another sync ran) */
  kind: string;
  /** the windows of this kind: the hourly window, or the ad_daily windows of the daily pass */
  windows: WindowRun[];
  /** the hourly window every run loads first (absent on runs from before the hourly-first change, and on skips) */
  hourly?: WindowRun;
  /** the daily pass, per report (absent on runs without one, and on runs from before the catalog-plan change) */
  reports?: ReportRun[];
  /** with a daily pass: ad_daily days of the lookback left alone as final (pulled after finality) */
  finalDaysSkipped?: number;
  /** with kind 'skipped': the workflow id of the sync that was running */
  skippedFor?: string;
  rowsLoaded: number;
  apiCalls: number;
  entities: Record<string, number>;
}

/** Patch id of the hourly-first flow (CONTRIBUTING.md: a changed decision in an existing workflow type). */
export const HOURLY_FIRST_PATCH = 'hourly-first';
/**
 * Patch id of the planned flow: windows carry a settings snapshot and a report id, failures before the first window
 * are recorded, a manual run waits for its turn without polling, and the daily pass runs every due report.
 */
export const CATALOG_PLAN_PATCH = 'catalog-plan';

export async function syncConnection(connectionId: string, options: SyncOptions = {}): Promise<SyncResult> {
  if (patched(CATALOG_PLAN_PATCH)) return plannedSync(connectionId, options);
  if (patched(HOURLY_FIRST_PATCH)) return hourlyFirst(connectionId, options);
  return legacySync(connectionId, options);
}

/**
 * One sync per connection at a time, whoever starts it. Scheduled runs already exclude each other (overlap SKIP); a
 * scheduled run that finds another sync going skips its slot, and a manual run waits for the syncs ahead of it.
 * Scheduled runs never wait, so two runs can never wait for each other.
 */
async function awaitTurn(connectionId: string, manual: boolean): Promise<string | undefined> {
  if (!manual) return (await quick.runningSyncs(connectionId))[0]?.workflowId;
  for (;;) {
    const others = await waiting.waitForTurn(connectionId);
    if (others.length === 0) return undefined;
    log.info('another sync of this connection is still running; waiting on', {
      running: others[0]!.workflowId,
    });
  }
}

async function plannedSync(connectionId: string, options: SyncOptions): Promise<SyncResult> {
  const manual = options.manual === true;
  const busy = await awaitTurn(connectionId, manual);
  if (busy) {
    log.info('skipping this slot: another sync of the connection is running', { running: busy });
    return { kind: 'skipped', skippedFor: busy, windows: [], rowsLoaded: 0, apiCalls: 0, entities: {} };
  }
  const runKind: RunKind = options.mode === 'lookback' ? 'lookback' : manual ? 'manual' : 'hourly';
  const step = <T>(name: string, fn: () => Promise<T>) => beforeWindows(connectionId, runKind, name, fn);
  const calls = { n: 0 };
  const syncEntities = async (maxAgeMinutes: number) => {
    const r = await withDurableRateLimit(() => entities.syncEntities(connectionId, { maxAgeMinutes }));
    calls.n += r.apiCalls;
    return r;
  };
  await step('run ledger', () => quick.sweepAbandonedRuns(connectionId));
  const token = await step('token', () => withDurableRateLimit(() => quick.refreshToken(connectionId)));
  calls.n += token.apiCalls;
  let synced = await step('entity sync', () => syncEntities(manual ? 0 : ENTITY_MAX_AGE_MINUTES));
  const plan = await step('planning', () =>
    quick.planRun(connectionId, { mode: options.mode ?? 'auto', allDays: options.allDays }),
  );
  if (plan.pass && synced.skipped) synced = await step('entity sync', () => syncEntities(0));
  // Before any load of the pass (the hourly window may reach back into it): a day whose readiness is learnt now is
  // pulled final in this run, once more, and then left alone. Best effort: unknown readiness leaves days provisional.
  if (plan.readiness.length > 0) {
    try {
      const r = await withDurableRateLimit(() =>
        quick.checkMetricsReady(connectionId, { days: plan.readiness, priority: 'core' }),
      );
      calls.n += r.apiCalls;
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('metrics readiness unknown this run; the days it pulls stay provisional', {
        error: failureMessage(err),
      });
    }
  }

  // The hourly window first, committed on its own: a daily pass that fails later cannot hold it back.
  const hourlyKind = manual && !plan.pass ? 'manual' : 'hourly';
  const h = await recordedWindow(connectionId, plan.hourly, hourlyKind);
  const hourly = { ...plan.hourly.window, rowsLoaded: h.rowsLoaded };
  calls.n += h.apiCalls;
  const pass = plan.pass ? await dailyPass(connectionId, plan, calls) : { reports: [], unknownAds: 0 };
  if (h.unknownAds + pass.unknownAds > 0 && synced.skipped) synced = await syncEntities(0);
  const failed = pass.reports.filter((r) => r.error !== undefined);
  if (failed.length > 0) {
    // The run fails (a manual --lookback never reports success without its daily pass); the hourly window stays.
    throw ApplicationFailure.create({
      message: `hourly window ${hourly.start}..${hourly.end} loaded (${h.rowsLoaded} rows); the daily pass failed for ${failed
        .map((r) => `${r.report}: ${r.error}`)
        .join('; ')}`,
      type: LOOKBACK_FAILED,
      nonRetryable: true,
      details: [{ hourly, reports: pass.reports }],
    });
  }
  const adDaily = pass.reports.find((r) => r.report === plan.hourly.report);
  return {
    kind: plan.pass ? 'lookback' : hourlyKind,
    windows: plan.pass ? (adDaily?.windows ?? []) : [hourly],
    hourly,
    ...(plan.pass ? { reports: pass.reports, finalDaysSkipped: plan.finalDaysSkipped } : {}),
    // ad_daily_metrics rows, as before the extras; theirs are in `reports`.
    rowsLoaded: h.rowsLoaded + (adDaily?.rowsLoaded ?? 0),
    apiCalls: calls.n,
    entities: synced.counts,
  };
}

/**
 * The daily pass: the entity syncs the due reports need, the fleet's geo names when this run claimed them, then each
 * due report's windows at bulk priority, behind every connection's hourly window. A report that fails (or whose
 * entities failed) stops only itself; it is still due on the next run.
 */
async function dailyPass(connectionId: string, plan: RunPlan, calls: { n: number }) {
  const needs = [...new Set(plan.daily.flatMap((d) => d.needs))].filter(
    (n) => n !== 'geo_names' || plan.geoNames,
  );
  // The events a request names first; keywords and the fleet's geo names beside the reports (nothing waits for them).
  const first = await syncNeeds(
    connectionId,
    needs.filter((n) => NEEDED_FIRST.includes(n)),
  );
  calls.n += first.apiCalls;
  const beside = syncNeeds(
    connectionId,
    needs.filter((n) => !NEEDED_FIRST.includes(n)),
  );
  const reports: ReportRun[] = [];
  let unknownAds = 0;
  for (const r of plan.daily) {
    const run: ReportRun = { report: r.report, windows: [], rowsLoaded: 0 };
    reports.push(run);
    const blocked = r.needs.map((n) => first.failed.get(n)).find((e) => e !== undefined);
    if (blocked) {
      run.error = blocked;
      continue;
    }
    for (const w of r.windows) {
      try {
        const res = await recordedWindow(connectionId, w, 'lookback');
        run.windows.push({ ...w.window, rowsLoaded: res.rowsLoaded });
        run.rowsLoaded += res.rowsLoaded;
        calls.n += res.apiCalls;
        unknownAds += res.unknownAds;
      } catch (err) {
        if (isCancellation(err)) throw err;
        run.error = failureMessage(err);
        break;
      }
    }
  }
  const side = await beside;
  calls.n += side.apiCalls;
  for (const run of reports) {
    const failed = plan.daily
      .find((d) => d.report === run.report)!
      .needs.filter((n) => n !== 'geo_names')
      .map((n) => side.failed.get(n))
      .find((e) => e !== undefined);
    if (failed && run.error === undefined) run.error = failed;
  }
  // Geo names only label targeting values: a failure is logged, and the claim lapses so another sync reads them.
  const geo = side.failed.get('geo_names');
  if (geo) log.warn('geo names not read this run', { error: geo });
  return { reports, unknownAds };
}
