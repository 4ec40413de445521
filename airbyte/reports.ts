// One account's report of a catalog entry for a window, for the Airbyte door: the entry's create-report bodies
// (catalog/request.ts), each polled until FINISHED, downloaded (no bearer), parsed and normalized by the engine's own
// parser and the entry's normalizer (catalog/normalize.ts). Retries go through Session.call.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type NormalizedRow,
  normalizeRecords,
  type ReportEntry,
  type RequestContext,
  type RequestSettings,
  reportRequests,
} from '../catalog/index.ts';
import type { DateWindow } from '../common/dates.ts';
import { PinterestError } from '../pinterest/errors.ts';
import { nonEmptyBody } from '../pinterest/report-body.ts';
import { parseReportBatches } from '../pinterest/report-parser.ts';
import type { CreateReportRequest } from '../schemas/pinterest.ts';
import { type Session, TransientError } from './session.ts';

/** Reports requested again after FAILED/EXPIRED/CANCELLED/DOES_NOT_EXIST or a stall, before the read fails. */
const MAX_REQUESTS = 5;
/** Fresh download links fetched (each a poll) when a download breaks, per report. */
const MAX_DOWNLOADS = 4;

export interface ReportTiming {
  initialPollMs: number;
  maxPollMs: number;
  /** Seconds a report may stay IN_PROGRESS before it is requested again (PINADS_REPORT_DEADLINE_S). */
  deadlineS: number;
}

export const DEFAULT_TIMING: ReportTiming = { initialPollMs: 1000, maxPollMs: 10_000, deadlineS: 900 };

class ReportNotReady extends Error {}

/** Polls with backoff until FINISHED: its url, or null for an empty report. Other ends ask for a new report. */
async function awaitReport(session: Session, accountId: string, token: string, t: ReportTiming) {
  let delay = t.initialPollMs;
  const giveUpAt = Date.now() + t.deadlineS * 1000;
  await sleep(delay);
  for (;;) {
    const r = await session.call('poll report', (api) => api.getReport(accountId, token));
    if (r.report_status === 'FINISHED') return { url: r.url && r.size !== 0 ? r.url : null };
    if (r.report_status !== 'IN_PROGRESS') throw new ReportNotReady(`report ${r.report_status} at Pinterest`);
    if (Date.now() >= giveUpAt) throw new ReportNotReady(`report still IN_PROGRESS after ${t.deadlineS} s`);
    await sleep(Math.min(delay, Math.max(0, giveUpAt - Date.now())));
    delay = Math.min(delay * 2, t.maxPollMs);
  }
}

/** The window's rows of every report the entry asks for (one per targeting-type group, most entries one). */
export async function* reportRows(
  session: Session,
  accountId: string,
  entry: ReportEntry,
  settings: RequestSettings,
  window: DateWindow,
  timing: ReportTiming = DEFAULT_TIMING,
  ctx: RequestContext = {},
): AsyncGenerator<NormalizedRow[]> {
  for (const body of reportRequests(entry, window, settings, ctx))
    yield* oneReport(session, accountId, entry, body, window, timing);
}

/**
 * One report's normalized rows, a downloaded chunk at a time. A download that breaks is fetched again from a fresh
 * link of the same report and the rows already yielded are skipped (the same report file has the same rows in the
 * same order), so a consumer sees each row once.
 */
async function* oneReport(
  session: Session,
  accountId: string,
  entry: ReportEntry,
  body: CreateReportRequest,
  window: DateWindow,
  timing: ReportTiming,
): AsyncGenerator<NormalizedRow[]> {
  for (let request = 1; ; request++) {
    const { token } = await session.call('create report', (api) => api.createReport(accountId, body));
    let yielded = 0;
    try {
      for (let download = 1; ; download++) {
        const { url } = await awaitReport(session, accountId, token, timing);
        if (url === null) return;
        let seen = 0;
        try {
          const stream = await nonEmptyBody(await session.api.downloadReport(url));
          if (stream === null) return;
          for await (const records of parseReportBatches(stream)) {
            const rows = normalizeRecords(entry, records, window);
            const fresh = rows.slice(Math.max(0, yielded - seen));
            seen += rows.length;
            if (fresh.length > 0) {
              yielded += fresh.length;
              yield fresh;
            }
          }
          return;
        } catch (err) {
          const again =
            err instanceof PinterestError && (err.action.kind === 'link_expired' || err.retryable);
          if (!again || download >= MAX_DOWNLOADS) throw err;
          session.log(
            'WARN',
            `report download for ad account ${accountId} broke (${err.message}); fetching a fresh link`,
          );
        }
      }
    } catch (err) {
      if (!(err instanceof ReportNotReady)) throw err;
      // A new report may order its rows differently: only a report that gave nothing yet can be replaced.
      if (yielded > 0 || request >= MAX_REQUESTS)
        throw new TransientError(
          `${err.message} for ad account ${accountId}, ${window.start}..${window.end}`,
        );
      session.log('WARN', `${err.message} for ad account ${accountId}; requesting it again`);
    }
  }
}
