// What started a window run, as pinads.sync_runs.kind records it ; workflows, activities and the views
// of runs share this one list.
export type RunKind = 'hourly' | 'lookback' | 'backfill' | 'manual';
