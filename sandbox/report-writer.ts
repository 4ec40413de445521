// Turns a ReportQuery into report rows and streams them as Pinterest's JSON (keyed by entity id, or by date) or CSV.
// Rows are produced one entity at a time so a 200 MB benchmark report never sits in memory.
import { CONVERSION_METRICS, DIMENSIONS, METRICS, numberText, type RowEntity } from './columns.ts';
import { adeValue } from './custom-events.ts';
import type { SandboxAccount } from './data.ts';
import type { Ledger } from './ledger.ts';
import { type ReportRow, reportGroups } from './report-groups.ts';
import type { ReportQuery } from './report-request.ts';

export { type ReportGroup, reportGroups } from './report-groups.ts';

/** The key of a custom conversion metric in a row: `ADE_TOTAL_CONVERSIONS:newsletter_signup` (docs/sandbox.md). */
export const customKey = (type: string, name: string) => `${type}:${name}`;

/**
 * Compiles the row writer once per report: dimension columns depend only on the entity (cached per entity), metric
 * columns are looked up once. Keys come out as DATE, TARGETING_TYPE and TARGETING_VALUE (targeting levels),
 * KEYWORD_ID (KEYWORD level), the requested dimensions, the requested non-zero metrics, then the non-zero custom
 * conversion metrics.
 */
function jsonRowWriter(q: ReportQuery, conversions: boolean): (e: RowEntity, r: ReportRow) => string {
  const dims = q.columns.filter((c) => c in DIMENSIONS).map((c) => [c, DIMENSIONS[c]!] as const);
  const metrics = q.columns
    .filter(
      (c) => !(c in DIMENSIONS) && METRICS[c] !== undefined && (conversions || !CONVERSION_METRICS.has(c)),
    )
    .map((c) => [`"${c}":`, METRICS[c]!] as const);
  const custom = (conversions ? (q.customMetrics ?? []) : []).map(
    (c) => [`${JSON.stringify(customKey(c.type, c.name))}:`, c.type, c.event] as const,
  );
  let lastEntity: RowEntity | undefined;
  let dimText = '';
  return (entity, r) => {
    if (entity !== lastEntity) {
      const parts: string[] = [];
      // A keyword id is the file's key and its rows' KEYWORD_ID, a JSON number like every other id.
      if (entity.keywordId !== undefined) parts.push(`"KEYWORD_ID":${entity.keywordId}`);
      for (const [c, dim] of dims) {
        const v = dim.get(entity);
        // Ids go out as raw digits: they exceed 2^53 for some entities and must not pass through a JS number.
        if (v !== undefined) parts.push(`"${c}":${dim.kind === 'number' ? v : JSON.stringify(v)}`);
      }
      dimText = parts.join(',');
      lastEntity = entity;
    }
    const head: string[] = r.date === null ? [] : [`"DATE":"${r.date}"`];
    if (r.targeting)
      head.push(
        `"TARGETING_TYPE":"${r.targeting[0]}"`,
        `"TARGETING_VALUE":${JSON.stringify(r.targeting[1])}`,
      );
    if (dimText) head.push(dimText);
    let out = `{${head.join(',')}`;
    let empty = head.length === 0;
    const m = r.m;
    for (const [key, get] of metrics) {
      const v = get(m);
      if (v === 0) continue;
      out += `${empty ? '' : ','}${key}${numberText(v)}`;
      empty = false;
    }
    for (const [key, type, event] of custom) {
      const v = adeValue(type, r.events![event]!, m.spend);
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
    const custom = conversions ? (q.customMetrics ?? []) : [];
    const header = [
      ...(q.granularity === 'TOTAL' ? [] : ['DATE']),
      ...(q.targetingTypes ? ['TARGETING_TYPE', 'TARGETING_VALUE'] : []),
      ...(q.level === 'KEYWORD' ? ['KEYWORD_ID'] : []),
      ...q.columns,
      ...custom.map((c) => csvCell(customKey(c.type, c.name))),
    ];
    yield `${header.join(',')}\n`;
    for (const g of groups) {
      let chunk = '';
      for (const r of g.rows) {
        const entity = r.entity ?? g.entity;
        const cells = r.date === null ? [] : [r.date];
        if (r.targeting) cells.push(r.targeting[0], csvCell(r.targeting[1]));
        if (entity.keywordId !== undefined) cells.push(entity.keywordId);
        for (const c of q.columns) {
          const dim = DIMENSIONS[c];
          if (dim) cells.push(csvCell(dim.get(entity) ?? ''));
          else
            cells.push(!conversions && CONVERSION_METRICS.has(c) ? '' : numberText(METRICS[c]?.(r.m) ?? 0));
        }
        for (const c of custom) cells.push(numberText(adeValue(c.type, r.events![c.event]!, r.m.spend)));
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
        list.push(jsonRow(r.entity ?? g.entity, r));
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
    const rows = g.rows.map((r) => jsonRow(r.entity ?? g.entity, r));
    yield `${first ? '' : ','}"${g.key}":[${rows.join(',')}]`;
    first = false;
  }
  yield '}';
}
