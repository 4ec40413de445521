// `pinads report overview|channels ID --from --to [--by] [--format]`: the Overview and Channels reports.
// The numbers are computed in Postgres numeric (warehouse/reports.ts); this file only validates, rounds decimal
// text (never via float) and renders an aligned table, CSV or JSON.
import type { Command } from 'commander';
import { isIsoDate } from '../common/dates.ts';
import { loadEnv } from '../schemas/config.ts';
import { getConnection } from '../warehouse/control.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import {
  CHANNEL_LEVELS,
  type ChannelLevel,
  channelsReport,
  overviewReport,
  type ReportRange,
} from '../warehouse/reports.ts';
import { action, UsageError } from './errors.ts';

const REPORTS = ['overview', 'channels'] as const;
type ReportName = (typeof REPORTS)[number];

const columns = (...spec: [string, ColumnKind][]): Column[] => spec.map(([key, kind]) => ({ key, kind }));

// biome-ignore format: one column per pair reads best on a line
export const OVERVIEW_COLUMNS = columns(
  ['date', 'text'], ['currency', 'text'], ['spend', 'money'], ['impressions', 'int'], ['clicks', 'int'],
  ['ctr', 'percent'], ['cpc', 'money'], ['cpm', 'money'], ['conversions', 'count'], ['revenue', 'money'],
  ['cpa', 'money'], ['roas', 'ratio'],
);
// biome-ignore format: as above
export const CHANNELS_COLUMNS = columns(
  ['entity_id', 'text'], ['entity_name', 'text'], ['currency', 'text'], ['purchases', 'count'],
  ['revenue', 'money'], ['roas', 'ratio'], ['cpa', 'money'], ['spend', 'money'],
);

interface ReportOptions {
  from?: string;
  to?: string;
  by?: string;
  format?: string;
}

export interface ReportRequest {
  report: ReportName;
  connectionId: string;
  from: string;
  to: string;
  level: ChannelLevel;
  format: OutputFormat;
}

/** A real calendar date in YYYY-MM-DD: 2026-02-30 is rejected, not rolled over into March. */
export function parseDate(option: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${option} YYYY-MM-DD is required`);
  if (isIsoDate(value)) return value;
  throw new UsageError(`${option} "${value}" is not a calendar date (expected YYYY-MM-DD)`);
}

/** Validates the arguments without touching the database, so a usage error never needs one. */
export function parseReportRequest(report: string, connectionId: string, opts: ReportOptions): ReportRequest {
  if (!(REPORTS as readonly string[]).includes(report)) {
    throw new UsageError(`unknown report "${report}" (expected ${REPORTS.join(' or ')})`);
  }
  const from = parseDate('--from', opts.from);
  const to = parseDate('--to', opts.to);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const format = opts.format ?? 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown --format "${format}" (expected ${OUTPUT_FORMATS.join(', ')})`);
  }
  if (report === 'overview' && opts.by !== undefined) {
    throw new UsageError('--by applies to the channels report only (the overview has one row per date)');
  }
  const level = opts.by ?? 'channel';
  if (!(CHANNEL_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`unknown --by "${level}" (expected ${CHANNEL_LEVELS.join(', ')})`);
  }
  return {
    report: report as ReportName,
    connectionId,
    from,
    to,
    level: level as ChannelLevel,
    format: format as OutputFormat,
  };
}

/** Opens the warehouse named by DATABASE_URL; a missing variable is a configuration (exit 2) error. */
export async function openReportWarehouse() {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new UsageError('DATABASE_URL is not set: point it at the warehouse Postgres');
  return openWarehouse(env.DATABASE_URL, { max: 2 });
}

/** Runs a validated report against DATABASE_URL and returns the text to print (used by `pinads dev` too). */
export async function runReport(req: ReportRequest): Promise<string> {
  const wh = await openReportWarehouse();
  try {
    const conn = await getConnection(wh.pool, req.connectionId);
    if (!conn) throw new UsageError(`unknown connection "${req.connectionId}" (see pinads connections list)`);
    const range: ReportRange = { adAccountId: conn.ad_account_id, from: req.from, to: req.to };
    const isOverview = req.report === 'overview';
    const columns = isOverview ? OVERVIEW_COLUMNS : CHANNELS_COLUMNS;
    const result = isOverview
      ? await overviewReport(wh.pool, range)
      : await channelsReport(wh.pool, range, req.level);
    const rows = result.rows as unknown as Record<string, string | null>[];
    const totals = result.totals as unknown as Record<string, string | null>[];
    if (req.format === 'json') {
      return renderJson(columns, rows, totals, {
        report: req.report,
        connection_id: conn.id,
        ad_account_id: conn.ad_account_id,
        from: req.from,
        to: req.to,
        ...(isOverview ? {} : { by: req.level }),
      });
    }
    const style = req.format === 'table' ? 'display' : 'data';
    const cells = formatRows(columns, [...rows, ...totals], style);
    if (req.format === 'csv') return renderCsv(columns, cells);
    const title = `${isOverview ? 'Overview' : `Channels by ${req.level}`} · ${conn.name} (ad account ${conn.ad_account_id}) · ${req.from} to ${req.to}`;
    const body = rows.length === 0 ? '(no data in this range)\n' : renderTable(columns, cells, totals.length);
    return `${title}\n\n${body}`;
  } finally {
    await wh.close();
  }
}

// ---- Rendering. Values arrive as numeric text; rounding is done on the digits, half away from zero. ----

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** text: as is · int: counts · count: possibly fractional (modelled conversions) · money: amounts in the account currency. */
export type ColumnKind = 'text' | 'int' | 'count' | 'money' | 'ratio' | 'percent';
export interface Column {
  key: string;
  kind: ColumnKind;
}
/** display: for people (tables); data: for machines (csv, json): money to the micro-unit, more digits on ratios. */
export type Style = 'display' | 'data';
type Row = Record<string, string | null>;

