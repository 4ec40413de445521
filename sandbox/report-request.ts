// Validation of report and analytics requests, mirroring the spec's limits, into one normalized ReportQuery.

import { SERVED_TARGETING_TYPES, type TargetingType } from './breakdowns.ts';
import type { Granularity } from './buckets.ts';
import {
  ADE_METRIC_TYPES,
  ASYNC_COLUMNS,
  GRANULARITIES,
  LEVELS,
  type Level,
  REPORT_TARGETING_TYPES,
  SUPPORTED_LEVELS,
} from './columns.ts';
import type { SandboxAccount } from './data.ts';
import type { SandboxEvent } from './extras.ts';
import { invalid } from './http.ts';
import type { Attribution } from './ledger.ts';
import { dayOf, isDate } from './time.ts';

export interface ReportQuery {
  startDate: string;
  endDate: string;
  granularity: Granularity;
  level: Level;
  columns: string[];
  format: 'JSON' | 'CSV';
  primarySort: 'BY_ID' | 'BY_DATE';
  attr: Attribution;
  /** 'UTC' for PINTEREST_TIME_ZONE, else the account's IANA zone. */
  zone: string;
  campaignIds?: Set<string>;
  adGroupIds?: Set<string>;
  adIds?: Set<string>;
  /** *_TARGETING levels: the breakdowns asked for, in request order. */
  targetingTypes?: TargetingType[];
  /** custom_conversion_event_metrics, in request order; `event` indexes `events`. */
  customMetrics?: { type: string; name: string; event: number }[];
  /** The account's events those metrics name, each once. */
  events?: SandboxEvent[];
}

const WINDOWS = [0, 1, 7, 14, 30, 60];

function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[] | ReadonlySet<string>,
  dflt?: T,
): T {
  if (value === undefined && dflt !== undefined) return dflt;
  const ok = Array.isArray(allowed)
    ? allowed.includes(value as T)
    : (allowed as ReadonlySet<string>).has(value as string);
  if (typeof value !== 'string' || !ok) {
    const list = Array.isArray(allowed) ? ` Allowed: ${allowed.join(', ')}.` : '';
    throw invalid(`${name} ${JSON.stringify(value)} is not a valid value.${list}`);
  }
  return value as T;
}

/** Window days accept numbers (5.28 made them `number`) and, for query strings, digit text. */
function windowDays(name: string, value: unknown, dflt: number): number {
  if (value === undefined || value === null) return dflt;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !WINDOWS.includes(n))
    throw invalid(`${name} must be one of ${WINDOWS.join(', ')}.`);
  return n;
}

export function parseAttribution(src: Record<string, unknown>): Attribution {
  return {
    clickWindow: windowDays('click_window_days', src.click_window_days, 30),
    engagementWindow: windowDays('engagement_window_days', src.engagement_window_days, 30),
    viewWindow: windowDays('view_window_days', src.view_window_days, 1),
    reportTime: oneOf(
      'conversion_report_time',
      src.conversion_report_time,
      ['TIME_OF_AD_ACTION', 'TIME_OF_CONVERSION'],
      'TIME_OF_AD_ACTION',
    ),
  };
}

export function parseZone(src: Record<string, unknown>, acct: SandboxAccount): string {
  const tz = oneOf(
    'reporting_timezone',
    src.reporting_timezone,
    ['PINTEREST_TIME_ZONE', 'AD_ACCOUNT_TIME_ZONE'],
    'PINTEREST_TIME_ZONE',
  );
  return tz === 'AD_ACCOUNT_TIME_ZONE' ? acct.time_zone : 'UTC';
}

/**
 * Checks start/end against "today" (UTC): `maxBack` days of history, `maxDays` dates per request (inclusive count),
 * start ≤ end ≤ today. The messages name the limit so a client's log says what to fix.
 */
