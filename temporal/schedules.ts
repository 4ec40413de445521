// One Temporal Schedule per connection: hourly, offset per connection so accounts don't all fire at :00.
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { spreadSlot } from '../common/spread.ts';

export const scheduleId = (connectionId: string) => `pinads-sync-${connectionId}`;
export const manualSyncWorkflowId = (connectionId: string) => `pinads-sync-${connectionId}-manual`;
export const backfillWorkflowId = (connectionId: string, from: string, to: string) =>
  `pinads-backfill-${connectionId}-${from}-${to}`;

/** A stable minute offset in [0, 60) from the connection id, so load spreads over the hour. */
export function scheduleOffsetMinutes(connectionId: string): number {
  return spreadSlot(connectionId, 60);
}

function scheduleOptions(connectionId: string, taskQueue: string) {
  return {
    spec: { intervals: [{ every: '1h', offset: `${scheduleOffsetMinutes(connectionId)}m` }], jitter: '2m' },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'syncConnection',
      args: [connectionId],
      taskQueue,
      workflowId: `pinads-sync-${connectionId}`,
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      // A worker outage shorter than this still gets its missed run; longer ones resume at the next slot and the
      // lookback window re-reads the days anyway.
      catchupWindow: '1h',
      pauseOnFailure: false,
    },
  };
}

/**
 * Creates the schedule, or brings an existing one to the current spec in ONE update: safe to call any number of
 * times. `paused`, when given, sets the state in the same update (an update and a separate pause/unpause could be
 * applied in either order by the schedule).
 */
export async function upsertSchedule(
  client: Client,
  connectionId: string,
  taskQueue: string,
  opts: { paused?: boolean; note?: string } = {},
): Promise<void> {
  const options = scheduleOptions(connectionId, taskQueue);
  try {
    await client.schedule.create({
      scheduleId: scheduleId(connectionId),
      ...options,
      state: { paused: opts.paused ?? false, note: opts.note },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId(connectionId)).update((prev) => ({
      ...prev,
      ...options,
      state: {
        ...prev.state,
        ...(opts.paused === undefined ? {} : { paused: opts.paused }),
        ...(opts.note === undefined ? {} : { note: opts.note }),
      },
    }));
  }
}

export async function pauseSchedule(client: Client, connectionId: string, note: string): Promise<void> {
  await ignoreMissing(client.schedule.getHandle(scheduleId(connectionId)).pause(note));
}

export async function deleteSchedule(client: Client, connectionId: string): Promise<void> {
  await ignoreMissing(client.schedule.getHandle(scheduleId(connectionId)).delete());
}

export interface ScheduleState {
  paused: boolean;
  note?: string;
  nextRunAt?: Date;
}

export async function describeSchedule(
  client: Client,
  connectionId: string,
): Promise<ScheduleState | undefined> {
  try {
    const d = await client.schedule.getHandle(scheduleId(connectionId)).describe();
    return { paused: d.state.paused, note: d.state.note, nextRunAt: d.info.nextActionTimes[0] };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}
