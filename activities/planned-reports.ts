// The catalog as the planner reads it: each report's cadence, whether backfills pull it, and the entity syncs its
// daily pass needs first. (catalog/ says what to request and how to load; this says what must run before.)
import { CATALOG, type ReportEntry } from '../catalog/index.ts';
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

/**
 * What an entry's rows need known first: a KEYWORD report its keywords, a per-event report the account's
 * advertiser-defined events (its request names them), targeting values their geo names (once for the fleet).
 */
function needsOf(e: ReportEntry): EntityNeed[] {
  return [
    ...(e.level === 'KEYWORD' ? (['keywords'] as const) : []),
    ...(e.perEvent ? (['conversion_events'] as const) : []),
    ...(e.targetingTypes?.length ? (['geo_names'] as const) : []),
  ];
}

/** The reports every sync plans, the hourly one first; `only` narrows the catalog (ActivityDeps.reports). */
export function plannedReports(only?: readonly string[]): PlannedReport[] {
  return CATALOG.filter((e) => !only || e.cadence === 'hourly' || only.includes(e.id))
    .map((e) => ({
      id: e.id,
      cadence: e.cadence,
      backfill: e.window.backfill,
      needs: needsOf(e),
    }))
    .sort((a, b) => (a.cadence === b.cadence ? 0 : a.cadence === 'hourly' ? -1 : 1));
}
