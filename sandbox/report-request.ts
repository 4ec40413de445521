// Validation of report and analytics requests, mirroring the spec's limits, into one normalized ReportQuery.

import type { Granularity } from './buckets.ts';
import { ASYNC_COLUMNS, GRANULARITIES, LEVELS, type Level, SUPPORTED_LEVELS } from './columns.ts';
import type { SandboxAccount } from './data.ts';
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
