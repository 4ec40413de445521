// One wrapper around every activity: a child logger that carries connection, workflow run and window on every
// line, the activity's duration and outcome, rate-limit waits, and the outcome of each Pinterest HTTP attempt.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  FATAL,
  RATE_LIMITED,
  RATE_LIMITED_UNTIL,
  REAUTH_REQUIRED,
  RETRY_AFTER,
} from '../common/failure-types.ts';
import type { RequestEvent } from '../pinterest/http.ts';
import { activityFields } from './activity-fields.ts';
import { type Logger, silentLogger } from './logger.ts';
import { type ApiOutcome, defaultMetrics, type Metrics, type RateLimitWait } from './metrics.ts';

export interface Observability {
  logger?: Logger;
  metrics?: Metrics;
}

interface Scope {
  log: Logger;
  metrics: Metrics;
  /** The last failed HTTP attempt whose outcome is not known yet: it depends on what happens next. */
  pending?: RequestEvent;
}

const scopes = new AsyncLocalStorage<Scope>();

export const metricsOf = (o: Observability): Metrics => o.metrics ?? defaultMetrics();

/** The current activity's child logger (silent outside an activity). */
export function activityLog(): Logger {
  return scopes.getStore()?.log ?? silentLogger;
}

function countApi(scope: Scope, e: RequestEvent, outcome: ApiOutcome) {
  scope.metrics.apiCalls.inc({ endpoint: e.endpoint, outcome });
}

/**
 * The RequestHook for Pinterest clients used inside an activity. A 2xx is `ok` at once. A failed attempt waits:
 * if another request follows in the same activity it was handled there (a 401 refreshed, an expired link
 * re-polled), so it was a `retry`; if it ends the activity, the classified failure decides (see settle()).
 */
export function recordApiRequest(e: RequestEvent): void {
  const scope = scopes.getStore();
  if (!scope) return;
  if (scope.pending) countApi(scope, scope.pending, 'retry');
  scope.pending = undefined;
  if (e.status !== undefined && e.status >= 200 && e.status <= 299) countApi(scope, e, 'ok');
  else scope.pending = e;
}

/**
 * A rate limit waited out inside the activity (activities/failures.ts): the refused request was `rate_limited`, and
 * the wait is counted like one the retry policy would have made.
 */
export function recordRateLimitWait(kind: RateLimitWait, seconds: number): void {
  const scope = scopes.getStore();
  if (!scope) return;
  if (scope.pending) countApi(scope, scope.pending, 'rate_limited');
  scope.pending = undefined;
  scope.metrics.rateLimitWaits.inc({ kind });
  scope.metrics.rateLimitWaitSeconds.inc({ kind }, seconds);
}

/** Failure types (common/failure-types.ts), mapped onto the API-outcome and rate-limit vocabulary. */
const RATE_LIMIT_WAITS: Record<string, RateLimitWait> = {
  [RETRY_AFTER]: 'retry_after',
  [RATE_LIMITED]: 'reset',
  [RATE_LIMITED_UNTIL]: 'durable',
};
const FATAL_TYPES = new Set([FATAL, REAUTH_REQUIRED]);

export function apiOutcomeOf(failure: unknown): ApiOutcome {
  const type = failure instanceof ApplicationFailure ? failure.type : undefined;
  if (type && type in RATE_LIMIT_WAITS) return 'rate_limited';
  if (type && FATAL_TYPES.has(type)) return 'fatal';
  return 'retry';
}

/** Seconds a rate-limit failure asks to wait: `nextRetryDelay` ("Ns") or, for a durable wait, its details. */
export function rateLimitWaitOf(failure: unknown): { kind: RateLimitWait; seconds: number } | undefined {
  if (!(failure instanceof ApplicationFailure) || !failure.type) return undefined;
  const kind = RATE_LIMIT_WAITS[failure.type];
  if (!kind) return undefined;
  if (kind === 'durable')
    return { kind, seconds: Number((failure.details?.[0] as { seconds?: number })?.seconds ?? 0) };
  const delay = failure.nextRetryDelay;
  const seconds = typeof delay === 'number' ? delay / 1000 : Number(String(delay).match(/^([\d.]+)s$/)?.[1]);
  return { kind, seconds: Number.isFinite(seconds) ? seconds : 0 };
}

/** A result's counts, for the completion line; never a report token or any other string. */
function counts(result: unknown): Record<string, number> {
  if (!result || typeof result !== 'object') return {};
  return Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v === 'number')) as Record<
    string,
    number
  >;
}

function settle(scope: Scope, name: string, started: number, failure?: unknown) {
  if (scope.pending) countApi(scope, scope.pending, failure === undefined ? 'retry' : apiOutcomeOf(failure));
  scope.pending = undefined;
  const seconds = (performance.now() - started) / 1000;
  scope.metrics.activityDuration.observe({ activity: name, outcome: failure ? 'failed' : 'ok' }, seconds);
  const wait = failure === undefined ? undefined : rateLimitWaitOf(failure);
  if (wait) {
    scope.metrics.rateLimitWaits.inc({ kind: wait.kind });
    scope.metrics.rateLimitWaitSeconds.inc({ kind: wait.kind }, wait.seconds);
  }
  return { durationMs: Math.round(seconds * 1000), wait };
}

/** The activity's Temporal info; absent when a body is called outside a worker. */
function currentInfo() {
  try {
    return Context.current().info;
  } catch {
    return undefined;
  }
}

/**
 * Wraps an (already classified) activity: runs it inside a scope with its child logger and metrics, and logs one
 * line when it ends. Behaviour is untouched: the result and the failure pass through as they are.
 */
export function observed<A extends unknown[], R>(
  o: Observability,
  name: string,
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    const info = currentInfo();
    const log = (o.logger ?? silentLogger).child({
      activity: name,
      workflowId: info?.workflowExecution?.workflowId,
      runId: info?.workflowExecution?.runId,
      attempt: info?.attempt,
      ...activityFields(name, args),
    });
    const scope: Scope = { log, metrics: metricsOf(o) };
    const started = performance.now();
    log.debug('activity started');
    try {
      const result = await scopes.run(scope, () => fn(...args));
      const { durationMs } = settle(scope, name, started);
      log.info({ durationMs, ...counts(result) }, 'activity completed');
      return result;
    } catch (err) {
      const { durationMs, wait } = settle(scope, name, started, err);
      const failure = err instanceof ApplicationFailure ? err : undefined;
      log.warn(
        {
          durationMs,
          err: err instanceof Error ? err.message : String(err),
          errorType: failure?.type ?? (err instanceof Error ? err.name : undefined),
          nonRetryable: failure?.nonRetryable ?? false,
          ...(wait ? { rateLimitWait: wait.kind, waitSeconds: wait.seconds } : {}),
        },
        'activity failed',
      );
      throw err;
    }
  };
}