export function checkRange(
  start: unknown,
  end: unknown,
  todayDay: number,
  maxBack: number,
  maxDays: number,
): void {
  if (start === undefined) throw invalid('start_date is required.');
  if (end === undefined) throw invalid('end_date is required.');
  if (!isDate(start))
    throw invalid(`start_date ${JSON.stringify(start)} must be a date in YYYY-MM-DD format.`);
  if (!isDate(end)) throw invalid(`end_date ${JSON.stringify(end)} must be a date in YYYY-MM-DD format.`);
  const s = dayOf(start);
  const e = dayOf(end);
  if (s < todayDay - maxBack)
    throw invalid(`start_date ${start} cannot be more than ${maxBack} days back from today (UTC).`);
  if (e > todayDay) throw invalid(`end_date ${end} cannot be later than today (UTC).`);
  if (s > e) throw invalid(`start_date ${start} must not be after end_date ${end}.`);
  if (e - s + 1 > maxDays)
    throw invalid(`The date range ${start}..${end} exceeds the maximum time range of ${maxDays} days.`);
}

function idSet(name: string, value: unknown, max: number): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length < 1 || value.length > max)
    throw invalid(`${name} must be an array of 1 to ${max} ids.`);
  for (const v of value)
    if (typeof v !== 'string' || !/^\d+$/.test(v)) throw invalid(`${name} items must be strings of digits.`);
  return new Set(value as string[]);
}

/** Validates a POST …/reports body (AdsAnalyticsCreateAsyncRequest) for `acct` at UTC day `todayDay`. */
export function parseReportRequest(
  body: Record<string, unknown>,
  acct: SandboxAccount,
  todayDay: number,
): ReportQuery {
  for (const f of ['start_date', 'end_date', 'granularity', 'level', 'columns']) {
    if (body[f] === undefined) throw invalid(`${f} is required.`);
  }
  const granularity = oneOf<Granularity>('granularity', body.granularity, GRANULARITIES);
  if (typeof body.level !== 'string' || !LEVELS.has(body.level))
    throw invalid(`level ${JSON.stringify(body.level)} is not a valid value.`);
  const level = oneOf<Level>('level', body.level, SUPPORTED_LEVELS);
  const hourly = granularity === 'HOUR';
  checkRange(body.start_date, body.end_date, todayDay, hourly ? 8 : 914, hourly ? 3 : 186);
  const columns = body.columns;
  if (!Array.isArray(columns) || columns.length === 0) throw invalid('columns must be a non-empty array.');
  for (const c of columns) {
    if (typeof c !== 'string' || !ASYNC_COLUMNS.has(c))
      throw invalid(`columns: ${JSON.stringify(c)} is not a valid ReportingColumnAsync value.`);
  }
  if (body.start_hour !== undefined || body.end_hour !== undefined) {
    for (const f of ['start_hour', 'end_hour'] as const) {
      const h = body[f];
      if (h !== undefined && (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h > 23))
        throw invalid(`${f} must be an integer 0..23.`);
    }
  }
  if (body.attribution_types !== undefined) {
    const at = body.attribution_types;
    if (!Array.isArray(at) || at.some((a) => a !== 'INDIVIDUAL' && a !== 'HOUSEHOLD'))
      throw invalid('attribution_types items must be INDIVIDUAL or HOUSEHOLD.');
  }
  return {
    ...targeting(body, level),
    ...customMetrics(body, level, acct),
    startDate: body.start_date as string,
    endDate: body.end_date as string,
    granularity,
    level,
    columns: [...new Set(columns as string[])],
    format: oneOf('report_format', body.report_format, ['JSON', 'CSV'], 'JSON'),
    primarySort: oneOf('primary_sort', body.primary_sort, ['BY_ID', 'BY_DATE'], 'BY_ID'),
    attr: parseAttribution(body),
    zone: parseZone(body, acct),
    campaignIds: idSet('campaign_ids', body.campaign_ids, 250),
    adGroupIds: idSet('ad_group_ids', body.ad_group_ids, 250),
    adIds: idSet('ad_ids', body.ad_ids, 500),
  };
}

