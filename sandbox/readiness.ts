// When Pinterest calls a UTC day's metrics final (GET /v5/resources/metrics_ready_state), on the sandbox clock.
// Both instants follow from the ledger, so "ready" is a promise the data keeps:
// - delivery (spend, impressions, clicks) of a day is complete once its last hour has passed; Pinterest reports
//   with "about a 3 hour delay" (docs/pinterest-api.md §7), so non-conversion metrics turn ready 3 h after the UTC day ends;
// - every conversion of a day surfaces at most MAX_VISIBILITY_DELAY_HOURS after it happened, so once that has
//   passed (plus a margin) the day's TIME_OF_CONVERSION numbers never change again, except by an explicit
//   POST /__sandbox/restate. Under TIME_OF_AD_ACTION a day still gains long-lag conversions (up to the attribution
//   window) after it is "ready", as on Pinterest: ready does not cover conversions credited back to the ad action.
import { invalid } from './http.ts';
import { MAX_VISIBILITY_DELAY_HOURS } from './ledger.ts';
import { DAY_MS, dayOf, HOUR_MS, isDate } from './time.ts';

export const NON_CONVERSION_READY_HOURS = 3;
export const CONVERSION_READY_HOURS = MAX_VISIBILITY_DELAY_HOURS + 6;

/** The instants a UTC date's non-conversion and conversion metrics turn ready. */
export function readyAt(date: string): { nonConversionMs: number; conversionMs: number } {
  const endMs = (dayOf(date) + 1) * DAY_MS;
  return {
    nonConversionMs: endMs + NON_CONVERSION_READY_HOURS * HOUR_MS,
    conversionMs: endMs + CONVERSION_READY_HOURS * HOUR_MS,
  };
}

/** GET /v5/resources/metrics_ready_state?date= (BookClosedResponse). */
export function metricsReadyState(q: URLSearchParams, nowMs: number) {
  const date = q.get('date');
  if (date === null) throw invalid('date is required.');
  if (!isDate(date)) throw invalid(`date "${date}" must be a date in YYYY-MM-DD format.`);
  const at = readyAt(date);
  return {
    conversion_metrics_ready: nowMs >= at.conversionMs,
    non_conversion_metrics_ready: nowMs >= at.nonConversionMs,
  };
}
