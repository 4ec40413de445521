// How reports are written out, for every front door (CLI table/CSV/JSON, the dashboard's CSV and cells): values
// arrive as numeric text from Postgres and are rounded on their digits, half away from zero, never via a float.

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * text: as is · int: counts · count: possibly fractional (modelled conversions) · money: amounts in the account
 * currency · bool: 'true' or 'false' (a JSON boolean; tables mark rows instead of printing it).
 */
export type ColumnKind = 'text' | 'int' | 'count' | 'money' | 'ratio' | 'percent' | 'bool';
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
const MICRO_DECIMALS = 6;

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
    case 'bool':
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
  meta: Record<string, string | null>,
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