/**
 * targeting_types (TargetingTypeFilter): 1 to 5 of the spec's types, and only with a level ending in _TARGETING,
 * which in turn needs them. The sandbox serves COUNTRY, REGION, AGE_BUCKET, GENDER and APPTYPE; any other valid
 * type is answered with a clear 400 rather than an empty breakdown.
 */
function targeting(body: Record<string, unknown>, level: Level): { targetingTypes?: TargetingType[] } {
  const raw = body.targeting_types;
  const isTargeting = level.endsWith('_TARGETING');
  if (body.combine_targeting_types !== undefined && typeof body.combine_targeting_types !== 'boolean')
    throw invalid('combine_targeting_types must be a boolean.');
  if (body.combine_targeting_types === true)
    throw invalid('combine_targeting_types is a BETA feature that is not available to this app.');
  if (raw === undefined) {
    if (isTargeting) throw invalid(`targeting_types is required for level ${level}.`);
    return {};
  }
  if (!isTargeting) throw invalid('targeting_types requires level to be a value ending in _TARGETING.');
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > 5)
    throw invalid('targeting_types must be an array of 1 to 5 targeting types.');
  for (const t of raw) {
    if (typeof t !== 'string' || !REPORT_TARGETING_TYPES.has(t))
      throw invalid(`targeting_types: ${JSON.stringify(t)} is not a valid targeting type.`);
    if (t === 'AUDIENCE_MULTIPLIER' && level !== 'CAMPAIGN_TARGETING')
      throw invalid('targeting_types: AUDIENCE_MULTIPLIER is only available in CAMPAIGN_TARGETING level.');
    if (t === 'MEDIA_TYPE')
      throw invalid('targeting_types: MEDIA_TYPE is only available in PRODUCT_ITEM_TARGETING level.');
    if (!(SERVED_TARGETING_TYPES as readonly string[]).includes(t))
      throw invalid(
        `targeting_types: the sandbox serves only ${SERVED_TARGETING_TYPES.join(', ')}, not ${t}.`,
      );
  }
  return { targetingTypes: [...new Set(raw as TargetingType[])] };
}

/** custom_conversion_event_metrics: `{custom_event_metrics_type, custom_event_name}` items naming the account's events. */
function customMetrics(
  body: Record<string, unknown>,
  level: Level,
  acct: SandboxAccount,
): Pick<ReportQuery, 'customMetrics' | 'events'> {
  const raw = body.custom_conversion_event_metrics;
  if (raw === undefined) return {};
  if (!Array.isArray(raw) || raw.length === 0)
    throw invalid('custom_conversion_event_metrics must be a non-empty array.');
  if (level.endsWith('_TARGETING') || level === 'KEYWORD')
    throw invalid(
      `custom_conversion_event_metrics: the sandbox serves them at levels without breakdowns, not ${level}.`,
    );
  const events: SandboxEvent[] = [];
  const out: NonNullable<ReportQuery['customMetrics']> = [];
  for (const item of raw) {
    const { custom_event_metrics_type: type, custom_event_name: name } = (item ?? {}) as Record<
      string,
      unknown
    >;
    if (typeof type !== 'string' || !ADE_METRIC_TYPES.has(type))
      throw invalid(
        `custom_conversion_event_metrics: custom_event_metrics_type ${JSON.stringify(type)} is not valid.`,
      );
    if (typeof name !== 'string')
      throw invalid('custom_conversion_event_metrics: custom_event_name is required.');
    const event = acct.events.find((e) => e.name === name);
    if (!event)
      throw invalid(
        `custom_conversion_event_metrics: ${JSON.stringify(name)} is not an advertiser-defined event of this ad account.`,
      );
    if (!events.includes(event)) events.push(event);
    if (!out.some((m) => m.type === type && m.name === name))
      out.push({ type, name, event: events.indexOf(event) });
  }
  return { customMetrics: out, events };
}
