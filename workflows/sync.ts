// syncConnection: what the hourly Schedule runs for one connection (DESIGN §2).
import { workflowInfo } from '@temporalio/workflow';
import { entities, quick, recordedWindow, withDurableRateLimit } from './steps.ts';

export interface SyncOptions {
  /** 'auto' (the schedule): hourly window, or the lookback window on the first run after 06:00. */
  mode?: 'auto' | 'hourly' | 'lookback';
  manual?: boolean;
}

export interface SyncResult {
  kind: string;
  windows: { start: string; end: string; rowsLoaded: number }[];
  rowsLoaded: number;
  apiCalls: number;
  entities: Record<string, number>;
}

/**
 * Hourly runs reuse an entity sync younger than this: entity lists have no updated-since filter and change rarely,
 * and skipping them keeps an hourly sync at ~5 API calls. Lookback and manual runs always refresh them, and so does
 * any run whose report names an ad we don't know yet.
 */
export const ENTITY_MAX_AGE_MINUTES = 6 * 60;

export async function syncConnection(connectionId: string, options: SyncOptions = {}): Promise<SyncResult> {
  let apiCalls = 0;
  const syncEntities = async (maxAgeMinutes: number) => {
    const r = await withDurableRateLimit(() => entities.syncEntities(connectionId, { maxAgeMinutes }));
    apiCalls += r.apiCalls;
    return r;
  };
  const token = await withDurableRateLimit(() => quick.refreshToken(connectionId));
  apiCalls += token.apiCalls;
  let synced = await syncEntities(options.manual ? 0 : ENTITY_MAX_AGE_MINUTES);
  const plan = await quick.planSync(connectionId, options.mode ?? 'auto', workflowInfo().workflowId);
  if (plan.kind === 'lookback' && synced.skipped) synced = await syncEntities(0);
  const kind = options.manual && plan.kind === 'hourly' ? 'manual' : plan.kind;
  const windows: SyncResult['windows'] = [];
  let rowsLoaded = 0;
  let unknownAds = 0;
  for (const window of plan.windows) {
    const r = await recordedWindow(connectionId, window, kind);
    windows.push({ ...window, rowsLoaded: r.rowsLoaded });
    rowsLoaded += r.rowsLoaded;
    apiCalls += r.apiCalls;
    unknownAds += r.unknownAds;
  }
  if (unknownAds > 0 && synced.skipped) synced = await syncEntities(0);
  return { kind, windows, rowsLoaded, apiCalls, entities: synced.counts };
}
