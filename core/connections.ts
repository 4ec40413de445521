// A connection's life after it is created (core/grants.ts): pause, resume, delete and settings updates, the same for
// every front door. Each keeps the warehouse row and the Temporal schedule in step.
import type { ConnectionSettings } from '../schemas/config.ts';
import { deleteSchedule, pauseSchedule, upsertSchedule } from '../temporal/schedules.ts';
import {
  type Connection,
  deleteConnection,
  getConnection,
  setConnectionStatus,
  updateConnection,
} from '../warehouse/control.ts';
import { withAccountZone } from './account-zone.ts';
import { conversionEventNote, verifyConversionEvent } from './conversion-event.ts';
import { type CoreDeps, temporalOf } from './deps.ts';
import { UsageError } from './errors.ts';
import { checkAccounts, heldGrantToken } from './grant-verify.ts';

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

/**
 * Account time needs the account's zone: kept when already resolved, else from the synced account, else asked of
 * Pinterest with the connection's grant (refused, changing nothing, when none is known).
 */
async function resolvedZone(
  ctx: CoreDeps,
  c: Connection,
  settings: ConnectionSettings,
): Promise<ConnectionSettings> {
  if (settings.reporting_time_zone !== 'account' || settings.account_time_zone)
    return withAccountZone(settings, c.ad_account_id, settings.account_time_zone);
  const { rows } = await ctx.wh.pool.query('SELECT time_zone FROM pinterest_ads.ad_accounts WHERE id = $1', [
    c.ad_account_id,
  ]);
  let zone: string | null | undefined = rows[0]?.time_zone;
  if (!zone) {
    if (!ctx.box)
      throw new UsageError(
        `ad account ${c.ad_account_id} has no synced time zone yet; pass --reporting-time-zone account (with PINADS_SECRET_KEY set) so pinads can ask Pinterest for it`,
      );
    const token = await heldGrantToken(ctx, c.credential_id);
    zone = (await checkAccounts(ctx.env, token, [c.ad_account_id], '')).get(c.ad_account_id);
  }
  return withAccountZone(settings, c.ad_account_id, zone);
}

/** Settings whose change alters what stored facts mean (attribution and the reporting day). */
const MEANING_KEYS = [
  'click_window_days',
  'engagement_window_days',
  'view_window_days',
  'conversion_report_time',
  'reporting_time_zone',
] as const;

/**
 * Changes a connection's name and settings (`settings` maps the stored ones to the new ones). Returns a note when a
 * change alters what stored facts mean: they keep the old meaning until restated, and the note says how.
 */
export async function updateConnectionSettings(
  d: CoreDeps,
  id: string,
  change: { name?: string; settings: (current: ConnectionSettings) => ConnectionSettings },
): Promise<{ connection: Connection; note?: string }> {
  const c = await mustGetConnection(d, id);
  const settings = await resolvedZone(d, c, change.settings(c.settings));
  const eventChanged = settings.conversion_event !== c.settings.conversion_event;
  if (eventChanged)
    await verifyConversionEvent(d, c.ad_account_id, settings.conversion_event, {
      credentialId: c.credential_id,
    });
  const changed = MEANING_KEYS.filter((k) => settings[k] !== c.settings[k]);
  const connection = (await updateConnection(d.wh.pool, id, { name: change.name, settings }))!;
  const eventNote = eventChanged
    ? await conversionEventNote(
        d,
        id,
        c.ad_account_id,
        c.settings.conversion_event,
        settings.conversion_event,
      )
    : undefined;
  if (!changed.length) return { connection, ...(eventNote ? { note: eventNote } : {}) };
  const { rows } = await d.wh.pool.query(
    `SELECT min(date)::text AS first, max(date)::text AS last FROM pinterest_ads.ad_daily_metrics
     WHERE ad_account_id = $1`,
    [c.ad_account_id],
  );
  const what = changed.map((k) => `${k} ${c.settings[k]} -> ${settings[k]}`).join(', ');
  const withEvent = (note: string) => (eventNote ? `${note}\n${eventNote}` : note);
  if (!rows[0]?.first)
    return { connection, note: withEvent(`${what}: no facts stored yet, so nothing to restate`) };
  return {
    connection,
    note: withEvent(
      `${what}: the facts already stored (${rows[0].first}..${rows[0].last}) were computed with the old setting ` +
        `and keep it until restated; to restate them run: pinads backfill ${id} --from ${rows[0].first} --to ${rows[0].last} --wait`,
    ),
  };
}
