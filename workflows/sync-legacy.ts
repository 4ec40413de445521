// The sync flows of runs started before the `catalog-plan` patch (CONTRIBUTING.md): `hourlyFirst` (the hourly-first
// patch) and `legacySync` (the first release). Kept unchanged so such runs replay and finish as they began.
import { ApplicationFailure, log, sleep, workflowInfo } from '@temporalio/workflow';
import { LOOKBACK_FAILED } from '../common/failure-types.ts';
import { ENTITY_MAX_AGE_MINUTES, entities, quick, recordedWindow, withDurableRateLimit } from './steps.ts';
import type { SyncOptions, SyncResult } from './sync.ts';

/** How often a manual sync looks again whether the sync ahead of it has finished. */
const TURN_POLL = '15s';

/**
 * One sync per connection at a time, whoever starts it. Scheduled runs already exclude each other (overlap SKIP); a
 * scheduled run that finds the manual run going skips its slot, and a manual run waits for the syncs ahead of it.
 * Scheduled runs never wait, so two runs can never wait for each other.
 */
async function awaitTurn(connectionId: string, manual: boolean): Promise<string | undefined> {
  for (;;) {
    const others = await quick.runningSyncs(connectionId);
    if (others.length === 0) return undefined;
    if (!manual) return others[0]!.workflowId;
    log.info('another sync of this connection is running; waiting for it', {
      running: others[0]!.workflowId,
    });
    await sleep(TURN_POLL);
  }
}

export async function hourlyFirst(connectionId: string, options: SyncOptions): Promise<SyncResult> {
  const busy = await awaitTurn(connectionId, options.manual === true);
  if (busy) {
    log.info('skipping this slot: another sync of the connection is running', { running: busy });
    return { kind: 'skipped', skippedFor: busy, windows: [], rowsLoaded: 0, apiCalls: 0, entities: {} };
  }
  await quick.sweepAbandonedRuns(connectionId);
  let apiCalls = 0;
  const syncEntities = async (maxAgeMinutes: number) => {
    const r = await withDurableRateLimit(() => entities.syncEntities(connectionId, { maxAgeMinutes }));
    apiCalls += r.apiCalls;
    return r;
  };
  const token = await withDurableRateLimit(() => quick.refreshToken(connectionId));
  apiCalls += token.apiCalls;
  let synced = await syncEntities(options.manual ? 0 : ENTITY_MAX_AGE_MINUTES);
  const plan = await quick.planWindows(connectionId, options.mode ?? 'auto');
  const withLookback = plan.lookback.length > 0;
  if (withLookback && synced.skipped) synced = await syncEntities(0);

  // The hourly window first, committed on its own: a lookback that fails later cannot hold it back.
  const hourlyKind = options.manual && !withLookback ? 'manual' : 'hourly';
  const h = await recordedWindow(connectionId, plan.hourly, hourlyKind);
  const hourly = { ...plan.hourly, rowsLoaded: h.rowsLoaded };
  apiCalls += h.apiCalls;
  let unknownAds = h.unknownAds;
  let rowsLoaded = h.rowsLoaded;
  const windows: SyncResult['windows'] = [];
  let lookbackError: unknown;
  for (const window of plan.lookback) {
    try {
      const r = await recordedWindow(connectionId, window, 'lookback');
      windows.push({ ...window, rowsLoaded: r.rowsLoaded });
      rowsLoaded += r.rowsLoaded;
      apiCalls += r.apiCalls;
      unknownAds += r.unknownAds;
    } catch (err) {
      lookbackError = err;
      break;
    }
  }
  if (unknownAds > 0 && synced.skipped) synced = await syncEntities(0);
  if (lookbackError) {
    // The run fails (a manual --lookback never reports success without one); the next run tries the lookback again
    // because no lookback succeeded today.
    throw ApplicationFailure.create({
      message: `hourly window ${plan.hourly.start}..${plan.hourly.end} loaded (${h.rowsLoaded} rows); the lookback failed: ${
        (lookbackError as { cause?: Error }).cause?.message ?? (lookbackError as Error).message
      }`,
      type: LOOKBACK_FAILED,
      nonRetryable: true,
    });
  }
  return {
    kind: withLookback ? 'lookback' : hourlyKind,
    windows: withLookback ? windows : [hourly],
    hourly,
    rowsLoaded,
    apiCalls,
    entities: synced.counts,
  };
}

/** The flow before the hourly-first patch: kept so runs started by an older worker replay unchanged. */
export async function legacySync(connectionId: string, options: SyncOptions): Promise<SyncResult> {
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
