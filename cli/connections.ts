// `pinads connections create|list|show|pause|resume|delete`.
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { ConnectionSettings } from '../schemas/config.ts';
import { connectClient } from '../temporal/client.ts';
import { deleteSchedule, describeSchedule, pauseSchedule, upsertSchedule } from '../temporal/schedules.ts';
import {
  type Connection,
  deleteConnection,
  getConnection,
  listConnections,
  runSummary,
  setConnectionStatus,
  updateConnection,
} from '../warehouse/control.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';
import { type Ctx, createConnections, readRefreshToken, regrantWithToken } from './grant-ops.ts';
import { adAccountIdOption, addSettingsOptions, choiceOption } from './options.ts';
import { printTable } from './table.ts';

interface SettingsOpts {
  clickWindow?: number;
  engagementWindow?: number;
  viewWindow?: number;
  conversionTime?: 'conversion' | 'ad_action';
  lookbackDays?: number;
  reportingTimeZone?: 'utc' | 'account';
}

interface CreateOpts extends SettingsOpts {
  adAccount: string[];
  refreshToken?: string;
  grantOf?: string;
  name?: string;
  /** commander's `--no-verify` sets this to false. */
  verify: boolean;
}

export function settingsFrom(o: SettingsOpts): ConnectionSettings {
  return ConnectionSettings.parse({
    click_window_days: o.clickWindow,
    engagement_window_days: o.engagementWindow,
    view_window_days: o.viewWindow,
    conversion_report_time: o.conversionTime === 'ad_action' ? 'TIME_OF_AD_ACTION' : 'TIME_OF_CONVERSION',
    lookback_days: o.lookbackDays,
    reporting_time_zone: o.reportingTimeZone,
  });
}

/** Only the settings given on the command line, laid over the stored ones. */
function changedSettings(current: ConnectionSettings, o: SettingsOpts): ConnectionSettings {
  const given: Record<string, unknown> = {
    click_window_days: o.clickWindow,
    engagement_window_days: o.engagementWindow,
    view_window_days: o.viewWindow,
    conversion_report_time:
      o.conversionTime === undefined
        ? undefined
        : o.conversionTime === 'ad_action'
          ? 'TIME_OF_AD_ACTION'
          : 'TIME_OF_CONVERSION',
    lookback_days: o.lookbackDays,
    reporting_time_zone: o.reportingTimeZone,
  };
  const picked = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return ConnectionSettings.parse({ ...current, ...picked });
}

/** Settings whose change alters what stored facts mean (attribution and the reporting day). */
const MEANING_KEYS = [
  'click_window_days',
  'engagement_window_days',
  'view_window_days',
  'conversion_report_time',
  'reporting_time_zone',
] as const;

const collect = (v: string, prev: string[] = []) => [...prev, adAccountIdOption(v)];

/** How long list/show wait for Temporal before showing the next run as unknown. */
const TEMPORAL_PROBE_MS = 3000;

/** A Temporal client, or a note saying why there is none: reading connections must not need the orchestrator. */
async function optionalTemporal(ctx: Ctx): Promise<{ client?: Client; note?: string }> {
  const pending = connectClient(ctx.env);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), TEMPORAL_PROBE_MS);
  });
  try {
    const client = await Promise.race([pending, timeout]);
    if (client) return { client };
    // Too slow: close it whenever it does connect, so it cannot keep the process alive.
    void pending.then((c) => c.connection.close()).catch(() => undefined);
  } catch {
    // Unreachable: fall through to the note.
  } finally {
    clearTimeout(timer);
  }
  return { note: `Temporal is unreachable at ${ctx.env.TEMPORAL_ADDRESS}: next run unknown` };
}

