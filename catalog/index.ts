// The report catalog (PLAN "Report catalog"): the entries, how a WindowSpec's report id finds its entry, and the
// pure pieces every front door shares (request bodies, row normalization, the hourly split).
import { AD_DAILY, CATALOG } from './entries.ts';
import type { ReportEntry, ReportId } from './types.ts';

export { SQL_TYPES, type TableColumn, tableColumns } from './columns.ts';
export {
  AD_CUSTOM_CONVERSIONS_DAILY,
  AD_DAILY,
  AD_TARGETING_DAILY,
  CATALOG,
  KEYWORD_DAILY,
  METRICS,
} from './entries.ts';
export {
  normalizeRecords,
  normalizeRow,
  passesFastChecks,
  ReportRowError,
  type RowContext,
  rawRowSchema,
} from './normalize.ts';
export { type RequestContext, type RequestSettings, reportRequests, requestedColumns } from './request.ts';
export * from './types.ts';

const BY_ID = new Map<string, ReportEntry>(CATALOG.map((e) => [e.id, e]));

export function isReportId(id: unknown): id is ReportId {
  return typeof id === 'string' && BY_ID.has(id);
}

/**
 * The entry of a report id, as a WindowSpec carries it. Workflows recorded before the catalog carry none: that is
 * the ad-level report.
 */
export function entryOf(id: string | undefined): ReportEntry {
  if (id === undefined) return AD_DAILY;
  const entry = BY_ID.get(id);
  if (!entry) throw new Error(`unknown report "${id}" (the catalog has ${[...BY_ID.keys()].join(', ')})`);
  return entry;
}

/** The entries a run with this cadence pulls: the hourly sync's, or the daily extras. */
export function entriesWithCadence(cadence: ReportEntry['cadence']): ReportEntry[] {
  return CATALOG.filter((e) => e.cadence === cadence);
}
