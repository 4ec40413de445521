// Putting connections on their hourly schedules after their rows are committed (create, connect, re-grant). A
// schedule that cannot be created or resumed must never cost the grant or leave a schedule unexplained: the rows and
// the grant stay, the connections without a working schedule become `paused` with a reason that says how to finish,
// and one error names them all.
import { upsertSchedule } from '../temporal/schedules.ts';
import type { Connection } from '../warehouse/control.ts';
import { setConnectionStatus } from '../warehouse/control.ts';
import { type CoreDeps, temporalOf } from './deps.ts';
import { oneLine } from './errors.ts';

/** Some connections were made (or re-granted) and kept, but not all of them run on a schedule yet. */
export class SchedulesFailedError extends Error {
  override name = 'SchedulesFailedError';
  constructor(
    message: string,
    /** Every connection the operation made or re-granted, with or without a schedule. */
    readonly connections: readonly Pick<Connection, 'id'>[],
  ) {
    super(message);
  }
}

/**
 * Upserts each connection's schedule in order (`paused`/`note` as upsertSchedule takes them). At the first failure
 * it stops (Temporal is most likely unreachable for the rest too), pauses the rest with a reason naming the fix, and
 * throws SchedulesFailedError.
 */
export async function scheduleEach(
  d: CoreDeps,
  connections: readonly Pick<Connection, 'id'>[],
  opts: { paused?: boolean; note?: string; done: string },
): Promise<void> {
  const { paused, note } = opts;
  for (let i = 0; i < connections.length; i++) {
    try {
      await upsertSchedule(temporalOf(d), connections[i]!.id, d.env.PINADS_TASK_QUEUE, { paused, note });
    } catch (err) {
      const why = oneLine(err);
      const rest = connections.slice(i).map((c) => c.id);
      for (const id of rest)
        await setConnectionStatus(
          d.wh.pool,
          id,
          'paused',
          `no running hourly schedule: it could not be created (${why}); finish with \`pinads connections resume ${id}\``,
        );
      const scheduled = connections.slice(0, i).map((c) => c.id);
      throw new SchedulesFailedError(
        `${opts.done}; the grant is kept, ${scheduled.length ? `${scheduled.join(', ')} run on their schedules, ` : ''}` +
          `but the hourly schedule of ${rest.join(', ')} could not be created (${why}): ${rest.length > 1 ? 'they stay' : 'it stays'} ` +
          `paused until you run ${rest.map((id) => `\`pinads connections resume ${id}\``).join(', ')}`,
        connections,
      );
    }
  }
}
