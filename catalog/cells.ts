// What normalize.ts shares with the rows of per-event reports: the row errors, where a row is, a cell through the
// value grammar, and the one-row-per-event expansion.
import { decimalValue, integerValue, ValueError } from '../schemas/report-values.ts';
import type { NormalizedRow, ReportEntry } from './types.ts';

export class ReportRowError extends Error {
  override name = 'ReportRowError';
}

export interface RowContext {
  /** The top-level key the row was filed under (the entity id of the report level). */
  entityKey: string;
  /** 0-based position of the row in the file. */
  index: number;
  /** The dates asked for; a row outside them is refused. */
  window: { start: string; end: string };
}

/** Where a row is, for its errors: built only when one is thrown. */
export function whereOf(entry: ReportEntry, ctx: RowContext): string {
  return `report row ${ctx.index} (${entry.entity.name.replace(/_id$/, '')} ${ctx.entityKey})`;
}

/** A cell through the value grammar, its refusal named by row and column. */
export function cellValue<T>(
  read: (v: string | null | undefined) => T,
  v: string | null | undefined,
  entry: ReportEntry,
  ctx: RowContext,
  source: string,
): T {
  try {
    return read(v);
  } catch (err) {
    if (err instanceof ValueError)
      throw new ReportRowError(`${whereOf(entry, ctx)}: ${source} ${err.message}`);
    throw err;
  }
}

/**
 * A row of a per-event report carries each requested event metric as the key "<METRIC TYPE>:<event name>" (split
 * at the first ':', metric types have none), omitted when 0: one warehouse row per event the row names, its
 * missing metrics 0.
 */
export function eventRows(
  entry: ReportEntry,
  r: Record<string, unknown>,
  ctx: RowContext,
  base: unknown[],
  makeRow: (cells: unknown[]) => NormalizedRow,
  out: NormalizedRow[],
): void {
  const metrics = entry.perEvent!.metrics;
  const events = new Map<string, unknown[]>();
  for (const key of Object.keys(r)) {
    const colon = key.indexOf(':');
    // An undefined field is one the row lacks (the parser's rows carry every name the file uses).
    if (colon < 0 || r[key] === undefined) continue;
    const m = metrics.findIndex((x) => x.metric === key.slice(0, colon));
    if (m < 0) continue;
    const name = key.slice(colon + 1);
    let values = events.get(name);
    if (values === undefined) {
      values = metrics.map(() => undefined);
      events.set(name, values);
    }
    values[m] = r[key];
  }
  for (const [name, values] of events) {
    const cells = [...base, name];
    metrics.forEach((m, i) => {
      const v = values[i];
      if (v !== undefined && v !== null && typeof v !== 'string')
        throw new ReportRowError(`${whereOf(entry, ctx)}: ${m.metric}:${name} must be a number`);
      cells.push(
        m.kind === 'decimal'
          ? cellValue(decimalValue, v, entry, ctx, `${m.metric}:${name}`)
          : cellValue(integerValue, v, entry, ctx, `${m.metric}:${name}`),
      );
    });
    out.push(makeRow(cells));
  }
}
