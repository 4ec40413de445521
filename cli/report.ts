// `pinads report overview|channels|breakdown|keywords ID --from --to [--by] [--format]`: the reports as
// core/reports.ts runs and writes them.
import type { Command } from 'commander';
import { OUTPUT_FORMATS } from '../core/report-format.ts';
import { parseReportRequest, type ReportOptions, type ReportRequest, runReport } from '../core/reports.ts';
import { loadEnv } from '../schemas/config.ts';
import { BREAKDOWN_BYS } from '../warehouse/breakdowns.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import { CHANNEL_LEVELS } from '../warehouse/reports.ts';
import { action, UsageError } from './errors.ts';

/** Opens the warehouse named by DATABASE_URL; a missing variable is a configuration (exit 2) error. */
export async function openReportWarehouse() {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new UsageError('DATABASE_URL is not set: point it at the warehouse Postgres');
  return openWarehouse(env.DATABASE_URL, { max: 2 });
}

/** Runs a validated report against DATABASE_URL and returns the text to print. */
async function reportFromEnv(req: ReportRequest): Promise<string> {
  const wh = await openReportWarehouse();
  try {
    return await runReport(wh.pool, req);
  } finally {
    await wh.close();
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'Prints a report of a connection: the Overview (per day), Channels (per entity), a breakdown (per country, region, age, gender or app type) or keywords',
    )
    .argument('<report>', 'overview, channels, breakdown or keywords')
    .argument('<connection-id>', 'the connection (see pinads connections list)')
    .option('--from <date>', 'first day, YYYY-MM-DD (required)')
    .option('--to <date>', 'last day, inclusive, YYYY-MM-DD (required)')
    .option(
      '--by <level>',
      `channels: ${CHANNEL_LEVELS.join('|')} (default channel); breakdown (required): ${BREAKDOWN_BYS.join('|')}`,
    )
    .option('--format <format>', `${OUTPUT_FORMATS.join('|')} (default table)`)
    .addHelpText(
      'after',
      '\nMoney is in the ad account currency, computed from micro-units in Postgres numeric. Totals are recomputed\n' +
        'from the summed amounts (never averaged ratios). A ratio whose divisor is 0 is empty (— in tables).\n' +
        "Conversions, CPA and ROAS count the connection's --conversion-event. is_final says whether a row's days are\n" +
        'final at Pinterest (a column in csv and json, a * in tables). breakdown and keywords come from daily reports.',
    )
    .action(
      action(async (report: string, connectionId: string, opts: ReportOptions) => {
        const req = parseReportRequest(report, connectionId, opts);
        process.stdout.write(await reportFromEnv(req));
      }),
    );
}
