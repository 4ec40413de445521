// The create-report bodies of a catalog entry for one window: the entry's level and columns, the window's settings,
// and one body per request variant (targeting types beyond Pinterest's per-request limit need several reports).
import type { DateWindow } from '../common/dates.ts';
import { CreateReportRequest } from '../schemas/pinterest.ts';
import { MAX_TARGETING_TYPES, type ReportEntry } from './types.ts';

/** The settings a report's numbers depend on (activities/spec.ts SettingsSnapshot has them all). */
export interface RequestSettings {
  click_window_days: number;
  engagement_window_days: number;
  view_window_days: number;
  conversion_report_time: 'TIME_OF_AD_ACTION' | 'TIME_OF_CONVERSION';
  reporting_time_zone: 'utc' | 'account';
}

export interface RequestContext {
  /** The account's advertiser-defined event names (pinterest_ads.conversion_events), for per-event entries. */
  customEvents?: readonly string[];
}

/** The Pinterest columns an entry asks for, in declaration order (DATE and targeting columns come unasked). */
export function requestedColumns(entry: ReportEntry): string[] {
  const out: string[] = [];
  const add = (c: string) => {
    if (!out.includes(c)) out.push(c);
  };
  for (const c of entry.columns) if (c.requested !== false && c.source) add(c.source);
  if (entry.entity.requested !== false) for (const s of entry.entity.sources) add(s);
  return out;
}

/** Targeting types in request-sized groups, in the entry's order. */
export function targetingGroups(entry: ReportEntry): string[][] {
  const types = entry.targetingTypes ?? [];
  const groups: string[][] = [];
  for (let i = 0; i < types.length; i += MAX_TARGETING_TYPES)
    groups.push(types.slice(i, i + MAX_TARGETING_TYPES));
  return groups;
}

/**
 * Every create-report body the entry needs for the window, each checked against the request schema. Empty when
 * there is nothing to ask (a per-event entry for an account without events): the window then loads as empty.
 */
export function reportRequests(
  entry: ReportEntry,
  window: DateWindow,
  settings: RequestSettings,
  ctx: RequestContext = {},
): CreateReportRequest[] {
  const base = {
    start_date: window.start,
    end_date: window.end,
    granularity: entry.granularity,
    level: entry.level,
    columns: requestedColumns(entry),
    click_window_days: settings.click_window_days,
    engagement_window_days: settings.engagement_window_days,
    view_window_days: settings.view_window_days,
    conversion_report_time: settings.conversion_report_time,
    report_format: 'JSON' as const,
    ...(settings.reporting_time_zone === 'account'
      ? { reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' as const }
      : {}),
  };
  if (entry.perEvent) {
    const events = ctx.customEvents ?? [];
    if (events.length === 0) return [];
    const custom_conversion_event_metrics = events.flatMap((name) =>
      entry.perEvent!.metrics.map((m) => ({ custom_event_metrics_type: m.metric, custom_event_name: name })),
    );
    return [CreateReportRequest.parse({ ...base, custom_conversion_event_metrics })];
  }
  const groups = targetingGroups(entry);
  if (groups.length === 0) return [CreateReportRequest.parse(base)];
  return groups.map((targeting_types) => CreateReportRequest.parse({ ...base, targeting_types }));
}
