// Pure date arithmetic on YYYY-MM-DD strings, shared by workflows, activities, the CLI and the dashboard: deterministic,
// so workflow code may use it; it lives outside workflows/ because most of its callers are not workflows.

export interface DateWindow {
  start: string;
  end: string;
}

/** Pinterest's async-report limits (docs/pinterest-api.md §5.1): 186 days per report, 914 days back. */
export const MAX_REPORT_DAYS = 186;
export const MAX_DAYS_BACK = 914;

const DAY_MS = 86_400_000;

/** A real calendar date YYYY-MM-DD with a year from 1000 (2026-02-30 and 0000-01-01 are not). */
export function isIsoDate(s: string): boolean {
  if (!/^[1-9]\d{3}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Today's date and hour in a zone. */
export function localNow(now: Date, timeZone: string): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/** Splits [from, to] (inclusive) into consecutive windows of at most maxDays days. */
export function chunkRange(from: string, to: string, maxDays = MAX_REPORT_DAYS): DateWindow[] {
  const out: DateWindow[] = [];
  for (let start = from; start <= to; start = addDays(start, maxDays)) {
    const end = addDays(start, maxDays - 1);
    out.push({ start, end: end < to ? end : to });
  }
  return out;
}

/** Why a backfill range is unusable, or undefined when it is fine. `today` is in the reporting zone. */
export function backfillRangeProblem(from: string, to: string, today: string): string | undefined {
  if (!isIsoDate(from)) return `--from ${from} is not a date (YYYY-MM-DD)`;
  if (!isIsoDate(to)) return `--to ${to} is not a date (YYYY-MM-DD)`;
  if (from > to) return `--from ${from} is after --to ${to}`;
  if (to > today) return `--to ${to} is in the future (today is ${today})`;
  const oldest = addDays(today, -(MAX_DAYS_BACK - 1));
  if (from < oldest)
    return `--from ${from} is more than ${MAX_DAYS_BACK - 1} days back; Pinterest keeps reports from ${oldest}`;
  return undefined;
}
