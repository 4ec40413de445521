// Every catalog report of a connection's window through the real activities (requestReport → poll → download →
// normalize → load, plus the entity syncs and the readiness check a daily pass does first), run in-process with
// Temporal's MockActivityEnvironment. For tests of what reads those tables (views, reports, dashboard, dbt) while the
// workflows do not schedule every report yet; the workflows' side is tested by the pipeline's own tests.
import { MockActivityEnvironment } from '@temporalio/testing';
import { type ActivityDeps, createActivities } from '../../activities/index.ts';
import { settingsSnapshot, type WindowSpec } from '../../activities/spec.ts';
import { CATALOG } from '../../catalog/index.ts';
import type { DateWindow } from '../../common/dates.ts';
import type { Connection } from '../../warehouse/control.ts';

export type Activities = ReturnType<typeof createActivities>;

const run = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, ...args: A): Promise<R> =>
  new MockActivityEnvironment().run(fn, ...args) as Promise<R>;

export interface CatalogPuller {
  acts: Activities;
  /** Entities, events, keywords and geo names of the connection's account (what a daily pass syncs first). */
  syncEntities(c: Connection): Promise<void>;
  /** Asks Pinterest's metrics_ready_state for the window's dates, as a daily pass does before it loads. */
  readiness(c: Connection, window: DateWindow): Promise<void>;
  /** One catalog entry's window (all of them when `reports` is omitted), in the connection's reporting zone. */
  pull(c: Connection, window: DateWindow, zone: string, reports?: readonly string[]): Promise<void>;
}

export function catalogPuller(deps: ActivityDeps): CatalogPuller {
  const acts = createActivities(deps);
  return {
    acts,
    async syncEntities(c) {
      await run(acts.syncEntities, c.id);
      await run(acts.syncConversionEvents, c.id);
      await run(acts.syncKeywords, c.id);
      await run(acts.syncGeoNames, c.id);
    },
    async readiness(c, window) {
      await run(acts.checkMetricsReady, c.id, { window });
    },
    async pull(c, window, zone, reports) {
      for (const entry of CATALOG) {
        if (reports && !reports.includes(entry.id)) continue;
        const spec: WindowSpec = {
          report: entry.id,
          window,
          settings: settingsSnapshot(c, zone),
          priority: 'bulk',
        };
        const requested = await run(acts.requestReport, c.id, spec);
        await run(acts.loadReport, c.id, requested.tokens, spec, { requestedAt: requested.requestedAt });
      }
    },
  };
}
