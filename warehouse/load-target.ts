// How a catalog entry's normalized rows are written: the target table's columns (the entry's, then the load's
// stamps, then for ad_daily the day's hourly split), each row as one COPY line, and the per-day counts the pull
// record needs. Built once per load.
import { type TableColumn, tableColumns } from '../catalog/columns.ts';
import type { NormalizedRow, ReportEntry } from '../catalog/types.ts';
import { copyCell, type RowTarget } from './bulk-write.ts';
import type { DayTotals } from './pull-record.ts';

/** The input itself is unloadable (duplicate rows, dates outside the window, bad arguments): do not retry. */
export class LoadRejectedError extends Error {
  override name = 'LoadRejectedError';
}

/**
 * A day of the window: the rows loaded for it and, for ad_daily, its split (first hour, number of hours) and the
 * totals the restatement ledger compares.
 */
export interface Day {
  rows: number;
  start?: string;
  n?: number;
  totals?: DayTotals;
}

export interface Stamps {
  adAccountId: string;
  currency: string;
  timeZone: string;
  attribution: {
    click_window_days: number;
    engagement_window_days: number;
    view_window_days: number;
    conversion_report_time: string;
  };
}

const STAMP_COLUMNS = [
  ['currency', 'text'],
  ['time_zone', 'text'],
  ['click_window_days', 'int'],
  ['engagement_window_days', 'int'],
  ['view_window_days', 'int'],
  ['conversion_report_time', 'text'],
] as const;

const SPLIT_COLUMNS = [
  ['split_first_hour', 'timestamptz'],
  ['split_hours', 'smallint'],
] as const;

type Other = (v: unknown, r: NormalizedRow, i: number) => string;

/**
 * The row's cells as COPY text, each preceded by a tab, compiled once per entry. Each cell is read by its own
 * constant name: a read by a name taken from an array is one of dozens of names at one site, which V8 serves from
 * its megamorphic cache (about 0.5 µs of the connector's 7 µs per row on the bench's report). Integers are bigints
 * and decimals digit strings by the normalizer's grammar, so neither needs escaping, and a zero (most event columns
 * of most rows) no conversion.
 */
const compiledLines = new WeakMap<ReportEntry, (r: NormalizedRow, other: Other) => string>();

function lineOfCells(
  entry: ReportEntry,
  cols: readonly TableColumn[],
): (r: NormalizedRow, other: Other) => string {
  const known = compiledLines.get(entry);
  if (known) return known;
  const parts = cols.map((c, i) => {
    const read = `(v = r[${JSON.stringify(c.name)}])`;
    if (c.kind === 'count' || c.kind === 'micro')
      return `(${read} === 0n ? '0' : typeof v === 'bigint' ? String(v) : other(v, r, ${i}))`;
    if (c.kind === 'decimal') return `(${read} === '0' ? '0' : other(v, r, ${i}))`;
    return `other(${read}, r, ${i})`;
  });
  const body = `let v; return ${parts.map((p) => `'\\t' + ${p}`).join(' + ')};`;
  const line = new Function('r', 'other', body) as (r: NormalizedRow, other: Other) => string;
  compiledLines.set(entry, line);
  return line;
}

/**
 * The rows as they are written, stamped with the load's constants (and their day's split), counted per day. A row
 * dated outside the window has no day and is refused before it reaches the table; synced_at takes its default,
 * now(), the transaction's start.
 */
