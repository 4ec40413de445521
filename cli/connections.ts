// `pinads connections create|list|show|pause|resume|delete`.
import type { Command } from 'commander';
import { ConnectionSettings } from '../schemas/config.ts';
import { deleteSchedule, describeSchedule, pauseSchedule, upsertSchedule } from '../temporal/schedules.ts';
import {
  type Connection,
  DuplicateConnectionError,
  deleteConnection,
  getConnection,
  insertConnection,
  insertCredential,
  listConnections,
  runSummary,
  setConnectionStatus,
} from '../warehouse/control.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';
import { adAccountIdOption, addSettingsOptions, choiceOption } from './options.ts';
import { printTable } from './table.ts';

interface CreateOpts {
  adAccount: string;
  refreshToken: string;
  name?: string;
  clickWindow?: number;
  engagementWindow?: number;
  viewWindow?: number;
  conversionTime?: 'conversion' | 'ad_action';
  lookbackDays?: number;
  reportingTimeZone?: 'utc' | 'account';
}

export function settingsFrom(o: Omit<CreateOpts, 'adAccount' | 'refreshToken' | 'name'>): ConnectionSettings {
  return ConnectionSettings.parse({
    click_window_days: o.clickWindow,
    engagement_window_days: o.engagementWindow,
    view_window_days: o.viewWindow,
    conversion_report_time: o.conversionTime === 'ad_action' ? 'TIME_OF_AD_ACTION' : 'TIME_OF_CONVERSION',
    lookback_days: o.lookbackDays,
    reporting_time_zone: o.reportingTimeZone,
  });
}

/** Stores the grant and the connection, then creates its schedule; undoes the rows if the schedule fails. */
export async function createConnection(
  ctx: Parameters<Parameters<typeof withContext>[1]>[0],
  input: {
    adAccountId: string;
    refreshToken: string;
    name?: string;
    settings: ConnectionSettings;
    scope?: string;
  },
): Promise<Connection> {
  const client = await ctx.wh.pool.connect();
  let conn: Connection;
  try {
    await client.query('BEGIN');
    const credentialId = await insertCredential(client, ctx.box!.encrypt(input.refreshToken), input.scope);
    conn = await insertConnection(client, {
      name: input.name,
      adAccountId: input.adAccountId,
      credentialId,
      settings: input.settings,
    });
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    if (err instanceof DuplicateConnectionError) throw new UsageError(err.message);
    throw err;
  } finally {
    client.release();
  }
  try {
    await upsertSchedule(ctx.temporal!, conn.id, ctx.env.PINADS_TASK_QUEUE);
  } catch (err) {
    await deleteConnection(ctx.wh.pool, conn.id);
    throw err;
  }
  return conn;
}

async function describe(ctx: Parameters<Parameters<typeof withContext>[1]>[0], c: Connection) {
  const runs = await runSummary(ctx.wh.pool, c.id);
  const schedule = ctx.temporal
    ? await describeSchedule(ctx.temporal, c.id).catch(() => undefined)
    : undefined;
  return {
    id: c.id,
    name: c.name,
    ad_account_id: c.ad_account_id,
    status: c.status,
    status_reason: c.status_reason,
    settings: c.settings,
    last_run_at: runs.last_run_at,
    last_run_status: runs.last_status,
    last_success_at: runs.last_success_at,
    last_error: runs.last_error,
    next_run_at: schedule && !schedule.paused ? (schedule.nextRunAt ?? null) : null,
    schedule_paused: schedule?.paused ?? null,
  };
}

async function mustGet(
  ctx: Parameters<Parameters<typeof withContext>[1]>[0],
  id: string,
): Promise<Connection> {
  const c = await getConnection(ctx.wh.pool, id);
  if (!c) throw new UsageError(`no connection with id ${id} (see \`pinads connections list\`)`);
  return c;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : '—');

