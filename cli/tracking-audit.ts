// `pinads tracking audit`: reads the account's ads from the warehouse and lists the URLs with problems. Its own file
// so that `pinads tracking url` never loads pg, zod or the report code (start-up stays near bare Node's).

import { type Column, renderTable } from '../core/report-format.ts';
import { auditUrl } from '../tracking/audit.ts';
import { TEMPLATE_PARAMS } from '../tracking/template.ts';
import { getConnection } from '../warehouse/control.ts';
import { adsForAudit } from '../warehouse/reports.ts';
import { UsageError } from './errors.ts';
import { openReportWarehouse } from './report.ts';

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

export function renderFindings(findings: AuditFinding[]): string {
  const cells = findings.map((f) => [f.ad_id, f.status, f.name, problemsCell(f.problems), f.fixed_url]);
  return renderTable(FINDING_COLUMNS, cells);
}
