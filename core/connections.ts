// A connection's life: pause, resume and delete, the same for every front door. Each keeps the warehouse row and
// the Temporal schedule in step.
import { deleteSchedule, pauseSchedule, upsertSchedule } from '../temporal/schedules.ts';
import {
  type Connection,
  deleteConnection,
  getConnection,
  setConnectionStatus,
} from '../warehouse/control.ts';
import { type CoreDeps, temporalOf } from './deps.ts';
import { UsageError } from './errors.ts';

export async function mustGetConnection(d: CoreDeps, id: string): Promise<Connection> {
  const c = await getConnection(d.wh.pool, id);
  if (!c) throw new UsageError(`no connection with id ${id} (see \`pinads connections list\`)`);
  return c;
}

/** Pauses the hourly schedule; `how` is the note the schedule keeps (e.g. the command that paused it). */
export async function pauseConnection(d: CoreDeps, id: string, how = 'pinads'): Promise<Connection> {
  const c = await mustGetConnection(d, id);
  await pauseSchedule(temporalOf(d), c.id, `paused with ${how}`);
  await setConnectionStatus(d.wh.pool, c.id, 'paused', 'paused by user');
  return c;
}

/** Resumes (or recreates) the hourly schedule; a connection without a working grant must be re-granted instead. */
export async function resumeConnection(d: CoreDeps, id: string, how = 'pinads'): Promise<Connection> {
  const c = await mustGetConnection(d, id);
  if (c.status === 'needs_reauth')
    throw new UsageError(
      `connection ${c.id} needs a new grant first (\`pinads connections regrant ${c.id} --refresh-token -\` or \`pinads connect --ad-account ${c.ad_account_id}\`): ${c.status_reason ?? ''}`,
    );
  await upsertSchedule(temporalOf(d), c.id, d.env.PINADS_TASK_QUEUE, {
    paused: false,
    note: `resumed with ${how}`,
  });
  await setConnectionStatus(d.wh.pool, c.id, 'active', null);
  return c;
}

/** Deletes the schedule, then the connection (and its grant when no other connection shares it). Data stays. */
export async function removeConnection(d: CoreDeps, id: string): Promise<Connection> {
  const c = await mustGetConnection(d, id);
  await deleteSchedule(temporalOf(d), c.id);
  await deleteConnection(d.wh.pool, c.id);
  return c;
}