export function registerConnections(program: Command): void {
  const cmd = program.command('connections').description('manage connections (one per ad account)');

  addSettingsOptions(cmd.command('create'))
    .description('create a connection and its hourly schedule; prints the new connection id alone on stdout')
    .requiredOption('--ad-account <id>', 'Pinterest ad account id', adAccountIdOption)
    .requiredOption('--refresh-token <token>', 'OAuth refresh token of a user with access to the ad account')
    .option('--name <name>', 'display name (default "Pinterest Ads | <ad account id>")')
    .action(
      action(async (o: CreateOpts) => {
        if (!o.refreshToken.trim()) throw new UsageError('--refresh-token must not be empty');
        const settings = settingsFrom(o);
        await withContext({ temporal: true, secrets: true }, async (ctx) => {
          const c = await createConnection(ctx, {
            adAccountId: o.adAccount,
            refreshToken: o.refreshToken.trim(),
            name: o.name,
            settings,
          });
          process.stdout.write(`${c.id}\n`);
        });
      }),
    );

  cmd
    .command('list')
    .description('list connections with their last run, last success, next run and status')
    .option(
      '--format <format>',
      'table or json',
      choiceOption('--format', ['table', 'json'] as const),
      'table',
    )
    .action(
      action(async (o: { format: 'table' | 'json' }) => {
        await withContext({ temporal: true }, async (ctx) => {
          const all = await Promise.all((await listConnections(ctx.wh.pool)).map((c) => describe(ctx, c)));
          if (o.format === 'json') return void process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
          printTable(
            ['id', 'name', 'ad account', 'status', 'last run', 'last success', 'next run', 'reason'],
            all.map((c) => [
              c.id,
              c.name,
              c.ad_account_id,
              c.status,
              iso(c.last_run_at),
              iso(c.last_success_at),
              iso(c.next_run_at),
              c.status_reason ?? c.last_error ?? '',
            ]),
          );
        });
      }),
    );

  cmd
    .command('show <id>')
    .description('show one connection')
    .option(
      '--format <format>',
      'table or json',
      choiceOption('--format', ['table', 'json'] as const),
      'table',
    )
    .action(
      action(async (id: string, o: { format: 'table' | 'json' }) => {
        await withContext({ temporal: true }, async (ctx) => {
          const d = await describe(ctx, await mustGet(ctx, id));
          if (o.format === 'json') return void process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
          for (const [k, v] of Object.entries(d))
            process.stdout.write(
              `${k.padEnd(16)} ${v instanceof Date ? iso(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '—')}\n`,
            );
        });
      }),
    );

  for (const [verb, desc] of [
    ['pause', 'pause the hourly schedule'],
    ['resume', 'resume the hourly schedule'],
  ] as const) {
    cmd
      .command(`${verb} <id>`)
      .description(desc)
      .action(
        action(async (id: string) => {
          await withContext({ temporal: true }, async (ctx) => {
            const c = await mustGet(ctx, id);
            if (verb === 'pause') {
              await pauseSchedule(ctx.temporal!, c.id, 'paused with `pinads connections pause`');
              await setConnectionStatus(ctx.wh.pool, c.id, 'paused', 'paused by user');
            } else {
              if (c.status === 'needs_reauth')
                throw new UsageError(
                  `connection ${c.id} needs re-authorization first: ${c.status_reason ?? ''}`,
                );
              await upsertSchedule(ctx.temporal!, c.id, ctx.env.PINADS_TASK_QUEUE, {
                paused: false,
                note: 'resumed with `pinads connections resume`',
              });
              await setConnectionStatus(ctx.wh.pool, c.id, 'active', null);
            }
            process.stdout.write(`${c.id} ${verb === 'pause' ? 'paused' : 'active'}\n`);
          });
        }),
      );
  }

  cmd
    .command('delete <id>')
    .description('delete the connection and its schedule (loaded data stays in the warehouse)')
    .action(
      action(async (id: string) => {
        await withContext({ temporal: true }, async (ctx) => {
          const c = await mustGet(ctx, id);
          await deleteSchedule(ctx.temporal!, c.id);
          await deleteConnection(ctx.wh.pool, c.id);
          process.stdout.write(`${c.id} deleted\n`);
        });
      }),
    );
}
