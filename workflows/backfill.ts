// backfillConnection: a durable, resumable pull of a date range, chunked to Pinterest's 186-day report limit.
import { continueAsNew, defineQuery, setHandler, workflowInfo } from '@temporalio/workflow';
import { entities, quick, recordedWindow, withDurableRateLimit } from './steps.ts';
import { chunkRange, type DateWindow } from './windows.ts';

export interface BackfillProgress {
  chunksDone: number;
  chunksTotal: number;
  rowsLoaded: number;
  currentChunk: DateWindow | null;
}

export interface BackfillState {
  chunks: DateWindow[];
  chunksDone: number;
  rowsLoaded: number;
  /** ads seen in loaded chunks that the entity tables lacked; refreshed once at the end */
  unknownAds?: number;
}

export const progressQuery = defineQuery<BackfillProgress>('progress');

/** Smaller than the API's 186 days so progress moves often and a retried chunk re-reads less. */
export const BACKFILL_CHUNK_DAYS = 31;

export async function backfillConnection(
  connectionId: string,
  from: string,
  to: string,
  state?: BackfillState,
): Promise<BackfillProgress> {
  const s: BackfillState = state ?? {
    chunks: chunkRange(from, to, BACKFILL_CHUNK_DAYS),
    chunksDone: 0,
    rowsLoaded: 0,
  };
  setHandler(progressQuery, () => ({
    chunksDone: s.chunksDone,
    chunksTotal: s.chunks.length,
    rowsLoaded: s.rowsLoaded,
    currentChunk: s.chunks[s.chunksDone] ?? null,
  }));
  if (!state) {
    // The CLI validated the range against UTC today; the activity re-checks it against today in the connection's
    // reporting zone, which a workflow cannot know deterministically.
    await withDurableRateLimit(() => quick.refreshToken(connectionId));
    await quick.validateBackfill(connectionId, from, to);
    await withDurableRateLimit(() => entities.syncEntities(connectionId));
  }
  while (s.chunksDone < s.chunks.length) {
    const r = await recordedWindow(connectionId, s.chunks[s.chunksDone]!, 'backfill');
    s.rowsLoaded += r.rowsLoaded;
    s.unknownAds = (s.unknownAds ?? 0) + r.unknownAds;
    s.chunksDone += 1;
    if (workflowInfo().continueAsNewSuggested && s.chunksDone < s.chunks.length) {
      await continueAsNew<typeof backfillConnection>(connectionId, from, to, s);
    }
  }
  if (s.unknownAds) await withDurableRateLimit(() => entities.syncEntities(connectionId));
  return {
    chunksDone: s.chunksDone,
    chunksTotal: s.chunks.length,
    rowsLoaded: s.rowsLoaded,
    currentChunk: null,
  };
}
