// Turns a ReportQuery into report rows and streams them as Pinterest's JSON (keyed by entity id, or by date) or CSV.
// Rows are produced one entity at a time so a 200 MB benchmark report never sits in memory.
import { makeBuckets } from './buckets.ts';
import { CONVERSION_METRICS, DIMENSIONS, METRICS, numberText, type RowEntity } from './columns.ts';
import type { SandboxAccount, SandboxAd } from './data.ts';
import { isZero, type Ledger, type Metrics } from './ledger.ts';
import type { ReportQuery } from './report-request.ts';

export interface ReportGroup {
  /** The entity id the JSON is keyed by. */
  key: string;
  entity: RowEntity;
  rows: { date: string | null; m: Metrics }[];
}

function entityOf(
  q: ReportQuery,
  acct: SandboxAccount,
  ad: SandboxAd,
  names: Map<string, string>,
): [string, RowEntity] {
  const base: RowEntity = { adAccountId: acct.id };
  if (q.level === 'ADVERTISER') return [acct.id, base];
  base.campaignId = ad.campaign_id;
  base.campaignName = names.get(ad.campaign_id);
  if (q.level === 'CAMPAIGN') return [ad.campaign_id, base];
  base.adGroupId = ad.ad_group_id;
  base.adGroupName = names.get(ad.ad_group_id);
  if (q.level === 'AD_GROUP') return [ad.ad_group_id, base];
  return [ad.id, { ...base, adId: ad.id, adName: ad.name, pinId: ad.pin_id }];
}

const byId = (a: string, b: string) =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;

/** The report's entities in ascending id order, each with its non-empty rows (all-zero rows dropped). */
export function* reportGroups(
  ledger: Ledger,
  acct: SandboxAccount,
  q: ReportQuery,
  asOfMs: number,
  restatements = Number.POSITIVE_INFINITY,
): Generator<ReportGroup> {
  const buckets = makeBuckets(q.startDate, q.endDate, q.granularity, q.zone);
  const withConversions = q.granularity !== 'HOUR';
  const metricCols = q.columns.filter(
    (c) => !(c in DIMENSIONS) && (withConversions || !CONVERSION_METRICS.has(c)),
  );
  const names = new Map<string, string>();
  for (const e of [...acct.campaigns, ...acct.adGroups]) names.set(e.id, e.name);
  const ads = acct.ads.filter(
    (ad) =>
      ad.fromDay < 1e9 &&
      (!q.campaignIds || q.campaignIds.has(ad.campaign_id)) &&
      (!q.adGroupIds || q.adGroupIds.has(ad.ad_group_id)) &&
      (!q.adIds || q.adIds.has(ad.id)),
  );
  const groups = new Map<string, { entity: RowEntity; ads: SandboxAd[] }>();
  for (const ad of ads) {
    const [key, entity] = entityOf(q, acct, ad, names);
    const g = groups.get(key);
    if (g) g.ads.push(ad);
    else groups.set(key, { entity, ads: [ad] });
  }
  for (const key of [...groups.keys()].sort(byId)) {
    const g = groups.get(key)!;
    let sum: Metrics[] | undefined;
    for (const ad of g.ads) {
      const s = ledger.series(acct, ad, buckets.bounds, q.attr, asOfMs, withConversions, restatements);
      if (!sum) sum = s;
      else
        for (let k = 0; k < s.length; k++)
          for (const f of Object.keys(s[k]!) as (keyof Metrics)[]) sum[k]![f] += s[k]![f];
    }
    const rows: ReportGroup['rows'] = [];
    sum?.forEach((m, k) => {
      if (isZero(m)) return;
      if (metricCols.every((c) => (METRICS[c]?.(m) ?? 0) === 0)) return;
      rows.push({ date: buckets.labels[k]!, m });
    });
    if (rows.length > 0) yield { key, entity: g.entity, rows };
  }
}

/**
 * Compiles the row writer once per report: dimension columns depend only on the entity (cached per entity), metric
 * columns are looked up once. Keys come out as DATE, the requested dimensions, then the requested non-zero metrics.
 */
function jsonRowWriter(
  q: ReportQuery,
  conversions: boolean,
): (e: RowEntity, date: string | null, m: Metrics) => string {
  const dims = q.columns.filter((c) => c in DIMENSIONS).map((c) => [c, DIMENSIONS[c]!] as const);
  const metrics = q.columns
    .filter(
      (c) => !(c in DIMENSIONS) && METRICS[c] !== undefined && (conversions || !CONVERSION_METRICS.has(c)),
    )
    .map((c) => [`"${c}":`, METRICS[c]!] as const);
  let lastEntity: RowEntity | undefined;
  let dimText = '';
  return (entity, date, m) => {
    if (entity !== lastEntity) {
      const parts: string[] = [];
      for (const [c, dim] of dims) {
        const v = dim.get(entity);
        // Ids go out as raw digits: they exceed 2^53 for some entities and must not pass through a JS number.
        if (v !== undefined) parts.push(`"${c}":${dim.kind === 'number' ? v : JSON.stringify(v)}`);
      }
      dimText = parts.join(',');
      lastEntity = entity;
    }
    let out = date === null ? `{${dimText}` : `{"DATE":"${date}"${dimText ? `,${dimText}` : ''}`;
    let empty = date === null && dimText === '';
    for (const [key, get] of metrics) {
      const v = get(m);
      if (v === 0) continue;
      out += `${empty ? '' : ','}${key}${numberText(v)}`;
      empty = false;
    }
    return `${out}}`;
  };
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The report file, streamed in chunks of at most one entity (BY_ID) or collected per date (BY_DATE). */
export async function* reportFile(
  ledger: Ledger,
  acct: SandboxAccount,
  q: ReportQuery,
  asOfMs: number,
  restatements = Number.POSITIVE_INFINITY,
): AsyncGenerator<string> {
  const conversions = q.granularity !== 'HOUR';
  const groups = reportGroups(ledger, acct, q, asOfMs, restatements);
  const jsonRow = jsonRowWriter(q, conversions);
  if (q.format === 'CSV') {
    const header = [...(q.granularity === 'TOTAL' ? [] : ['DATE']), ...q.columns];
    yield `${header.join(',')}\n`;
    for (const g of groups) {
      let chunk = '';
      for (const r of g.rows) {
        const cells = r.date === null ? [] : [r.date];
        for (const c of q.columns) {
          const dim = DIMENSIONS[c];
          if (dim) cells.push(csvCell(dim.get(g.entity) ?? ''));
          else
            cells.push(!conversions && CONVERSION_METRICS.has(c) ? '' : numberText(METRICS[c]?.(r.m) ?? 0));
        }
        chunk += `${cells.join(',')}\n`;
      }
      yield chunk;
    }
    return;
  }
  if (q.primarySort === 'BY_DATE') {
    const byDate = new Map<string, string[]>();
    for (const g of groups) {
      for (const r of g.rows) {
        const k = r.date ?? 'TOTAL';
        const list = byDate.get(k) ?? [];
        list.push(jsonRow(g.entity, r.date, r.m));
        byDate.set(k, list);
      }
    }
    yield '{';
    let first = true;
    for (const k of [...byDate.keys()].sort()) {
      yield `${first ? '' : ','}${JSON.stringify(k)}:[${byDate.get(k)!.join(',')}]`;
      first = false;
    }
    yield '}';
    return;
  }
  yield '{';
  let first = true;
  for (const g of groups) {
    const rows = g.rows.map((r) => jsonRow(g.entity, r.date, r.m));
    yield `${first ? '' : ','}"${g.key}":[${rows.join(',')}]`;
    first = false;
  }
  yield '}';
}