async function describe(ctx: Ctx, c: Connection, temporal: { client?: Client; note?: string }) {
  const runs = await runSummary(ctx.wh.pool, c.id);
  let note = temporal.note;
  const schedule = temporal.client
    ? await describeSchedule(temporal.client, c.id).catch(() => {
        note = 'schedule unreadable: next run unknown';
        return undefined;
      })
    : undefined;
  return {
    id: c.id,
    name: c.name,
    ad_account_id: c.ad_account_id,
    grant: c.credential_id,
    status: c.status,
    status_reason: c.status_reason,
    settings: c.settings,
    last_run_at: runs.last_run_at,
    last_run_status: runs.last_status,
    last_success_at: runs.last_success_at,
    last_error: runs.last_error,
    next_run_at: schedule && !schedule.paused ? (schedule.nextRunAt ?? null) : null,
    schedule_paused: schedule?.paused ?? null,
    ...(note ? { note } : {}),
  };
}

async function mustGet(ctx: Ctx, id: string): Promise<Connection> {
  const c = await getConnection(ctx.wh.pool, id);
  if (!c) throw new UsageError(`no connection with id ${id} (see \`pinads connections list\`)`);
  return c;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : '—');

const TOKEN_HELP =
  'refresh token; "-" reads it from standard input (keeps it off argv); default: PINTEREST_REFRESH_TOKEN';

