// The names of the failures activities raise and workflows react to (ApplicationFailure.type): one spelling each.
// Plain constants with no imports, so the deterministic workflow bundle imports them as the activities do.

/** 429 code 8 with a far-off reset: the workflow sleeps durably until then, then calls again. */
export const RATE_LIMITED_UNTIL = 'PinterestRateLimitedUntil';
/** A short 429 code 8 wait, retried by the activity's own retry policy. */
export const RATE_LIMITED = 'PinterestRateLimited';
/** 429 code 2726 / 400 code 1 "Retry after N seconds". */
export const RETRY_AFTER = 'PinterestRetryAfter';
/** 5xx, 400 code 12, network errors: retried with backoff. */
export const TRANSIENT = 'PinterestTransient';
/** 403, 404 and other 4xx: not retried. */
export const FATAL = 'PinterestFatal';
/** The grant is gone (401 code 283): the connection needs a new one. */
export const REAUTH_REQUIRED = 'PinterestReauthRequired';
/** PINTEREST_CLIENT_ID/SECRET wrong or missing: this run fails, the next one after the fix succeeds. */
export const CONFIG_ERROR = 'PinterestConfigError';
/** Pinterest marked the report FAILED, CANCELLED, EXPIRED or unknown: the workflow requests it again. */
export const REPORT_GENERATION_FAILED = 'ReportGenerationFailed';
/** A report file or row pinads refuses: retrying reads the same bytes. */
export const INVALID_REPORT = 'InvalidReport';
export const UNKNOWN_CONNECTION = 'UnknownConnection';
/** Account-time reporting with no zone known for the account (core/reporting-day.ts). */
export const UNKNOWN_ACCOUNT_TIME_ZONE = 'UnknownAccountTimeZone';
export const INVALID_BACKFILL_RANGE = 'InvalidBackfillRange';
export const LOOKBACK_FAILED = 'LookbackFailed';
export const BACKFILL_CHUNKS_FAILED = 'BackfillChunksFailed';
/** An alert the webhook receiver did not take; Temporal retries the delivery with backoff (activities/alerts.ts). */
export const ALERT_DELIVERY_FAILED = 'AlertDeliveryFailed';
