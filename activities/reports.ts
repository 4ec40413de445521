// The async report lifecycle in the API's own words: create, poll until FINISHED, download (no bearer), parse,
// validate, normalize, and load the window in one transaction.

import { ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import { entryOf, reportRequests } from '../catalog/index.ts';
import type { DateWindow } from '../common/dates.ts';
import { REPORT_GENERATION_FAILED } from '../common/failure-types.ts';
import { reportingZone } from '../core/reporting-day.ts';
import { countRestatedMoney } from '../observability/metrics.ts';
import { metricsOf } from '../observability/observe.ts';
import type { PinterestClient } from '../pinterest/client.ts';
import { PinterestError } from '../pinterest/errors.ts';
import type { CreateReportRequest } from '../schemas/pinterest.ts';
import type { Connection } from '../warehouse/control.ts';
import { loadReportWindow } from '../warehouse/load.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import { downloadedRows } from './report-rows.ts';
import {
  AD_DAILY,
  isWindowSpec,
  type SettingsSnapshot,
  settingsSnapshot,
  type WindowRequest,
  type WindowSpec,
} from './spec.ts';
import { loadConnection, withApi } from './tokens.ts';

/** How often an expired download link is replaced by a fresh one before the activity gives up and retries. */
const MAX_LINK_REFRESHES = 3;

/**
 * The create-report bodies of a window, built from its catalog entry (catalog/request.ts): one per request variant,
 * none when there is nothing to ask (a per-event report for an account without advertiser-defined events).
 */
export async function reportRequestBodies(
  deps: ActivityDeps,
  c: Connection,
  spec: WindowSpec,
): Promise<CreateReportRequest[]> {
  const entry = entryOf(spec.report);
  const customEvents = entry.perEvent
    ? (
        await deps.wh.pool.query<{ name: string }>(
          'SELECT name FROM pinterest_ads.conversion_events WHERE ad_account_id = $1 ORDER BY name',
          [c.ad_account_id],
        )
      ).rows.map((r) => r.name)
    : undefined;
  return reportRequests(entry, spec.window, spec.settings, { customEvents });
}

/** A FINISHED report: its short-lived url, or null when Pinterest says it is empty (`size: 0`). */
type Finished = { url: string | null };

/** Seconds a report may stay IN_PROGRESS before it is requested again (PINADS_REPORT_DEADLINE_S). */
export const DEFAULT_REPORT_DEADLINE_S = 900;

/**
 * Polls with backoff until the report is FINISHED. Other end states, and IN_PROGRESS past the deadline, fail with
 * REPORT_GENERATION_FAILED so the workflow requests a new report (a bounded number of times).
 */
async function awaitReport(
  deps: ActivityDeps,
  api: PinterestClient,
  adAccountId: string,
  token: string,
  justRequested: boolean,
): Promise<Finished> {
  let delay = deps.poll?.initialMs ?? 1000;
  const deadlineS = deps.reportDeadlineS ?? DEFAULT_REPORT_DEADLINE_S;
  const giveUpAt = Date.now() + deadlineS * 1000;
  // A report is never ready the instant it is requested: waiting first saves a poll of the ads_analytics quota.
  if (justRequested) await sleep(delay);
  const metrics = metricsOf(deps);
  let linkless = 0;
  for (let polls = 1; ; polls++) {
    const r = await api.getReport(adAccountId, token);
    metrics.reportPolls.inc();
    heartbeat();
    if (r.report_status === 'FINISHED') {
      // Only an explicit `size: 0` is an empty report. A FINISHED answer without a link is not: read as empty, it
      // would replace the window with nothing. Ask again for the link, then for a new report.
      if (r.size === 0 || r.url) {
        metrics.pollsPerReport.observe(polls);
        return { url: r.size === 0 ? null : r.url! };
      }
      if (++linkless > MAX_LINK_REFRESHES)
        throw ApplicationFailure.create({
          message: `report FINISHED at Pinterest without a download link (size ${r.size ?? 'not given'}) ${linkless} times; it will be requested again`,
          type: REPORT_GENERATION_FAILED,
          nonRetryable: true,
        });
    } else if (r.report_status !== 'IN_PROGRESS') {
      throw ApplicationFailure.create({
        message: `report ${r.report_status} at Pinterest; it will be requested again`,
        type: REPORT_GENERATION_FAILED,
        nonRetryable: true,
      });
    }
    if (Date.now() >= giveUpAt) {
      throw ApplicationFailure.create({
        message: `report still IN_PROGRESS after ${deadlineS} s (PINADS_REPORT_DEADLINE_S); it will be requested again`,
        type: REPORT_GENERATION_FAILED,
        nonRetryable: true,
      });
    }
    await sleep(Math.min(delay, Math.max(0, giveUpAt - Date.now())));
    delay = Math.min(delay * 2, deps.poll?.maxMs ?? 10_000);
  }
}

export interface RequestedReport {
  /** The first token ('' when nothing was requested), for flows that carry one. */
  token: string;
  tokens: string[];
  apiCalls: number;
  settings: SettingsSnapshot;
  /** ISO instant of the request. */
  requestedAt: string;
}

export interface LoadReportResult {
  rowsLoaded: number;
  /** ads in the loaded window that the entity tables don't have yet (new since the last entity sync) */
  unknownAds: number;
  hourlyRows: number;
  apiCalls: number;
  bytes: number;
}

/**
 * The spec of a window. Workflows that started before specs pass a bare DateWindow (ad_daily): its settings are read
 * now, as they were then.
 */
async function specOf(deps: ActivityDeps, c: Connection, w: DateWindow | WindowRequest): Promise<WindowSpec> {
  const snapshot = async () => settingsSnapshot(c, await reportingZone(deps.wh.pool, c));
  if (isWindowSpec(w)) return { ...w, settings: w.settings ?? (await snapshot()) };
  return {
    report: AD_DAILY,
    window: { start: w.start, end: w.end },
    settings: await snapshot(),
    priority: 'core',
  };
}

export function reportActivities(deps: ActivityDeps) {
  return {
    /**
     * Requests the window's report(s) with the spec's settings, and hands them back to be carried to the load, with
     * the instant of the request (finality is judged at it). `tokens` holds one token per request variant, none when
     * the entry has nothing to ask; `token` is the first (or '') for the flows that carry one.
     */
    async requestReport(connectionId: string, w: DateWindow | WindowRequest): Promise<RequestedReport> {
      const c = await loadConnection(deps, connectionId);
      const spec = await specOf(deps, c, w);
      const requestedAt = nowOf(deps).toISOString();
      const bodies = await reportRequestBodies(deps, c, spec);
      const { result: tokens, apiCalls } = await withApi(deps, c, async (api) => {
        const out: string[] = [];
        for (const body of bodies) out.push((await api.createReport(c.ad_account_id, body)).token);
        return out;
      });
      return { token: tokens[0] ?? '', tokens, apiCalls, settings: spec.settings, requestedAt };
    },

    /**
     * Downloads the window's report(s) and replaces the window with their rows (warehouse/load.ts). `token` is one
     * token or every token requestReport returned ('' or []: nothing was requested, the window is empty). `run` is
     * the sync_runs row the window is recorded in and the instant of the request, when the workflow has them.
     */
    async loadReport(
      connectionId: string,
      token: string | string[],
      w: DateWindow | WindowRequest,
      run: { runId?: string; requestedAt?: string } = {},
    ): Promise<LoadReportResult> {
      const c = await loadConnection(deps, connectionId);
      const spec = await specOf(deps, c, w);
      const { window, settings } = spec;
      const entry = entryOf(spec.report);
      const tokens = (Array.isArray(token) ? token : [token]).filter((t) => t !== '');
      const { rows } = await deps.wh.pool.query(
        'SELECT currency FROM pinterest_ads.ad_accounts WHERE id = $1',
        [c.ad_account_id],
      );
      const currency = rows[0]?.currency as string | undefined;
      if (!currency)
        throw new Error(`ad account ${c.ad_account_id} has not been synced yet (no currency known)`);
      const bytes = { n: 0 };
      const byAd = entry.entity.name === 'ad_id';
      let ads = new Set<string>();
      const { result, apiCalls } = await withApi(deps, c, async (api) => {
        for (let refresh = 0; ; refresh++) {
          const urls: (string | null)[] = [];
          for (const t of tokens)
            urls.push((await awaitReport(deps, api, c.ad_account_id, t, refresh === 0)).url);
          try {
            return await (deps.loadWindow ?? loadReportWindow)(deps.wh, entry, {
              adAccountId: c.ad_account_id,
              window,
              currency,
              // The settings the report was requested with, not today's: stamped on the numbers they produced.
              timeZone: settings.time_zone,
              attribution: {
                click_window_days: settings.click_window_days,
                engagement_window_days: settings.engagement_window_days,
                view_window_days: settings.view_window_days,
                conversion_report_time: settings.conversion_report_time,
              },
              rows: downloadedRows(entry, api, urls, window, bytes, byAd ? ads : undefined),
              now: nowOf(deps),
              runId: run.runId ?? null,
              ...(run.requestedAt ? { requestedAt: new Date(run.requestedAt) } : {}),
            });
          } catch (err) {
            // The signed link lives five minutes; a slow queue can outlive it. Poll again for a fresh one.
            if (
              !(err instanceof PinterestError && err.action.kind === 'link_expired') ||
              refresh >= MAX_LINK_REFRESHES
            )
              throw err;
            bytes.n = 0;
            ads = new Set();
          }
        }
      });
      metricsOf(deps).rowsLoaded.inc({ kind: 'daily' }, result.dailyRows);
      metricsOf(deps).rowsLoaded.inc({ kind: 'hourly' }, result.hourlyRows);
      countRestatedMoney(metricsOf(deps), result.restated);
      // The loaded ads came through normalizedRows: looking them up costs one probe per ad, where reading them
      // back from the window cost a scan of every row just written (a second per million rows).
      const unknown = await deps.wh.pool.query(
        `SELECT count(*)::int AS n FROM unnest($1::text[]) AS u(id)
         WHERE NOT EXISTS (SELECT 1 FROM pinterest_ads.ads a WHERE a.id = u.id)`,
        [[...ads]],
      );
      return {
        rowsLoaded: result.dailyRows,
        unknownAds: unknown.rows[0].n as number,
        hourlyRows: result.hourlyRows,
        apiCalls,
        bytes: bytes.n,
      };
    },
  };
}
