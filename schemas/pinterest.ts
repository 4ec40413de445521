// Zod schemas of the RAW Pinterest API v5 shapes, as the API sends them (spec 5.23, plus time_zone from 5.28).
// Liberal about extra fields (Pinterest adds fields without a version bump), strict about the ones we use.
// The normalized rows these turn into live in schemas/report.ts.
import { z } from 'zod';

/** Pinterest ids are digit strings in REST JSON; they can exceed 2^53, so never numbers. */
export const PinterestId = z.string().regex(/^\d+$/, 'must be a string of digits');

/** `EntityStatus` in the spec; the API's default filter is only ACTIVE + PAUSED. */
export const EntityStatus = z.enum(['ACTIVE', 'PAUSED', 'ARCHIVED', 'DRAFT', 'DELETED_DRAFT']);
export type EntityStatus = z.infer<typeof EntityStatus>;

/** `Error` / `Pinterest.Lib.Error`: both fields required by the spec. */
export const ApiError = z.looseObject({ code: z.number().int(), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

/**
 * An entity's status as stored. Known values are EntityStatus, but a status Pinterest adds later must not stop a
 * sync: it is kept as text (and in `raw`) rather than rejected.
 */
const entityStatus = z.string().nullable().optional();

const unixSeconds = z.number().int().nullable().optional();

/** `AdAccount`. Only `id` is required by the spec, but a connector cannot work without a currency. */
export const AdAccount = z.looseObject({
  id: PinterestId,
  name: z.string().optional(),
  owner: z.looseObject({ id: z.string().optional(), username: z.string().nullable().optional() }).optional(),
  country: z.string().nullable().optional(),
  currency: z.string().min(3).max(3),
  permissions: z.array(z.string()).optional(),
  created_time: unixSeconds,
  updated_time: unixSeconds,
  /** Added in 5.28; absent means reports are in UTC only. */
  time_zone: z.string().nullable().optional(),
});
export type AdAccount = z.infer<typeof AdAccount>;

export const Campaign = z.looseObject({
  id: PinterestId,
  ad_account_id: PinterestId,
  name: z.string().nullable().optional(),
  status: entityStatus,
  summary_status: z.string().nullable().optional(),
  objective_type: z.string().nullable().optional(),
  daily_spend_cap: z.number().nullable().optional(),
  lifetime_spend_cap: z.number().nullable().optional(),
  start_time: unixSeconds,
  end_time: unixSeconds,
  created_time: unixSeconds,
  updated_time: unixSeconds,
});
export type Campaign = z.infer<typeof Campaign>;

export const AdGroup = z.looseObject({
  id: PinterestId,
  ad_account_id: PinterestId,
  campaign_id: PinterestId,
  name: z.string().nullable().optional(),
  status: entityStatus,
  summary_status: z.string().nullable().optional(),
  budget_in_micro_currency: z.number().nullable().optional(),
  bid_in_micro_currency: z.number().nullable().optional(),
  budget_type: z.string().nullable().optional(),
  start_time: unixSeconds,
  end_time: unixSeconds,
  created_time: unixSeconds,
  updated_time: unixSeconds,
});
export type AdGroup = z.infer<typeof AdGroup>;

export const Ad = z.looseObject({
  id: PinterestId,
  ad_account_id: PinterestId,
  campaign_id: PinterestId,
  ad_group_id: PinterestId,
  pin_id: PinterestId.nullable().optional(),
  name: z.string().nullable().optional(),
  status: entityStatus,
  summary_status: z.string().nullable().optional(),
  creative_type: z.string().nullable().optional(),
  destination_url: z.string().nullable().optional(),
  click_tracking_url: z.string().nullable().optional(),
  view_tracking_url: z.string().nullable().optional(),
  created_time: unixSeconds,
  updated_time: unixSeconds,
});
export type Ad = z.infer<typeof Ad>;

/**
 * `Keyword` (items of `keywords/get`). `parent_type` is kept as Pinterest words it; `bid` is deprecated (always null).
 * `match_type` is `MatchTypeResponse`, nullable; a match type Pinterest adds later is kept, not refused.
 */
export const Keyword = z.looseObject({
  id: PinterestId,
  parent_id: PinterestId.nullable().optional(),
  parent_type: z.string().nullable().optional(),
  value: z.string(),
  match_type: z.string().nullable().optional(),
  archived: z.boolean().nullable().optional(),
  bid: z.number().nullable().optional(),
});
export type Keyword = z.infer<typeof Keyword>;

/** `AdvertiserDefinedEventsResponse` of `advertiser_defined_events/get`: the whole list, unpaged. */
export const AdvertiserDefinedEvents = z.looseObject({
  items: z.array(
    z.looseObject({
      name: z.string().min(1),
      mapped_conversion_type: z.string().nullable().optional(),
    }),
  ),
});
export type AdvertiserDefinedEvents = z.infer<typeof AdvertiserDefinedEvents>;

/** `PublicTargetingType`, the `{targeting_type}` of `targeting_options/get`. */
export const TargetingOptionType = z.enum([
  'APPTYPE',
  'GENDER',
  'LOCALE',
  'AGE_BUCKET',
  'LOCATION',
  'GEO',
  'INTEREST',
  'KEYWORD',
  'AUDIENCE_INCLUDE',
  'AUDIENCE_EXCLUDE',
]);
export type TargetingOptionType = z.infer<typeof TargetingOptionType>;

/** `TargetingOptionResponse`: an array of objects mapping each targeting value to its name (nullable). */
export const TargetingOptions = z.array(z.record(z.string(), z.string())).nullable();
export type TargetingOptions = z.infer<typeof TargetingOptions>;

/** `Paginated`: `items` required; a null or absent `bookmark` means the last page. */
export function Paginated<T extends z.ZodType>(item: T) {
  return z.looseObject({ items: z.array(item), bookmark: z.string().nullable().optional() });
}

/** `BulkReportingJobStatus`. */
export const ReportStatus = z.enum([
  'DOES_NOT_EXIST',
  'FINISHED',
  'IN_PROGRESS',
  'EXPIRED',
  'FAILED',
  'CANCELLED',
]);
export type ReportStatus = z.infer<typeof ReportStatus>;

/** `AdsAnalyticsCreateAsyncResponse`. */
export const CreateReportResponse = z.looseObject({
  report_status: ReportStatus,
  token: z.string().min(1),
  message: z.string().nullable().optional(),
});
export type CreateReportResponse = z.infer<typeof CreateReportResponse>;

/** `AdsAnalyticsGetAsyncResponse`: `url` is set once FINISHED. */
export const GetReportResponse = z.looseObject({
  report_status: ReportStatus,
  url: z.string().nullable().optional(),
  size: z.number().nullable().optional(),
});
export type GetReportResponse = z.infer<typeof GetReportResponse>;

/** `Account` of GET /user_account: whose login a grant is (its budget is per user, docs/pinterest-api.md §8.1). */
export const UserAccount = z.looseObject({
  id: z.string().regex(/^\d{1,20}$/),
  username: z.string().nullable().optional(),
});
export type UserAccount = z.infer<typeof UserAccount>;

/** `BookClosedResponse` of GET /resources/metrics_ready_state. */
export const MetricsReadyState = z.looseObject({
  conversion_metrics_ready: z.boolean(),
  non_conversion_metrics_ready: z.boolean(),
});
export type MetricsReadyState = z.infer<typeof MetricsReadyState>;

/** `AdAccountAnalyticsResponse`: an array of metric rows keyed by column name. */
export const AdAccountAnalytics = z.array(
  z.looseObject({ AD_ACCOUNT_ID: PinterestId, DATE: z.string().optional() }),
);
export type AdAccountAnalytics = z.infer<typeof AdAccountAnalytics>;

/**
 * `OauthAccessTokenResponse` (code and refresh flows). Since 5.18 the refresh flow always returns a rotated
 * refresh token; the code flow returns one too for apps with refresh enabled. Deliberately loose: by the time this
 * answer arrives Pinterest has already rotated the grant, so a field of an unexpected shape must not throw the new
 * refresh token away. pinterest/oauth.ts reads each field and says what was odd.
 */
export const TokenResponse = z.looseObject({
  access_token: z.unknown().optional(),
  token_type: z.unknown().optional(),
  expires_in: z.unknown().optional(),
  scope: z.unknown().optional(),
  response_type: z.unknown().optional(),
  refresh_token: z.unknown().optional(),
  refresh_token_expires_in: z.unknown().optional(),
  refresh_token_expires_at: z.unknown().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** The subset of `AdsAnalyticsCreateAsyncRequest` we send (spec 5.23; all five of the 5.23 required fields). */
export const WindowDays = z.union([
  z.literal(0),
  z.literal(1),
  z.literal(7),
  z.literal(14),
  z.literal(30),
  z.literal(60),
]);
export const CreateReportRequest = z.strictObject({
  start_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  end_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  granularity: z.enum(['TOTAL', 'DAY', 'HOUR', 'WEEK', 'MONTH']),
  level: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1),
  click_window_days: WindowDays.optional(),
  engagement_window_days: WindowDays.optional(),
  view_window_days: WindowDays.optional(),
  conversion_report_time: z.enum(['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION']).optional(),
  reporting_timezone: z.enum(['PINTEREST_TIME_ZONE', 'AD_ACCOUNT_TIME_ZONE']).optional(),
  report_format: z.enum(['JSON', 'CSV']).optional(),
  // OpenAPI 5.23 TargetingTypeFilter: 1 to 5 types, with a *_TARGETING level.
  targeting_types: z.array(z.string().min(1)).min(1).max(5).optional(),
  custom_conversion_event_metrics: z
    .array(
      z.strictObject({ custom_event_metrics_type: z.string().min(1), custom_event_name: z.string().min(1) }),
    )
    .min(1)
    .optional(),
});
export type CreateReportRequest = z.infer<typeof CreateReportRequest>;
