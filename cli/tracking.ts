// `pinads tracking url|audit`: builds destination URLs with the seed's tracking template and audits the ads'.
// The audit's warehouse code is imported only when it runs (see tracking-audit.ts).
import type { Command } from 'commander';
import { appendTracking, InvalidUrlError, TRACKING_TEMPLATE } from '../tracking/template.ts';
import { action, UsageError } from './errors.ts';

export function registerTracking(program: Command): void {
  const tracking = program
    .command('tracking')
    .description('Tracking parameters (cvg_*, utm_*) on destination URLs');

  tracking
    .command('url')
    .description('Prints BASE_URL with the tracking template appended, keeping its query string and fragment')
    .argument('<base-url>', 'an absolute http(s) URL')
    .addHelpText(
      'after',
      `\nThe template (braces stay literal; Pinterest fills them in):\n  ${TRACKING_TEMPLATE}`,
    )
    .action(
      action((baseUrl: string) => {
        try {
          process.stdout.write(`${appendTracking(baseUrl)}\n`);
        } catch (err) {
          if (err instanceof InvalidUrlError) throw new UsageError(err.message);
          throw err;
        }
      }),
    );

  tracking
    .command('audit')
    .description("Lists the ads whose destination URL lacks or misuses the template's cvg_*/utm_* parameters")
    .argument('<connection-id>', 'the connection (see pinads connections list)')
    .option('--format <format>', 'table|json (default table)')
    .addHelpText(
      'after',
      '\nReads every ad of the ad account from pinterest_ads.ads (all statuses; run a sync first) and prints, for each\n' +
        'ad with problems, the URL to paste instead. It is a report: it exits 0 even when it finds problems.',
    )
    .action(
      action(async (connectionId: string, opts: { format?: string }) => {
        const format = opts.format ?? 'table';
        if (format !== 'table' && format !== 'json') {
          throw new UsageError(`unknown --format "${format}" (expected table or json)`);
        }
        const { auditConnection, renderFindings } = await import('./tracking-audit.ts');
        const { adAccountId, audited, findings } = await auditConnection(connectionId);
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
          return;
        }
        const summary = `${findings.length} of ${audited} ads of ad account ${adAccountId} have tracking problems`;
        process.stdout.write(
          findings.length === 0 ? `${summary}\n` : `${renderFindings(findings)}\n${summary}\n`,
        );
      }),
    );
}
