// Re-read days and the rows they no longer have. Pinterest omits all-zero rows and Airbyte's dedup cannot delete, so a
// row that an earlier read delivered and a restatement emptied is sent again as zeros: the destination's old numbers
// are overwritten, not kept. Which rows an earlier read delivered: those the re-read report still names on another
// re-read day and, for per-event entries, the rows the stream's state remembers (see RECENT_LIMIT).
import { tableColumns } from '../catalog/columns.ts';
import type { NormalizedRow, ReportEntry } from '../catalog/index.ts';
import { addDays } from '../common/dates.ts';

/**
 * Per-event rows are sparse (an ad converts on an event now and then), so a restated-away (ad, event) often has no
 * other row on the re-read days to reveal it: the state keeps the dimensions of the rows delivered on the days the
 * next read re-reads, up to this many per account (beyond it, none are kept and the report alone decides).
 */
export const RECENT_LIMIT = 20_000;

/** The dimensions a row is rebuilt from: its id and text columns (the date apart), in the entry's order. */
const dimensionsOf = (entry: ReportEntry) =>
  tableColumns(entry)
    .filter((c) => c.kind === 'id' || c.kind === 'text')
    .map((c) => c.name);

/** A row that a restatement emptied: its dimensions, every metric zero. */
export function zeroRow(entry: ReportEntry, r: NormalizedRow, date: string): NormalizedRow {
  const out: NormalizedRow = { ...r, date };
  for (const c of tableColumns(entry)) {
    if (c.kind === 'count' || c.kind === 'micro') out[c.name] = 0n;
    else if (c.kind === 'decimal') out[c.name] = '0';
  }
  return out;
}

/** The rows of one report chunk whose days an earlier read delivered (from `start` to `last`, the cursor). */
export class Redelivery {
  /** The row's identity apart from its date. */
  private readonly identity: string[];
  private readonly rows = new Map<string, { row: NormalizedRow; dates: Set<string> }>();

  constructor(
    private readonly entry: ReportEntry,
    private readonly start: string,
    private readonly last: string,
    remembered: readonly (string | null)[][] = [],
  ) {
    this.identity = entry.key.filter((k) => k !== 'ad_account_id' && k !== 'date');
    const names = dimensionsOf(entry);
    for (const values of remembered) {
      const row: NormalizedRow = Object.fromEntries(names.map((n, i) => [n, values[i] ?? null]));
      this.rows.set(this.idOf(row), { row, dates: new Set() });
    }
  }

  private idOf(r: NormalizedRow): string {
    return this.identity.map((k) => r[k] ?? '').join('\u0000');
  }

  /** Notes a row of the re-read report. */
  see(r: NormalizedRow): void {
    if ((r.date as string) > this.last) return;
    const id = this.idOf(r);
    const seen = this.rows.get(id) ?? { row: r, dates: new Set<string>() };
    seen.dates.add(r.date as string);
    this.rows.set(id, seen);
  }

  /** Zero rows for every known row on the re-read days the report no longer has it. */
  *zeroRows(): Generator<NormalizedRow> {
    for (const { row, dates } of this.rows.values())
      for (let d = this.start; d <= this.last; d = addDays(d, 1))
        if (!dates.has(d)) yield zeroRow(this.entry, row, d);
  }
}

/** The dimensions of the delivered rows the next read will re-read (dates from `from` on), for a per-event state. */
export class RecentRows {
  private readonly names: string[];
  private readonly kept = new Map<string, (string | null)[]>();

  constructor(
    entry: ReportEntry,
    private readonly from: string,
  ) {
    this.names = dimensionsOf(entry);
  }

  add(r: NormalizedRow): void {
    if ((r.date as string) < this.from || this.kept.size > RECENT_LIMIT) return;
    const values = this.names.map((n) => (r[n] ?? null) as string | null);
    this.kept.set(JSON.stringify(values), values);
  }

  /** The rows to keep in the state, or undefined when there are more than RECENT_LIMIT. */
  list(): (string | null)[][] | undefined {
    return this.kept.size > RECENT_LIMIT ? undefined : [...this.kept.values()];
  }
}
