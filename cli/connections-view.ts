// `pinads connections list|show`: read from the warehouse only, so they work while Temporal is down (the next run
// then shows as unknown, with a note).
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { dailyPassHour } from '../core/reporting-day.ts';
import { connectClient } from '../temporal/client.ts';
import { describeSchedule } from '../temporal/schedules.ts';
import { type Connection, getConnection, listConnections } from '../warehouse/control.ts';
import { runSummary } from '../warehouse/runs.ts';
import type { Ctx } from './context.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';
import { choiceOption } from './options.ts';
import { printTable } from './table.ts';

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
    // The hour of the reporting day from which the once-a-day pass (lookback, extras) is due.
    daily_pass_hour: dailyPassHour(c.id),
    ...(note ? { note } : {}),
  };
}

async function mustGet(ctx: Ctx, id: string): Promise<Connection> {
  const c = await getConnection(ctx.wh.pool, id);
  if (!c) throw new UsageError(`no connection with id ${id} (see \`pinads connections list\`)`);
  return c;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : '—');

export function registerConnectionViews(cmd: Command): void {
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
}
