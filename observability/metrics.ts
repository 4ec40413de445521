// The worker's Prometheus metrics: what was loaded, what the Pinterest API answered, how long runs take. One
// registry per Metrics instance, so two workers in one process (tests) never share counters.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** How one Pinterest HTTP attempt ended, in the error table's terms (pinterest/errors.ts). */
export type ApiOutcome = 'ok' | 'retry' | 'rate_limited' | 'fatal';
/** retry_after: "Retry after N s" honoured exactly; reset: a short code-8 wait; durable: a workflow sleep. */
export type RateLimitWait = 'retry_after' | 'reset' | 'durable';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pinads_' });
  const registers = [registry];
  return {
    registry,
    rowsLoaded: new Counter({
      name: 'pinads_rows_loaded_total',
      help: 'Rows committed to the warehouse by report loads; kind=daily (ad_daily_metrics) or hourly (ad_hourly_spend)',
      labelNames: ['kind'] as const,
      registers,
    }),
    entitiesSynced: new Counter({
      name: 'pinads_entities_synced_total',
      help: 'Entities upserted by syncEntities, by kind (campaigns, ad_groups, ads)',
      labelNames: ['kind'] as const,
      registers,
    }),
    apiCalls: new Counter({
      name: 'pinads_api_calls_total',
      help: 'Pinterest HTTP attempts by endpoint (api, token, download) and outcome (ok, retry, rate_limited, fatal)',
      labelNames: ['endpoint', 'outcome'] as const,
      registers,
    }),
    rateLimitWaits: new Counter({
      name: 'pinads_rate_limit_waits_total',
      help: 'Rate-limit answers that became a wait, by kind (retry_after, reset, durable)',
      labelNames: ['kind'] as const,
      registers,
    }),
    rateLimitWaitSeconds: new Counter({
      name: 'pinads_rate_limit_wait_seconds_total',
      help: 'Seconds of waiting those rate-limit answers asked for, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    pacerWaits: new Counter({
      name: 'pinads_pacer_waits_total',
      help: 'API requests that waited over 10 ms for a slot in their login budget, by category and priority (core, bulk)',
      labelNames: ['category', 'priority'] as const,
      registers,
    }),
    pacerWaitSeconds: new Counter({
      name: 'pinads_pacer_wait_seconds_total',
      help: 'Seconds API requests spent in the pacer (booking and waiting for a slot), by category and priority',
      labelNames: ['category', 'priority'] as const,
      registers,
    }),
    activityDuration: new Histogram({
      name: 'pinads_activity_duration_seconds',
      help: 'Activity attempt durations by activity and outcome (ok, failed)',
      labelNames: ['activity', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    }),
    windowRunDuration: new Histogram({
      name: 'pinads_window_run_duration_seconds',
      help: 'One report window end to end (a pinads.sync_runs row), by run kind and status',
      labelNames: ['kind', 'status'] as const,
      buckets: [1, 5, 15, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600],
      registers,
    }),
    reportPolls: new Counter({
      name: 'pinads_report_polls_total',
      help: 'Report status polls (GET …/reports?token=)',
      registers,
    }),
    pollsPerReport: new Histogram({
      name: 'pinads_report_polls_per_report',
      help: 'Polls until a report was FINISHED',
      buckets: [1, 2, 3, 5, 8, 13, 21, 34, 55],
      registers,
    }),
    alertsSent: new Counter({
      name: 'pinads_alerts_sent_total',
      help: 'Alert messages the webhook receiver took, by event (needs_reauth, config_error, paused, stale, resolved)',
      labelNames: ['event'] as const,
      registers,
    }),
    restatedMoney: new Counter({
      name: 'pinads_restated_money_total',
      help: 'Money restatements moved, |after - before| per account-day as the ledger recorded it, in units of the currency, by currency and measure (spend, conversion_value); counted after the load commits',
      labelNames: ['currency', 'measure'] as const,
      registers,
    }),
    provisionalDays: new Gauge({
      name: 'pinads_provisional_days',
      help: 'Account-days of the last 60 days whose ad-level numbers are not final at Pinterest yet (account_day_status), over connected accounts; read from the warehouse at each scrape',
      registers,
    }),
    alertDeliveryFailures: new Counter({
      name: 'pinads_alert_delivery_failures_total',
      help: 'Alert delivery attempts the receiver did not take (retried with backoff)',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

let processMetrics: Metrics | undefined;

/** The metrics of a worker that was given none: created once per process, so counting never needs a guard. */
export function defaultMetrics(): Metrics {
  processMetrics ??= createMetrics();
  return processMetrics;
}

/** Counts what a committed window replacement restated (warehouse/load.ts's `restated`), in units of the currency. */
export function countRestatedMoney(
  m: Metrics,
  r: { currency: string; spendMicro: bigint; conversionValueMicro: bigint } | undefined,
): void {
  if (!r) return;
  if (r.spendMicro > 0n)
    m.restatedMoney.inc({ currency: r.currency, measure: 'spend' }, Number(r.spendMicro) / 1e6);
  if (r.conversionValueMicro > 0n)
    m.restatedMoney.inc(
      { currency: r.currency, measure: 'conversion_value' },
      Number(r.conversionValueMicro) / 1e6,
    );
}

/**
 * Makes the provisional-days gauge ask `count` at every scrape (the worker passes a warehouse query). A failed read
 * keeps the last value: a scrape never fails because the warehouse is slow.
 */
export function watchProvisionalDays(m: Metrics, count: () => Promise<number>): void {
  const gauge = m.provisionalDays as Gauge & { collect?: (this: Gauge) => Promise<void> };
  gauge.collect = async function (this: Gauge) {
    try {
      this.set(await count());
    } catch {
      // keep the last value
    }
  };
}