export function rowTarget(
  entry: ReportEntry,
  s: Stamps,
  days: Map<string, Day>,
): { target: RowTarget<NormalizedRow>; counts: { hourly: number } } {
  const counts = { hourly: 0 };
  const cols = tableColumns(entry);
  const names = cols.map((c) => c.name);
  const nullable = cols.map((c) => c.nullable);
  const split = entry.hourlySplit === true;
  const entityName = entry.entity.name;
  const label = entityName.replace(/_id$/, '');
  const a = s.attribution;
  const stamp = [
    s.currency,
    s.timeZone,
    String(a.click_window_days),
    String(a.engagement_window_days),
    String(a.view_window_days),
    a.conversion_report_time,
  ];
  const dayOf = (r: NormalizedRow): Day => {
    const day = days.get(r.date as string);
    if (day === undefined) {
      const w = [...days.keys()];
      throw new LoadRejectedError(
        `report row for ${label} ${r[entityName]} on ${r.date} is outside the window ${w[0]}..${w[w.length - 1]}`,
      );
    }
    day.rows++;
    const t = day.totals;
    if (t !== undefined) {
      t.spend += r.spend_micro as bigint;
      t.value += r.conversion_value_micro as bigint;
      t.conversions.add(r.conversions as string);
    }
    return day;
  };
  // Every report column is required, except the dimensions an entry declares optional.
  const cell = (r: NormalizedRow, i: number) => {
    const v = r[names[i]!];
    if ((v === undefined || v === null) && !nullable[i])
      throw new LoadRejectedError(`report row for ${label} ${r[entityName]} on ${r.date} has no ${names[i]}`);
    return v ?? null;
  };
  // Zero-spend days have no split (no hourly rows).
  const splitOf = (r: NormalizedRow, day: Day) => {
    if (!split || (r.spend_micro as bigint) <= 0n) return null;
    counts.hourly += day.n!;
    return day;
  };
  // A cell the compiled line does not format itself: text, an id, a date, or a value missing or of another type.
  const other = (v: unknown, r: NormalizedRow, i: number) =>
    typeof v === 'string' ? copyCell(v) : copyCell(cell(r, i));
  const cellsText = lineOfCells(entry, cols);
  const account = copyCell(s.adAccountId);
  const stampText = stamp.map(copyCell).join('\t');
  const target: RowTarget<NormalizedRow> = {
    table: entry.table,
    columns: [
      ['ad_account_id', 'text'],
      ...cols.map((c) => [c.name, c.sqlType] as const),
      ...STAMP_COLUMNS,
      ...(split ? SPLIT_COLUMNS : []),
    ],
    cells(r) {
      const day = dayOf(r);
      const hours = splitOf(r, day);
      return [
        s.adAccountId,
        ...names.map((_, i) => cell(r, i)),
        ...stamp,
        ...(split ? [hours ? hours.start! : null, hours ? String(hours.n) : null] : []),
      ];
    },
    // The same cells, without an array per row: this line is built once per report row.
    copyLine(r) {
      const day = dayOf(r);
      const line = `${account}${cellsText(r, other)}\t${stampText}`;
      if (!split) return line;
      const hours = splitOf(r, day);
      return `${line}\t${hours ? `${copyCell(hours.start!)}\t${hours.n}` : '\\N\t\\N'}`;
    },
  };
  return { target, counts };
}

/**
 * The window was just emptied and every written row is inside it, so a unique violation can only mean duplicate
 * rows in the report; the violation's detail names the first one, so a good load pays nothing to look for them.
 */
export function duplicateRowsError(entry: ReportEntry, err: unknown): LoadRejectedError | undefined {
  const e = err as { code?: string; table?: string; detail?: string };
  if (e.code !== '23505' || `pinterest_ads.${e.table}` !== entry.table) return undefined;
  // Detail: Key (ad_account_id, ad_id, date)=(<account>, <ad>, <date>) already exists.
  const m = /^Key \((.*)\)=\((.*)\) already exists/.exec(e.detail ?? '');
  const names = m?.[1]?.split(', ');
  const values = m?.[2]?.split(', ');
  if (!names || !values) return new LoadRejectedError('duplicate report rows (the same key more than once)');
  // Plain columns come first in every key; an expression (coalesce(ad_id, '')) may split oddly, so match by name.
  const at = (n: string) => {
    const i = names.indexOf(n);
    return i < 0 ? undefined : values[i];
  };
  const label = entry.entity.name.replace(/_id$/, '');
  const rest = entry.key.filter((k) => !['ad_account_id', entry.entity.name, 'date'].includes(k));
  const extra = rest.map(at).filter((v) => v !== undefined && v !== '');
  return new LoadRejectedError(
    `duplicate report rows: ${label} ${at(entry.entity.name)} on ${at('date')}${extra.length ? ` (${extra.join(' ')})` : ''} appears more than once`,
  );
}
