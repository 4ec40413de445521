// What a catalog entry declares. One entry per report pinads pulls: what to ask Pinterest for, how a row of the
// answer maps onto warehouse columns, when it runs, and which rows of which table a window of it replaces.

/** The catalog's report ids (PLAN "Report catalog"); `ad_daily` is the ad-level report of every hourly sync. */
export type ReportId = 'ad_daily' | 'ad_targeting_daily' | 'keyword_daily' | 'ad_custom_conversions_daily';

/**
 * How a cell is read (schemas/report-values.ts has the grammar):
 * - `id`: digits, kept as text; `text`: a string or a number, kept as its text; `date`: YYYY-MM-DD;
 * - `count` and `micro`: integers (bigint), `micro` being money in micro-units of the account currency;
 * - `decimal`: numeric, as exact decimal text (conversion counts, which Pinterest may model).
 */
export type ColumnKind = 'id' | 'text' | 'date' | 'count' | 'micro' | 'decimal';

export interface ReportColumn {
  /** The warehouse column; null for a Pinterest column that is requested and checked but not stored. */
  name: string | null;
  /** The Pinterest report column it comes from. */
  source: string;
  kind: ColumnKind;
  /**
   * Dimensions: a row without it (or with null) is refused. Metrics are never required: absent or null means 0.
   * Optional dimensions are NULL in the warehouse when absent.
   */
  required?: boolean;
  /** false for columns Pinterest adds by itself (DATE, TARGETING_TYPE, TARGETING_VALUE): not in `columns`. */
  requested?: boolean;
  /** The warehouse column's SQL type (derived from the kind unless given). */
  sqlType?: string;
}

/**
 * The entity a report file is keyed by (docs/pinterest-api.md §5.3: the top-level key is the level's entity id): the warehouse column
 * it fills and the row columns that name it too, in order of preference (at the ad level, PIN_PROMOTION_ID, then
 * AD_ID). A row must carry one of them, equal to the key it was filed under.
 */
export interface EntityKey {
  name: string;
  sources: readonly string[];
  /**
   * false when the id is not a column one may ask for (KEYWORD_ID is not in the spec's ReportingColumnAsync): the
   * file is keyed by it and its rows carry it all the same.
   */
  requested?: boolean;
}

/**
 * Advertiser-defined events (custom_conversion_event_metrics): one report row carries each requested event's
 * metrics; the loader writes one warehouse row per event, `name` holding the event's name.
 */
export interface PerEvent {
  name: string;
  /** Warehouse column ← the event metric type requested for every event (ADE_*). */
  metrics: readonly { name: string; metric: string; kind: 'count' | 'micro' | 'decimal' }[];
}

/** How often a report runs: in every hourly sync, or once per reporting day (with the lookback) and in backfills. */
export type Cadence = 'hourly' | 'daily';

/**
 * Which dates a run pulls. `hourly`: the hourly window [today-1, today] of every sync, plus the lookback once a
 * day; `daily`: the lookback window once per reporting day (after LOOKBACK_HOUR), never the hourly window.
 * The lookback and catch-up rules themselves are the planner's (activities/plan.ts), common to every entry.
 */
export interface WindowPolicy {
  hourlyWindow: boolean;
  lookback: boolean;
  backfill: boolean;
}

export interface ReportEntry {
  id: ReportId;
  /** MetricsReportingLevel of the create-report request. */
  level: 'PIN_PROMOTION' | 'PIN_PROMOTION_TARGETING' | 'KEYWORD';
  granularity: 'DAY';
  cadence: Cadence;
  window: WindowPolicy;
  /** Schema-qualified target table. */
  table: string;
  /** The table's key (ad_account_id first); a report repeating a key is refused as duplicate rows. */
  key: readonly string[];
  entity: EntityKey;
  /** Every other column, in the order they are written. The account, stamps and (ad_daily) split come on top. */
  columns: readonly ReportColumn[];
  /** Targeting types to break down by; split into requests of at most MAX_TARGETING_TYPES each. */
  targetingTypes?: readonly string[];
  perEvent?: PerEvent;
  /**
   * What a window replaces: the target table's rows of the account in the window's dates, narrowed to the
   * targeting types the entry pulls when it has some (a type dropped from the catalog keeps its old rows).
   */
  deleteScope: 'account_dates' | 'account_dates_targeting_types';
  /** ad_daily only: the day's hourly spend split (docs/warehouse.md, Hourly spend) is stored on each row. */
  hourlySplit?: boolean;
  /** ad_daily only: moved account-day totals go to pinterest_ads.restatements. */
  restatements?: boolean;
}

/** A normalized row: warehouse column → value (text, bigint for integer kinds, null for an absent optional). */
export type NormalizedRow = Record<string, string | bigint | null>;

/** Pinterest's per-request limit on targeting types (OpenAPI 5.23 TargetingTypeFilter: maxItems 5). */
export const MAX_TARGETING_TYPES = 5;