export function registerConnections(program: Command): void {
  const cmd = program
    .command('connections')
    .description('manage connections (one per ad account; many may share one Pinterest grant)');

  addSettingsOptions(cmd.command('create'))
    .description(
      'create one connection per --ad-account, all on one grant, with hourly schedules; prints one id per line, in argument order',
    )
    .option('--ad-account <id>', 'Pinterest ad account id (repeat for several on one grant)', collect)
    .option('--refresh-token <token|->', TOKEN_HELP)
    .option('--grant-of <connection>', "share this connection's grant (no token needed)")
    .option(
      '--name <name>',
      'display name (one --ad-account only; default "Pinterest Ads | <ad account id>")',
    )
    .option('--no-verify', 'store without checking the token and the accounts against Pinterest (offline)')
    .action(
      action(async (o: CreateOpts) => {
        const accounts = o.adAccount ?? [];
        if (!accounts.length) throw new UsageError("required option '--ad-account <id>' not specified");
        const dup = accounts.find((a, i) => accounts.indexOf(a) !== i);
        if (dup) throw new UsageError(`--ad-account ${dup} is given twice`);
        if (o.name !== undefined && accounts.length > 1)
          throw new UsageError('--name names one connection: give it with a single --ad-account');
        if (o.grantOf && o.refreshToken !== undefined)
          throw new UsageError('give either --refresh-token or --grant-of, not both');
        const settings = settingsFrom(o);
        await withContext({ temporal: true, secrets: true }, async (ctx) => {
          const refreshToken = o.grantOf ? undefined : await readRefreshToken(o.refreshToken, ctx.env);
          if (!o.grantOf && !refreshToken)
            throw new UsageError(
              'no grant given: pass --refresh-token - (token on stdin), set PINTEREST_REFRESH_TOKEN, or --grant-of CONNECTION',
            );
          const made = await createConnections(ctx, {
            adAccountIds: accounts,
            refreshToken,
            grantOf: o.grantOf,
            verify: o.verify,
            settings,
            name: o.name,
          });
          process.stdout.write(made.map((c) => `${c.id}\n`).join(''));
        });
      }),
    );

  cmd
    .command('regrant <id>')
    .description(
      'replace the grant of the connection and of every connection sharing it: same ids and history, active, schedules resumed',
    )
    .option('--refresh-token <token|->', TOKEN_HELP)
    .option('--no-verify', 'store without checking the token against Pinterest (offline)')
    .action(
      action(async (id: string, o: { refreshToken?: string; verify: boolean }) => {
        await withContext({ temporal: true, secrets: true }, async (ctx) => {
          const token = await readRefreshToken(o.refreshToken, ctx.env);
          if (!token)
            throw new UsageError(
              'no refresh token given: pass --refresh-token - (token on stdin) or set PINTEREST_REFRESH_TOKEN',
            );
          const r = await regrantWithToken(ctx, id, token, o.verify);
          for (const c of r.connections)
            process.stdout.write(
              `${c.id} ad account ${c.adAccountId}: ${c.was} -> active, schedule resumed, grant ${r.credentialId}\n`,
            );
        });
      }),
    );

  addSettingsOptions(cmd.command('update <id>'))
    .description('change the name, windows, conversion time, lookback or reporting zone of a connection')
    .option('--name <name>', 'display name')
    .action(
      action(async (id: string, o: SettingsOpts & { name?: string }) => {
        await withContext({}, async (ctx) => {
          const c = await mustGet(ctx, id);
          const settings = changedSettings(c.settings, o);
          const changed = MEANING_KEYS.filter((k) => settings[k] !== c.settings[k]);
          await updateConnection(ctx.wh.pool, id, { name: o.name, settings });
          process.stdout.write(`${id} updated\n`);
          if (!changed.length) return;
          const { rows } = await ctx.wh.pool.query(
            `SELECT min(date)::text AS first, max(date)::text AS last FROM pinterest_ads.ad_daily_metrics
             WHERE ad_account_id = $1`,
            [c.ad_account_id],
          );
          const what = changed.map((k) => `${k} ${c.settings[k]} -> ${settings[k]}`).join(', ');
          if (!rows[0]?.first)
            return void process.stderr.write(`${what}: no facts stored yet, so nothing to restate\n`);
          process.stderr.write(
            `${what}: the facts already stored (${rows[0].first}..${rows[0].last}) were computed with the old setting ` +
              `and keep it until restated; to restate them run: pinads backfill ${id} --from ${rows[0].first} --to ${rows[0].last} --wait\n`,
          );
        });
      }),
    );

  for (const verb of ['list', 'show'] as const) {
    const sub = cmd
      .command(verb === 'list' ? 'list' : 'show <id>')
      .description(
        verb === 'list'
          ? 'list connections with their grant, last run, last success, next run and status (works without Temporal)'
          : 'show one connection (works without Temporal)',
      )
      .option(
        '--format <format>',
        'table or json',
        choiceOption('--format', ['table', 'json'] as const),
        'table',
      );
    sub.action(
      action(async (...args: unknown[]) => {
        const id = verb === 'show' ? (args[0] as string) : undefined;
        const o = args[verb === 'show' ? 1 : 0] as { format: 'table' | 'json' };
        await withContext({}, async (ctx) => {
          const picked = id ? [await mustGet(ctx, id)] : await listConnections(ctx.wh.pool);
          const temporal = await optionalTemporal(ctx);
          try {
            const all = await Promise.all(picked.map((c) => describe(ctx, c, temporal)));
            if (o.format === 'json')
              return void process.stdout.write(`${JSON.stringify(id ? all[0] : all, null, 2)}\n`);
            if (id) {
              for (const [k, v] of Object.entries(all[0]!))
                process.stdout.write(
                  `${k.padEnd(16)} ${v instanceof Date ? iso(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '—')}\n`,
                );
              return;
            }
            printTable(
              [
                'id',
                'name',
                'ad account',
                'grant',
                'status',
                'last run',
                'last success',
                'next run',
                'reason',
              ],
              all.map((c) => [
                c.id,
                c.name,
                c.ad_account_id,
                c.grant,
                c.status,
                iso(c.last_run_at),
                iso(c.last_success_at),
                temporal.client ? iso(c.next_run_at) : 'unknown',
                c.status_reason ?? c.last_error ?? '',
              ]),
            );
            if (temporal.note) process.stderr.write(`note: ${temporal.note}\n`);
          } finally {
            await temporal.client?.connection.close();
          }
        });
      }),
    );
  }

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
                  `connection ${c.id} needs a new grant first (\`pinads connections regrant ${c.id} --refresh-token -\` or \`pinads connect --ad-account ${c.ad_account_id}\`): ${c.status_reason ?? ''}`,
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
