// backfillConnection: a durable, resumable pull of a date range, chunked below Pinterest's 186-day report limit.
import { continueAsNew, defineQuery, setHandler, workflowInfo } from '@temporalio/workflow';
import { entities, quick, recordedWindow, withDurableRateLimit } from './steps.ts';
import { chunkRange, type DateWindow } from './windows.ts';

export interface BackfillProgress {
  chunksDone: number;
  chunksTotal: number;
  rowsLoaded: number;
  currentChunk: DateWindow | null;
}

/** Per-chunk status, kept as workflow state and carried across continue-as-new. */
export interface BackfillState {
  chunks: DateWindow[];
  done: boolean[];
  rowsLoaded: number;
  /** ads seen in loaded chunks that the entity tables lacked; refreshed once at the end */
  unknownAds: number;
}

export const progressQuery = defineQuery<BackfillProgress>('progress');

/** Smaller than the API's 186 days so progress moves often and a retried chunk re-reads less. */
export const BACKFILL_CHUNK_DAYS = 31;

/**
 * Chunks in flight at once. Report generation is the slow part and runs at Pinterest; the loads themselves are
 * serialized per ad account by the loader's advisory lock. Three keeps well inside the ads_analytics quota.
 */
export const CONCURRENT_CHUNKS = 3;

export async function backfillConnection(
  connectionId: string,
  from: string,
  to: string,
  state?: BackfillState,
): Promise<BackfillProgress> {
  const chunks = state?.chunks ?? chunkRange(from, to, BACKFILL_CHUNK_DAYS);
  const s: BackfillState = state ?? { chunks, done: chunks.map(() => false), rowsLoaded: 0, unknownAds: 0 };
  const progress = (): BackfillProgress => ({
    chunksDone: s.done.filter(Boolean).length,
    chunksTotal: s.chunks.length,
    rowsLoaded: s.rowsLoaded,
    currentChunk: s.chunks[s.done.indexOf(false)] ?? null,
  });
  setHandler(progressQuery, progress);
  if (!state) {
    // The CLI validated the range against UTC today; the activity re-checks it against today in the connection's
    // reporting zone, which a workflow cannot know deterministically.
    await withDurableRateLimit(() => quick.refreshToken(connectionId));
    await quick.validateBackfill(connectionId, from, to);
    await withDurableRateLimit(() => entities.syncEntities(connectionId));
  }

  const queue = s.chunks.map((_, i) => i).filter((i) => !s.done[i]);
  let draining = false;
  const lane = async () => {
    for (let i = queue.shift(); i !== undefined && !draining; i = queue.shift()) {
      const r = await recordedWindow(connectionId, s.chunks[i]!, 'backfill');
      s.rowsLoaded += r.rowsLoaded;
      s.unknownAds += r.unknownAds;
      s.done[i] = true;
      // Let the chunks in flight finish, then start afresh with a short history.
      if (workflowInfo().continueAsNewSuggested) draining = true;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_CHUNKS }, lane));
  if (s.done.includes(false)) await continueAsNew<typeof backfillConnection>(connectionId, from, to, s);

  if (s.unknownAds) await withDurableRateLimit(() => entities.syncEntities(connectionId));
  return progress();
}