/** ISO 4217 currencies without minor units: amounts in them are printed without decimals. */
const ZERO_DECIMAL_CURRENCIES = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'ISK',
  'JPY',
  'KMF',
  'KRW',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);

/** Pinterest reports money in micro-units: six decimals hold every amount exactly. */
export const MICRO_DECIMALS = 6;

export function currencyDecimals(currency: string | null | undefined): number {
  return currency && ZERO_DECIMAL_CURRENCIES.has(currency.toUpperCase()) ? 0 : 2;
}

/** Rounds a plain decimal string to `places` decimals, half away from zero, exactly (BigInt on the digits). */
export function roundDecimal(text: string, places: number): string {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal number: ${text}`);
  const [, sign, int, frac = ''] = m as unknown as [string, string, string, string | undefined];
  const padded = frac.padEnd(places + 1, '0');
  const scaled = BigInt(int + padded.slice(0, places)) + (padded[places]! >= '5' ? 1n : 0n);
  const digits = scaled.toString().padStart(places + 1, '0');
  const out = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return (sign === '-' && scaled !== 0n ? '-' : '') + out;
}

/** Multiplies a decimal string by 100 by moving the point, so a percentage never goes through a float. */
function times100(text: string): string {
  const [int = '0', frac = ''] = text.split('.');
  const moved = (int + frac.padEnd(2, '0').slice(0, 2)).replace(/^(-?)0+(?=\d)/, '$1');
  const rest = frac.slice(2);
  return rest === '' ? moved : `${moved}.${rest}`;
}

const trimZeros = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

/** One value as the given style shows it; null stays null (rendered by each format in its own way). */
export function formatValue(
  value: string | null,
  kind: ColumnKind,
  currency: string | null,
  style: Style,
): string | null {
  if (value === null) return null;
  switch (kind) {
    case 'text':
    case 'int':
      return value;
    case 'count':
      return trimZeros(style === 'display' ? roundDecimal(value, 2) : value);
    case 'money':
      // Machines get micro-unit precision (spend_micro/1e6 exactly), so summed rows equal the TOTAL row; only
      // people get the currency's minor units.
      return roundDecimal(value, style === 'display' ? currencyDecimals(currency) : MICRO_DECIMALS);
    case 'ratio':
      return roundDecimal(value, style === 'display' ? 2 : 4);
    case 'percent':
      return style === 'display' ? `${roundDecimal(times100(value), 2)}%` : roundDecimal(value, 6);
  }
}

export function formatRows(columns: Column[], rows: Row[], style: Style): (string | null)[][] {
  return rows.map((r) =>
    columns.map((c) => formatValue(r[c.key] ?? null, c.kind, r.currency ?? null, style)),
  );
}

/** An aligned table: numbers right-aligned, text left-aligned, NULL as `—`; the last `totals` rows are ruled off. */
export function renderTable(columns: Column[], cells: (string | null)[][], totals = 0): string {
  const grid = cells.map((r) => r.map((v) => v ?? '—'));
  const widths = columns.map((c, i) => Math.max(c.key.length, ...grid.map((r) => [...r[i]!].length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => {
        const pad = ' '.repeat(widths[i]! - [...v].length);
        return columns[i]!.kind === 'text' ? v + pad : pad + v;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = grid.map(line);
  if (totals > 0) body.splice(body.length - totals, 0, rule);
  return [line(columns.map((c) => c.key)), rule, ...body].map((l) => `${l}\n`).join('');
}

/** RFC 4180 quoting: a field with a comma, quote, CR/LF or edge spaces is quoted, quotes doubled. NULL is empty. */
export function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function renderCsv(columns: Column[], cells: (string | null)[][]): string {
  return [columns.map((c) => c.key), ...cells].map((r) => `${r.map(csvField).join(',')}\n`).join('');
}

/** JSON with numbers written as their exact decimal text (JSON.stringify would need a float); ids stay strings. */
export function renderJson(
  columns: Column[],
  rows: Row[],
  totals: Row[],
  meta: Record<string, string>,
): string {
  const record = (r: Row) => {
    const values = formatRows(columns, [r], 'data')[0]!;
    const fields = columns.map((c, i) => {
      const v = values[i]!;
      const literal = v === null ? 'null' : c.kind === 'text' ? JSON.stringify(v) : v;
      return `${JSON.stringify(c.key)}:${literal}`;
    });
    return `{${fields.join(',')}}`;
  };
  const head = Object.entries(meta).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{${[...head, `"rows":[${rows.map(record).join(',')}]`, `"totals":[${totals.map(record).join(',')}]`].join(',')}}\n`;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Prints the Overview (per day) or Channels (per entity) report of a connection')
    .argument('<report>', 'overview or channels')
    .argument('<connection-id>', 'the connection (see pinads connections list)')
    .option('--from <date>', 'first day, YYYY-MM-DD (required)')
    .option('--to <date>', 'last day, inclusive, YYYY-MM-DD (required)')
    .option('--by <level>', `channels only: ${CHANNEL_LEVELS.join('|')} (default channel)`)
    .option('--format <format>', `${OUTPUT_FORMATS.join('|')} (default table)`)
    .addHelpText(
      'after',
      '\nMoney is in the ad account currency, computed from micro-units in Postgres numeric. Totals are recomputed\n' +
        'from the summed amounts (never averaged ratios). A ratio whose divisor is 0 is empty (— in tables).',
    )
    .action(
      action(async (report: string, connectionId: string, opts: ReportOptions) => {
        const req = parseReportRequest(report, connectionId, opts);
        process.stdout.write(await runReport(req));
      }),
    );
}
