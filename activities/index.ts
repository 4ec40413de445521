// createActivities(deps): every activity the workflows call, with short rate limits waited out inside the attempt
// (activities/rate-limits.ts), errors classified once (activities/failures.ts) and each call observed once
// (observability/observe.ts: its log lines and metrics).

import { Context } from '@temporalio/activity';
import { metricsOf, observed } from '../observability/observe.ts';
import type { ActivityDeps } from './deps.ts';
import { BULK_ACTIVITIES, entityActivities } from './entities.ts';
import { classified } from './failures.ts';
import { planActivities } from './plan.ts';
import { pacedActivity, patientWithRateLimits } from './rate-limits.ts';
import { readinessActivities } from './readiness.ts';
import { reportActivities } from './reports.ts';
import { runPlanActivities } from './run-plan.ts';
import { runLedgerActivities } from './runs.ts';
import { accessToken, loadConnection } from './tokens.ts';
import { turnActivities } from './turns.ts';

export type { ActivityDeps } from './deps.ts';

function tokenActivities(deps: ActivityDeps) {
  return {
    /** Refreshes only when due (expiring within 24 h); the rotated refresh token is committed before returning. */
    async refreshToken(connectionId: string): Promise<{ refreshed: boolean; apiCalls: number }> {
      const calls = { n: 0 };
      const { refreshed } = await accessToken(deps, await loadConnection(deps, connectionId), calls);
      return { refreshed, apiCalls: calls.n };
    },
  };
}

/**
 * Heartbeats every few seconds while an activity runs, including inside one long SQL statement, so a killed worker
 * is noticed within the heartbeat timeout instead of the start-to-close timeout.
 */
function heartbeating<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    const timer = setInterval(() => Context.current().heartbeat(), 5000);
    try {
      return await fn(...args);
    } finally {
      clearInterval(timer);
    }
  };
}

export function createActivities(deps: ActivityDeps) {
  const raw = {
    ...tokenActivities(deps),
    ...entityActivities(deps),
    ...planActivities(deps),
    ...runLedgerActivities(deps),
    ...runPlanActivities(deps),
    ...readinessActivities(deps),
    ...reportActivities(deps),
    ...turnActivities(deps),
  };
  const opts = { durableWaitThresholdSeconds: deps.durableWaitThresholdSeconds };
  // Time in the pacer (its booking included); a request counts as having waited past 10 ms.
  const pacerMetrics = (category: string, priority: string, ms: number) => {
    metricsOf(deps).pacerWaitSeconds.inc({ category, priority }, ms / 1000);
    if (ms > 10) metricsOf(deps).pacerWaits.inc({ category, priority });
  };
  return Object.fromEntries(
    Object.entries(raw).map(([name, fn]) => [
      name,
      observed(
        deps,
        name,
        heartbeating(
          classified(
            pacedActivity(
              deps.pacer,
              patientWithRateLimits(
                fn as (...a: unknown[]) => Promise<unknown>,
                deps.durableWaitThresholdSeconds,
              ),
              BULK_ACTIVITIES.has(name) ? 'bulk' : 'core',
              pacerMetrics,
            ),
            opts,
          ),
        ),
      ),
    ]),
  ) as typeof raw;
}

export type Activities = ReturnType<typeof createActivities>;
