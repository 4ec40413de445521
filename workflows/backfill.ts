// backfillConnection: a durable, resumable pull of a date range, chunked below Pinterest's 186-day report limit.
import {
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { chunkRange, type DateWindow } from '../common/dates.ts';
import { BACKFILL_CHUNKS_FAILED } from '../common/failure-types.ts';
import {
  AD_DAILY_REPORT,
  beforeWindows,
  entities,
  failureMessage,
  NEEDED_FIRST,
  quick,
  recordedWindow,
  syncNeeds,
  withDurableRateLimit,
} from './steps.ts';
import { CATALOG_PLAN_PATCH } from './sync.ts';

/** Backfills read the keywords and geo names their reports need, beside the chunks (issue 17). */
export const BACKFILL_LABELS_PATCH = 'backfill-labels';

export interface BackfillProgress {
  chunksDone: number;
  chunksTotal: number;
  rowsLoaded: number;
  currentChunk: DateWindow | null;
  /** chunks that failed for good in this execution chain, with why */
  failedChunks?: { start: string; end: string; error: string }[];
  /** rows loaded per report other than ad_daily (after the catalog-plan patch) */
  extraRows?: Record<string, number>;
}

/** Per-chunk status, kept as workflow state and carried across continue-as-new. */
export interface BackfillState {
  chunks: DateWindow[];
  done: boolean[];
  /** per chunk: why it failed for good, or null (absent in states from before the `chunk-failures` patch) */
  failed?: (string | null)[];
  rowsLoaded: number;
  /** ads seen in loaded chunks that the entity tables lacked; refreshed once at the end */
  unknownAds: number;
  /** the catalog reports every chunk pulls (absent in states from before the catalog-plan patch: ad_daily) */
  reports?: string[];
  /** rows loaded per report other than ad_daily (rowsLoaded counts ad_daily_metrics rows) */
  extraRows?: Record<string, number>;
}

/** The state shape of the first release: a count of leading chunks done. Still accepted on continue-as-new. */
interface LegacyBackfillState {
  chunks: DateWindow[];
  chunksDone: number;
  rowsLoaded: number;
  unknownAds?: number;
}

export const progressQuery = defineQuery<BackfillProgress>('progress');

/** Smaller than the API's 186 days so progress moves often and a retried chunk re-reads less. */
export const BACKFILL_CHUNK_DAYS = 31;

/**
 * Chunks in flight at once. Report generation is the slow part and runs at Pinterest; the loads themselves are
 * serialized per ad account by the loader's advisory lock. Three keeps well inside the ads_analytics quota.
 */
export const CONCURRENT_CHUNKS = 3;

/** Patch id: a chunk that fails for good is recorded and the others go on (CONTRIBUTING.md). */
export const CHUNK_FAILURES_PATCH = 'chunk-failures';

function normalizeState(state: BackfillState | LegacyBackfillState): BackfillState {
  if ('done' in state) return state;
  return {
    chunks: state.chunks,
    done: state.chunks.map((_, i) => i < state.chunksDone),
    rowsLoaded: state.rowsLoaded,
    unknownAds: state.unknownAds ?? 0,
  };
}

export async function backfillConnection(
  connectionId: string,
  from: string,
  to: string,
  state?: BackfillState | LegacyBackfillState,
): Promise<BackfillProgress> {
  const chunks = state?.chunks ?? chunkRange(from, to, BACKFILL_CHUNK_DAYS);
  const s: BackfillState = state
    ? normalizeState(state)
    : { chunks, done: chunks.map(() => false), rowsLoaded: 0, unknownAds: 0 };
  const failedChunks = () =>
    s.chunks.flatMap((c, i) => (s.failed?.[i] ? [{ start: c.start, end: c.end, error: s.failed[i]! }] : []));
  const progress = (): BackfillProgress => ({
    chunksDone: s.done.filter(Boolean).length,
    chunksTotal: s.chunks.length,
    rowsLoaded: s.rowsLoaded,
    currentChunk: s.chunks.find((_, i) => !s.done[i] && !s.failed?.[i]) ?? null,
    ...(s.failed ? { failedChunks: failedChunks() } : {}),
    ...(s.extraRows ? { extraRows: s.extraRows } : {}),
  });
  setHandler(progressQuery, progress);
  const tolerant = patched(CHUNK_FAILURES_PATCH);
  // After the catalog-plan patch: windows are specs (report, bulk priority, settings snapshotted at the request and
  // carried to the load), and a failure before the first chunk is recorded in sync_runs.
  const planned = patched(CATALOG_PLAN_PATCH);
  if (tolerant && !s.failed) s.failed = s.chunks.map(() => null);
  const step = <T>(name: string, fn: () => Promise<T>) =>
    planned ? beforeWindows(connectionId, 'backfill', name, fn) : fn();
  /** The entity syncs that label the rows (keywords, geo names), running beside the chunks of the first run. */
  let labels: Promise<void> | undefined;
  if (!state) {
    // The CLI validated the range against UTC today; the activity re-checks it against today in the connection's
    // reporting zone, which a workflow cannot know deterministically.
    await step('token', () => withDurableRateLimit(() => quick.refreshToken(connectionId)));
    if (planned) {
      const p = await step('range', () => quick.planBackfill(connectionId, from, to));
      s.reports = p.reports;
      await step('entity sync', () => withDurableRateLimit(() => entities.syncEntities(connectionId)));
      // What a request names (the advertiser-defined events) first.
      warnFailed(
        await syncNeeds(
          connectionId,
          p.needs.filter((n) => NEEDED_FIRST.includes(n)),
        ),
      );
      // Keywords and geo names only label rows: read beside the chunks, so the backfill's reports read complete when
      // it ends. Before this patch, only the connection's next daily pass read them.
      if (patched(BACKFILL_LABELS_PATCH))
        labels = syncNeeds(
          connectionId,
          p.needs.filter((n) => !NEEDED_FIRST.includes(n)),
        ).then(warnFailed);
      // Awaited after the chunks; handled here as well, so a cancellation that ends the chunks first leaves no
      // rejection unhandled.
      labels?.catch(() => undefined);
    } else {
      await step('range', () => quick.validateBackfill(connectionId, from, to));
      await step('entity sync', () => withDurableRateLimit(() => entities.syncEntities(connectionId)));
    }
    // Running the same backfill again (same workflow id) redoes only the chunks an earlier execution did not load.
    if (tolerant)
      for (const i of await step('run ledger', () =>
        planned
          ? quick.backfillChunksDone(connectionId, s.chunks, s.reports)
          : quick.backfillChunksDone(connectionId, s.chunks),
      ))
        s.done[i] = true;
  }
  /** Every chunk pulls every report of the backfill (ad_daily alone before the catalog-plan patch). */
  const pullChunk = async (chunk: DateWindow) => {
    if (!planned) {
      const r = await recordedWindow(connectionId, chunk, 'backfill');
      s.rowsLoaded += r.rowsLoaded;
      s.unknownAds += r.unknownAds;
      return;
    }
    // Readiness first, so the chunk's final days are recorded final (once per date for the whole fleet).
    try {
      await withDurableRateLimit(() =>
        quick.checkMetricsReady(connectionId, { window: chunk, priority: 'bulk' }),
      );
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('metrics readiness unknown for this chunk; its days stay provisional', {
        error: failureMessage(err),
      });
    }
    // The chunk's reports at once: generating them at Pinterest is the slow part, and the pacer and the account's
    // load lock keep the rest in order. The chunk fails (after all have ended) if one did.
    const ended = await Promise.allSettled(
      (s.reports ?? [AD_DAILY_REPORT]).map(async (report) => {
        const r = await recordedWindow(connectionId, { report, window: chunk, priority: 'bulk' }, 'backfill');
        if (report === AD_DAILY_REPORT) s.rowsLoaded += r.rowsLoaded;
        else s.extraRows = { ...s.extraRows, [report]: (s.extraRows?.[report] ?? 0) + r.rowsLoaded };
        s.unknownAds += r.unknownAds;
      }),
    );
    const failed = ended.find((e): e is PromiseRejectedResult => e.status === 'rejected');
    if (failed) throw failed.reason;
  };

  const queue = s.chunks.map((_, i) => i).filter((i) => !s.done[i] && !s.failed?.[i]);
  /** The first chunk failure of this run, kept as the cause of the backfill's own failure. */
  let firstError: Error | undefined;
  let draining = false;
  const lane = async () => {
    for (let i = queue.shift(); i !== undefined && !draining; i = queue.shift()) {
      try {
        await pullChunk(s.chunks[i]!);
        s.done[i] = true;
      } catch (err) {
        if (!tolerant || isCancellation(err)) throw err;
        s.failed![i] = failureMessage(err);
        firstError ??= err as Error;
      }
      // Let the chunks in flight finish, then start afresh with a short history.
      if (workflowInfo().continueAsNewSuggested) draining = true;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_CHUNKS }, lane));
  await labels;
  if (s.chunks.some((_, i) => !s.done[i] && !s.failed?.[i]))
    await continueAsNew<typeof backfillConnection>(connectionId, from, to, s);

  if (s.unknownAds) await withDurableRateLimit(() => entities.syncEntities(connectionId));
  const failed = failedChunks();
  if (failed.length > 0) {
    const names = failed.map((f) => `${f.start}..${f.end}`).join(', ');
    throw ApplicationFailure.create({
      message: `backfill ${from}..${to}: ${failed.length} of ${s.chunks.length} chunks failed (${names}): ${failed[0]!.error}. Run the same backfill again to redo only those chunks.`,
      type: BACKFILL_CHUNKS_FAILED,
      nonRetryable: true,
      details: [progress()],
      cause: firstError,
    });
  }
  return progress();
}

/**
 * An entity sync of the backfill that failed does not stop it: the reports load with the entities known so far, and
 * the next daily pass syncs them again.
 */
function warnFailed(r: { failed: Map<string, string> }): void {
  for (const error of r.failed.values())
    log.warn('an entity sync of the backfill failed; its reports load with the entities known', { error });
}
