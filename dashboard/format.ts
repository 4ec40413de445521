// How the dashboard shows numbers to people, and the machine-readable value it puts beside them. Values arrive as
// numeric text from the warehouse; Intl formats decimal strings exactly (no float on the way), after the same
// half-away-from-zero rounding `pinads report` uses.
import { type ColumnKind, currencyDecimals, formatValue, roundDecimal } from '../core/report-format.ts';
import { OVERVIEW_COLUMNS } from '../core/reports.ts';

const LOCALE = 'en-US';

/** `data-value` of a KPI: exactly what `pinads report overview --format json` prints for the same total. */
export function dataValue(value: string | null, key: string, currency: string): string {
  const kind = OVERVIEW_COLUMNS.find((c) => c.key === key)?.kind;
  if (!kind) throw new Error(`not an Overview column: ${key}`);
  return formatValue(value, kind, currency, 'data') ?? '';
}

const cache = new Map<string, Intl.NumberFormat>();
function nf(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  const hit = cache.get(key);
  if (hit) return hit;
  const f = make();
  cache.set(key, f);
  return f;
}

// Intl.NumberFormat accepts decimal strings and formats them exactly; the lib typings only admit number | bigint.
const fmt = (f: Intl.NumberFormat, decimal: string) => f.format(decimal as unknown as number);

export function money(value: string | null, currency: string): string {
  if (value === null) return '—';
  const d = currencyDecimals(currency);
  const f = nf(`m:${currency}`, () => {
    try {
      return new Intl.NumberFormat(LOCALE, {
        style: 'currency',
        currency,
        minimumFractionDigits: d,
        maximumFractionDigits: d,
      });
    } catch {
      // An unknown currency code still shows its amount, with the code after it.
      return new Intl.NumberFormat(LOCALE, { minimumFractionDigits: d, maximumFractionDigits: d });
    }
  });
  const out = fmt(f, roundDecimal(value, d));
  return f.resolvedOptions().style === 'currency' ? out : `${out} ${currency}`;
}

export function integer(value: string | null): string {
  if (value === null) return '—';
  return fmt(
    nf('i', () => new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 })),
    roundDecimal(value, 0),
  );
}

/** Conversions may be modelled (fractional): up to two decimals. */
export function count(value: string | null): string {
  if (value === null) return '—';
  return fmt(
    nf('c', () => new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 })),
    roundDecimal(value, 2),
  );
}

export function percent(value: string | null): string {
  if (value === null) return '—';
  const f = nf(
    'p',
    () =>
      new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  );
  return fmt(f, value);
}

export function ratio(value: string | null): string {
  if (value === null) return '—';
  const f = nf(
    'r',
    () => new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  );
  return `${fmt(f, roundDecimal(value, 2))}×`;
}

/** One value for display, by the kind of its report column. */
export function display(value: string | null, kind: ColumnKind, currency: string): string {
  switch (kind) {
    case 'money':
      return money(value, currency);
    case 'int':
      return integer(value);
    case 'count':
      return count(value);
    case 'percent':
      return percent(value);
    case 'ratio':
      return ratio(value);
    case 'text':
      return value ?? '—';
    case 'bool':
      return value === 'true' ? 'final' : value === 'false' ? 'provisional' : '—';
  }
}

/** A short axis label for a chart tick (display only, so a float is fine here). */
export function axisMoney(value: number, currency: string): string {
  const f = nf(`a:${currency}`, () => {
    try {
      return new Intl.NumberFormat(LOCALE, {
        style: 'currency',
        currency,
        notation: 'compact',
        minimumFractionDigits: 0,
        maximumFractionDigits: 1,
      });
    } catch {
      return new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });
    }
  });
  return f.format(value);
}

/** A moment for people: "2026-03-04 13:05 UTC", or "—". */
export function when(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const iso = new Date(d).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "3 min ago", "2 h ago", "in 41 min": relative to now, for last success and next run. */
export function relative(d: Date | string | null | undefined, now = Date.now()): string {
  if (!d) return '';
  const diff = new Date(d).getTime() - now;
  const mins = Math.round(Math.abs(diff) / 60_000);
  const span = mins < 1 ? 'less than a minute' : mins < 90 ? `${mins} min` : `${Math.round(mins / 60)} h`;
  return diff >= 0 ? `in ${span}` : `${span} ago`;
}

export function durationMs(ms: string | number | null): string {
  if (ms === null) return '—';
  const n = Number(ms);
  return n < 1000 ? `${n} ms` : n < 60_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n / 60_000)} min`;
}
