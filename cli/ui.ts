// `pinads ui [--port N] [--host H]`: the dashboard. 127.0.0.1 by default; any other host needs PINADS_UI_TOKEN.
import type { Command } from 'commander';
import { gateFor, LOOPBACK_HOST, TokenRequiredError } from '../dashboard/auth.ts';
import { type Dashboard, startDashboard } from '../dashboard/server.ts';
import { type Env, loadEnv } from '../schemas/config.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import { requireDatabaseUrl } from './context.ts';
import { action, UsageError } from './errors.ts';
import { intOption } from './options.ts';

export const DEFAULT_UI_PORT = 8234;

/** Opens a pool of its own and serves the dashboard; close() stops both. */
export async function startUi(
  env: Env,
  opts: { host?: string; port?: number } = {},
): Promise<Dashboard & { stop(): Promise<void> }> {
  const host = opts.host ?? LOOPBACK_HOST;
  let gate: { token?: string };
  try {
    // Read here, not in the Env schema: only the dashboard uses it, and it must never reach a workflow or a log.
    gate = gateFor(host, process.env.PINADS_UI_TOKEN);
  } catch (err) {
    if (err instanceof TokenRequiredError) throw new UsageError(err.message);
    throw err;
  }
  const wh = await openWarehouse(requireDatabaseUrl(env), { max: 4 });
  try {
    const d = await startDashboard({ pool: wh.pool, env, host, port: opts.port ?? DEFAULT_UI_PORT, ...gate });
    const stop = async () => {
      await d.close();
      await wh.close();
    };
    return { ...d, stop };
  } catch (err) {
    await wh.close();
    if ((err as { code?: string }).code === 'EADDRINUSE')
      throw new UsageError(
        `port ${opts.port ?? DEFAULT_UI_PORT} on ${host} is in use: pass --port N (0 picks one)`,
      );
    if ((err as { code?: string }).code === 'EADDRNOTAVAIL')
      throw new UsageError(`--host ${host} is not an address of this machine`);
    throw err;
  }
}

export function registerUi(program: Command): void {
  program
    .command('ui')
    .description(
      'serve the dashboard: Overview and Channels reports, sync runs and tracking audit, per connection',
    )
    .option(
      '--port <n>',
      `port to listen on (default ${DEFAULT_UI_PORT}; 0 picks a free one)`,
      intOption('--port', 0, 65_535),
    )
    .option('--host <host>', `address to bind (default ${LOOPBACK_HOST}; any other needs PINADS_UI_TOKEN)`)
    .addHelpText(
      'after',
      '\nReads DATABASE_URL; "Sync now", "Start backfill" and "Resume" also need Temporal (TEMPORAL_ADDRESS).\n' +
        'Beyond 127.0.0.1 the dashboard asks for PINADS_UI_TOKEN once (login form, HttpOnly cookie) or accepts\n' +
        '`Authorization: Bearer <token>`. Put TLS in front of it (a reverse proxy) when it leaves your network.',
    )
    .action(
      action(async (o: { port?: number; host?: string }) => {
        const ui = await startUi(loadEnv(), { host: o.host, port: o.port });
        process.stdout.write(`Dashboard: ${ui.url}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await ui.stop();
      }),
    );
}
