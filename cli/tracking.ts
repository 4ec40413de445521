// `pinads tracking url|audit`: builds destination URLs with the seed's tracking template and audits the ads'.
import type { Command } from 'commander';
import { auditUrl } from '../tracking/audit.ts';
import { appendTracking, InvalidUrlError, TEMPLATE_PARAMS, TRACKING_TEMPLATE } from '../tracking/template.ts';
import { getConnection } from '../warehouse/control.ts';
import { adsForAudit } from '../warehouse/reports.ts';
import { action, UsageError } from './errors.ts';
import { type Column, openReportWarehouse, renderTable } from './report.ts';

export interface AuditFinding {
  ad_id: string;
  status: string | null;
  name: string | null;
  destination_url: string | null;
  problems: string[];
  fixed_url: string | null;
}

const FINDING_COLUMNS: Column[] = [
  { key: 'ad_id', kind: 'text' },
  { key: 'status', kind: 'text' },
  { key: 'name', kind: 'text' },
  { key: 'problems', kind: 'text' },
  { key: 'fixed_url', kind: 'text' },
];

/** The ads of the connection's account whose URL has problems, and how many ads were audited. */
export async function auditConnection(
  connectionId: string,
): Promise<{ adAccountId: string; audited: number; findings: AuditFinding[] }> {
  const wh = await openReportWarehouse();
  try {
    const conn = await getConnection(wh.pool, connectionId);
    if (!conn) throw new UsageError(`unknown connection "${connectionId}" (see pinads connections list)`);
    const ads = await adsForAudit(wh.pool, conn.ad_account_id);
    const findings: AuditFinding[] = [];
    for (const ad of ads) {
      const { problems, fixedUrl } = auditUrl(ad.destination_url, {
        adId: ad.id,
        campaignId: ad.campaign_id,
      });
      if (problems.length === 0) continue;
      findings.push({
        ad_id: ad.id,
        status: ad.status,
        name: ad.name,
        destination_url: ad.destination_url,
        problems,
        fixed_url: fixedUrl,
      });
    }
    return { adAccountId: conn.ad_account_id, audited: ads.length, findings };
  } finally {
    await wh.close();
  }
}

/** The problems as one cell; an untagged URL reads as one problem rather than eight `missing …` ones. */
function problemsCell(problems: string[]): string {
  const allMissing = TEMPLATE_PARAMS.every((p) => problems.includes(`missing ${p.key}`));
  return allMissing && problems.length === TEMPLATE_PARAMS.length
    ? `no tracking parameters (all ${TEMPLATE_PARAMS.length} of the template missing)`
    : problems.join('; ');
}

function renderFindings(findings: AuditFinding[]): string {
  const cells = findings.map((f) => [f.ad_id, f.status, f.name, problemsCell(f.problems), f.fixed_url]);
  return renderTable(FINDING_COLUMNS, cells);
}

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
