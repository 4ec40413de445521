// Which days Pinterest calls final: GET /v5/resources/metrics_ready_state per UTC date (paced like every request,
// ads_analytics), asked once per date for the whole fleet (the claim in warehouse/readiness.ts) and kept in
// pinads.metrics_ready, where the loader reads it to decide each pulled day's finality.
import { addDays, type DateWindow } from '../common/dates.ts';
import { reportingZone } from '../core/reporting-day.ts';
import { unreadyDates } from '../warehouse/pull-plan.ts';
import { claimReadinessChecks, recordReadiness, releaseReadinessClaims } from '../warehouse/readiness.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import type { Priority } from './spec.ts';
import { loadConnection, withApi } from './tokens.ts';

export interface ReadinessResult {
  /** The dates this call asked Pinterest about (others were asked by another sync, or are known ready). */
  asked: string[];
  apiCalls: number;
}

export function readinessActivities(deps: ActivityDeps) {
  return {
    /**
     * Asks about the UTC dates the days (of the connection's reporting zone) overlap that nobody asked about lately
     * and whose readiness is not known yet, on this connection's login.
     */
    async checkMetricsReady(
      connectionId: string,
      o: { days?: string[]; window?: DateWindow; priority?: Priority },
    ): Promise<ReadinessResult> {
      const c = await loadConnection(deps, connectionId);
      const now = nowOf(deps);
      const days = [...(o.days ?? [])];
      if (o.window) for (let d = o.window.start; d <= o.window.end; d = addDays(d, 1)) days.push(d);
      const zone = await reportingZone(deps.wh.pool, c);
      const dates = await unreadyDates(deps.wh.pool, days, zone, now.toISOString().slice(0, 10));
      const asked = await claimReadinessChecks(deps.wh.pool, dates, now);
      if (asked.length === 0) return { asked, apiCalls: 0 };
      const left = new Set(asked);
      const { apiCalls } = await withApi(deps, c, async (api) => {
        for (const date of asked) {
          const answer = await api.getMetricsReadyState(date);
          await recordReadiness(
            deps.wh.pool,
            date,
            {
              nonConversionReady: answer.non_conversion_metrics_ready,
              conversionReady: answer.conversion_metrics_ready,
            },
            nowOf(deps),
          );
          left.delete(date);
        }
      }).catch(async (err: unknown) => {
        await releaseReadinessClaims(deps.wh.pool, [...left]);
        throw err;
      });
      return { asked, apiCalls };
    },
  };
}
