// The hourly spend split (docs/warehouse.md, Hourly spend) as a pure function, for the Airbyte stream `ad_hourly_spend`: the same rows the
// warehouse's view (migration 010) expands from the split the loader stores (warehouse/load.ts), computed without
// Postgres. Postgres' zone rules decide there; here Intl's, with Postgres' reading of a local midnight that falls in
// a DST gap or overlap. test/integration/airbyte-hourly-spend.test.ts holds the two equal through the real loader.

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface HourlySpendRow {
  ad_account_id: string;
  ad_id: string;
  /** The start of the hour, ISO-8601 UTC. */
  hour: string;
  date: string;
  spend_micro: bigint;
  method: 'uniform';
}

/** A day's split: its first hour and how many hours share its spend. */
export interface DaySplit {
  startMs: number;
  hours: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset (ms) at instant t. */
function offsetAt(t: number, zone: string): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(t))) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * `date::timestamp AT TIME ZONE zone` as Postgres reads it: the instant the zone's clocks show the date's midnight.
 * A midnight skipped by a jump forward takes the offset in force before the jump; a midnight shown twice after a
 * jump back takes the offset in force after it (the later instant).
 */
export function localMidnightMs(date: string, zone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const before = offsetAt(wall - DAY_MS, zone);
  const after = offsetAt(wall + DAY_MS, zone);
  const valid = (o: number) => offsetAt(wall - o, zone) === o;
  if (before === after) return wall - before;
  const a = valid(before);
  const b = valid(after);
  if (a && b) return Math.max(wall - before, wall - after);
  if (b) return wall - after;
  return wall - before;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The split of `date` in the reporting zone at `now`: its hours (23, 24 or 25, rounded up), or on the open day the
 * hours elapsed so far counting the current one; a day still in the future (a clock skew) gets one hour.
 */
export function daySplit(date: string, zone: string, now: Date): DaySplit {
  const startMs = localMidnightMs(date, zone);
  const endMs = localMidnightMs(nextDate(date), zone);
  const full = Math.ceil((endMs - startMs) / HOUR_MS);
  const elapsed = Math.max(1, Math.floor((now.getTime() - startMs) / HOUR_MS) + 1);
  return { startMs, hours: Math.min(full, elapsed) };
}

/** The starts of a split's hours, ISO-8601 UTC. */
export function splitHours(split: DaySplit): string[] {
  return Array.from({ length: split.hours }, (_, i) =>
    new Date(split.startMs + i * HOUR_MS).toISOString().replace('.000Z', 'Z'),
  );
}

/** The hourly rows of one ad-day: hour i of n gets floor(S/n), plus one for i < S mod n. None without spend. */
export function hourlySpendRows(
  fact: { ad_account_id: string; ad_id: string; date: string; spend_micro: bigint },
  split: DaySplit,
): HourlySpendRow[] {
  const s = fact.spend_micro;
  if (s <= 0n) return [];
  const n = BigInt(split.hours);
  const base = s / n;
  const extra = s % n;
  return splitHours(split).map((hour, i) => ({
    ad_account_id: fact.ad_account_id,
    ad_id: fact.ad_id,
    hour,
    date: fact.date,
    spend_micro: base + (BigInt(i) < extra ? 1n : 0n),
    method: 'uniform' as const,
  }));
}
