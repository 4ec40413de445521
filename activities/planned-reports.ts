// The catalog as the planner reads it: each report's cadence and the entity syncs its daily pass needs first.
// (The catalog itself, catalog/, says what to request and how to load; this says what must run before.)
import type { ReportId } from './spec.ts';

/** keywords: syncKeywords; conversion_events: syncConversionEvents; geo_names: the fleet's syncGeoNames. */
export type EntityNeed = 'keywords' | 'conversion_events' | 'geo_names';

export interface PlannedReport {
  id: ReportId;
  cadence: 'hourly' | 'daily';
  /** Pulled by backfills, chunk by chunk. */
  backfill: boolean;
  needs: EntityNeed[];
}

/** The reports every sync plans, the hourly one first. */
export function plannedReports(): PlannedReport[] {
  return [{ id: 'ad_daily', cadence: 'hourly', backfill: true, needs: [] }];
}
