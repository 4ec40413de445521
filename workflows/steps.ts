// The steps every workflow shares: activity proxies with their timeouts, the durable rate-limit wait, and one
// report window end to end (request → await → download/validate/normalize → replace-window load).
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  sleep,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { EntityNeed } from '../activities/planned-reports.ts';
import type { WindowRequest } from '../activities/spec.ts';
import type { DateWindow } from '../common/dates.ts';
import { RATE_LIMITED_UNTIL, REPORT_GENERATION_FAILED } from '../common/failure-types.ts';
import type { RunKind } from '../common/run-kinds.ts';

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s', maximumAttempts: 12 };

export const quick = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '30s',
  retry,
});
export const entities = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '30s',
  retry,
});
/** Activities heartbeat every 5 s; a dead worker is noticed within 30 s and the step runs again elsewhere. */
export const reports = proxyActivities<Activities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: '30s',
  retry,
});

/**
 * A manual sync waiting for the sync ahead of it: one activity that waits (heartbeating) for up to an hour, instead
 * of a poll every 15 s, whose events would fill the history during a long daily-cap sleep of the sync ahead.
 */
export const waiting = proxyActivities<Activities>({
  startToCloseTimeout: '70m',
  heartbeatTimeout: '30s',
  retry,
});

/**
 * Hourly runs reuse an entity sync younger than this: entity lists have no updated-since filter and change rarely,
 * and skipping them keeps an hourly sync at ~5 API calls. Lookback and manual runs always refresh them, and so does
 * any run whose report names an ad we don't know yet.
 */
export const ENTITY_MAX_AGE_MINUTES = 6 * 60;

/** The ad-level daily report's catalog id (catalog/): the hourly window's report. */
export const AD_DAILY_REPORT = 'ad_daily';

const MAX_REPORT_REQUESTS = 5;

function applicationCause(err: unknown): ApplicationFailure | undefined {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
}

/**
 * Runs an activity call; when Pinterest's quota is spent until a far-off reset (429 code 8), sleeps durably until
 * then and tries again, so a daily cap delays the window instead of skipping it.
 */
export async function withDurableRateLimit<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (err) {
      const cause = applicationCause(err);
      if (cause?.type !== RATE_LIMITED_UNTIL) throw err;
      const seconds = Number((cause.details?.[0] as { seconds?: number } | undefined)?.seconds ?? 60);
      log.warn('Pinterest rate limit reached; waiting durably for the reset', { seconds });
      await sleep(seconds * 1000);
    }
  }
}

export interface WindowResult {
  rowsLoaded: number;
  apiCalls: number;
  /** ads in the window the entity tables don't know yet */
  unknownAds: number;
  /** report bytes downloaded */
  bytes: number;
}

/**
 * Pulls one window into the warehouse. A report that Pinterest marks FAILED, CANCELLED, EXPIRED or unknown is
 * requested again, a bounded number of times. `w` is a WindowSpec, or a bare DateWindow on the flows from before
 * specs (the activities read the settings themselves then).
 */
export async function pullWindow(
  connectionId: string,
  w: DateWindow | WindowRequest,
  runId?: string,
): Promise<WindowResult> {
  let apiCalls = 0;
  for (let attempt = 1; ; attempt++) {
    const requested = await withDurableRateLimit(() => quick.requestReport(connectionId, w));
    apiCalls += requested.apiCalls;
    try {
      // A spec's load gets every token (one per request variant), the settings the report was requested with, and
      // the run and the request's instant for the pull record; a bare window (flows from before specs) its token.
      const loaded = await withDurableRateLimit(() =>
        'report' in w
          ? reports.loadReport(
              connectionId,
              requested.tokens ?? requested.token,
              { ...w, settings: requested.settings },
              { runId, requestedAt: requested.requestedAt },
            )
          : reports.loadReport(connectionId, requested.token, w),
      );
      return {
        rowsLoaded: loaded.rowsLoaded,
        apiCalls: apiCalls + loaded.apiCalls,
        unknownAds: loaded.unknownAds,
        bytes: loaded.bytes,
      };
    } catch (err) {
      const cause = applicationCause(err);
      if (cause?.type !== REPORT_GENERATION_FAILED || attempt >= MAX_REPORT_REQUESTS) throw err;
      log.warn('report generation failed; requesting it again', { attempt, reason: cause.message });
    }
  }
}

/** The message of a failure as the sync_runs row records it. */
export function failureMessage(err: unknown): string {
  return err instanceof ActivityFailure && err.cause ? err.cause.message : (err as Error).message;
}

/**
 * pullWindow, logged as one pinads.sync_runs row (rows, API calls, bytes, error) for the window. The row is closed
 * however the window ends, a cancelled workflow included: the cleanup runs in a non-cancellable scope.
 */
export async function recordedWindow(
  connectionId: string,
  w: DateWindow | WindowRequest,
  kind: RunKind,
): Promise<WindowResult> {
  const runId =
    'report' in w
      ? await quick.startRun(connectionId, kind, w.window, w.report)
      : await quick.startRun(connectionId, kind, w);
  try {
    const result = await pullWindow(connectionId, w, runId);
    await quick.finishRun(runId, {
      status: 'succeeded',
      rowsLoaded: result.rowsLoaded,
      apiCalls: result.apiCalls,
      bytes: result.bytes,
    });
    return result;
  } catch (err) {
    const error = isCancellation(err) ? 'cancelled' : failureMessage(err);
    await CancellationScope.nonCancellable(() => quick.finishRun(runId, { status: 'failed', error }));
    throw err;
  }
}

/**
 * Runs a step that comes before any window (token, entity sync, planning); when it fails, the failure is recorded
 * as a sync_runs row without a window, so `connections list` and the dashboard show it, and rethrown.
 */
export async function beforeWindows<T>(
  connectionId: string,
  kind: RunKind,
  step: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isCancellation(err)) {
      const error = `${step}: ${failureMessage(err)}`;
      await CancellationScope.nonCancellable(() => quick.recordRunFailure(connectionId, kind, error));
    }
    throw err;
  }
}

/** The fleet chore of reading the geo names (claimed by the planner: activities/run-plan.ts). */
export const GEO_NAMES_CHORE = 'geo_names';

/**
 * The entity syncs some reports need (keywords, advertiser-defined events; geo names when this run claimed them for
 * the fleet), at bulk priority. A failure stops none of the others; it is returned per need.
 */
export async function syncNeeds(
  connectionId: string,
  needs: readonly EntityNeed[],
): Promise<{ failed: Map<EntityNeed, string>; apiCalls: number }> {
  const failed = new Map<EntityNeed, string>();
  let apiCalls = 0;
  for (const need of needs) {
    try {
      const r: { apiCalls: number } = await withDurableRateLimit<{ apiCalls: number }>(() =>
        need === 'keywords'
          ? entities.syncKeywords(connectionId, { priority: 'bulk' })
          : need === 'conversion_events'
            ? quick.syncConversionEvents(connectionId, { priority: 'bulk' })
            : quick.syncGeoNames(connectionId, { priority: 'bulk' }),
      );
      apiCalls += r.apiCalls;
      if (need === 'geo_names') await quick.choreDone(connectionId, GEO_NAMES_CHORE);
    } catch (err) {
      if (isCancellation(err)) throw err;
      failed.set(need, `${need.replace('_', ' ')} sync: ${failureMessage(err)}`);
    }
  }
  return { failed, apiCalls };
}

/** Needs a report's request depends on (the events it asks for): synced before the reports, the others beside. */
export const NEEDED_FIRST: readonly EntityNeed[] = ['conversion_events'];
