// What started a window run, as pinads.sync_runs.kind records it ; workflows, activities and the views
// of runs share this one list.
export const RUN_KINDS = ['hourly', 'lookback', 'backfill', 'manual'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
