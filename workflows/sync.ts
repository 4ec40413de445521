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

export async function syncConnection(connectionId: string, options: SyncOptions = {}): Promise<SyncResult> {
  let apiCalls = 0;
  const token = await withDurableRateLimit(() => quick.refreshToken(connectionId));
  apiCalls += token.apiCalls;
  const synced = await withDurableRateLimit(() => entities.syncEntities(connectionId));
  apiCalls += synced.apiCalls;
  const plan = await quick.planSync(connectionId, options.mode ?? 'auto', workflowInfo().workflowId);
  const kind = options.manual && plan.kind === 'hourly' ? 'manual' : plan.kind;
  const windows: SyncResult['windows'] = [];
  let rowsLoaded = 0;
  for (const window of plan.windows) {
    const r = await recordedWindow(connectionId, window, kind);
    windows.push({ ...window, rowsLoaded: r.rowsLoaded });
    rowsLoaded += r.rowsLoaded;
    apiCalls += r.apiCalls;
  }
  return { kind, windows, rowsLoaded, apiCalls, entities: synced.counts };
}
