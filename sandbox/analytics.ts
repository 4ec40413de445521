// Synchronous account analytics (90 days back, 90-day range).

import type { Granularity } from './buckets.ts';
import { CONVERSION_METRICS, DIMENSIONS, GRANULARITIES, METRICS, SYNC_COLUMNS } from './columns.ts';
import type { SandboxAccount } from './data.ts';
import { invalid, listParam } from './http.ts';
import type { Ledger } from './ledger.ts';
import { checkRange, parseAttribution, parseZone, type ReportQuery } from './report-request.ts';
import { reportGroups } from './report-writer.ts';

/** GET /v5/ad_accounts/{id}/analytics: an array of flat rows, AD_ACCOUNT_ID as a string, zero metrics left out. */
export function accountAnalytics(
  ledger: Ledger,
  acct: SandboxAccount,
  q: URLSearchParams,
  nowMs: number,
  /** For the per-entity analytics (sandbox/entity-analytics.ts): the level, its id column, and the ids asked for. */
  by?: { level: 'CAMPAIGN' | 'AD_GROUP' | 'PIN_PROMOTION'; idColumn: string; ids: (id: string) => boolean },
): unknown[] {
  const columns = listParam(q, 'columns');
  if (!columns || columns.length === 0) throw invalid('columns is required.');
  for (const c of columns) if (!SYNC_COLUMNS.has(c)) throw invalid(`columns: "${c}" is not a valid column.`);
  const granularity = q.get('granularity');
  if (granularity === null) throw invalid('granularity is required.');
  if (!GRANULARITIES.has(granularity))
    throw invalid(`granularity "${granularity}" is not one of TOTAL, DAY, HOUR, WEEK, MONTH.`);
  const hourly = granularity === 'HOUR';
  const today = Math.floor(nowMs / 86_400_000);
  checkRange(
    q.get('start_date') ?? undefined,
    q.get('end_date') ?? undefined,
    today,
    hourly ? 8 : 90,
    hourly ? 91 : 91,
  );
  const src = Object.fromEntries(q.entries());
  const query: ReportQuery = {
    startDate: q.get('start_date')!,
    endDate: q.get('end_date')!,
    granularity: granularity as Granularity,
    level: by?.level ?? 'ADVERTISER',
    columns,
    format: 'JSON',
    primarySort: 'BY_ID',
    attr: parseAttribution(src),
    zone: parseZone(src, acct),
  };
  const out: Record<string, unknown>[] = [];
  for (const g of reportGroups(ledger, acct, query, nowMs)) {
    if (by && !by.ids(g.key)) continue;
    for (const r of g.rows) {
      const row: Record<string, unknown> = r.date === null ? {} : { DATE: r.date };
      if (by) row[by.idColumn] = g.key;
      else row.AD_ACCOUNT_ID = acct.id;
      for (const c of columns) {
        if (c in DIMENSIONS || (hourly && CONVERSION_METRICS.has(c))) continue;
        const v = METRICS[c]?.(r.m) ?? 0;
        if (v !== 0) row[c] = v;
      }
      out.push(row);
    }
  }
  return out;
}
