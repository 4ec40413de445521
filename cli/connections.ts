// `pinads connections create|regrant|update|pause|resume|delete` (list and show: connections-view.ts).
import type { Command } from 'commander';
import {
  pauseConnection,
  removeConnection,
  resumeConnection,
  updateConnectionSettings,
} from '../core/connections.ts';
import { createConnections, regrantWithToken } from '../core/grants.ts';
import { SchedulesFailedError } from '../core/schedule-each.ts';
import type { Env } from '../schemas/config.ts';
import { ConnectionSettings } from '../schemas/config.ts';
import { registerConnectionViews } from './connections-view.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';
import { adAccountIdOption, addSettingsOptions } from './options.ts';

interface SettingsOpts {
  clickWindow?: number;
  engagementWindow?: number;
  viewWindow?: number;
  conversionTime?: 'conversion' | 'ad_action';
  lookbackDays?: number;
  reportingTimeZone?: 'utc' | 'account';
  conversionEvent?: string;
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
    conversion_event: o.conversionEvent,
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
    conversion_event: o.conversionEvent,
  };
  const picked = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return ConnectionSettings.parse({ ...current, ...picked });
}

/** `-` reads standard input, a value is used as given, and no flag falls back to PINTEREST_REFRESH_TOKEN. */
async function readRefreshToken(
  flag: string | undefined,
  env: Env,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<string | undefined> {
  if (flag === '-') {
    let text = '';
    for await (const chunk of stdin) text += chunk;
    const token = text.trim();
    if (!token) throw new UsageError('--refresh-token -: standard input held no refresh token');
    return token;
  }
  if (flag !== undefined) {
    if (!flag.trim()) throw new UsageError('--refresh-token must not be empty');
    return flag.trim();
  }
  return env.PINTEREST_REFRESH_TOKEN?.trim() || undefined;
}

const collect = (v: string, prev: string[] = []) => [...prev, adAccountIdOption(v)];

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
          }).catch((err) => {
            // The connections exist (some paused until resumed): their ids still go to stdout, then exit 1.
            if (err instanceof SchedulesFailedError)
              process.stdout.write(err.connections.map((c) => `${c.id}\n`).join(''));
            throw err;
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
    .description(
      'change the name, windows, conversion time, lookback, reporting zone or conversion event of a connection',
    )
    .option('--name <name>', 'display name')
    .action(
      action(async (id: string, o: SettingsOpts & { name?: string }) => {
        // Account time asks Pinterest for the zone; a custom event it may ask for the account's events, when the
        // key to the stored grant is there (without it, only the synced events count).
        const askPinterest =
          o.reportingTimeZone === 'account' ||
          (o.conversionEvent?.startsWith('custom:') === true && Boolean(process.env.PINADS_SECRET_KEY));
        await withContext({ secrets: askPinterest }, async (ctx) => {
          const r = await updateConnectionSettings(ctx, id, {
            name: o.name,
            settings: (current) => changedSettings(current, o),
          });
          process.stdout.write(`${id} updated\n`);
          if (r.note) process.stderr.write(`${r.note}\n`);
        });
      }),
    );

  registerConnectionViews(cmd);

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
            const how = `\`pinads connections ${verb}\``;
            const c =
              verb === 'pause' ? await pauseConnection(ctx, id, how) : await resumeConnection(ctx, id, how);
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
          const c = await removeConnection(ctx, id);
          process.stdout.write(`${c.id} deleted\n`);
        });
      }),
    );
}
