// Calendar arithmetic in whole UTC days and hours, and the mapping of a reporting time zone's local days onto UTC
// hours (23- and 25-hour days included). All zones we serve have whole-hour offsets, so hours stay aligned.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for a YYYY-MM-DD string (no validation beyond the format). */
export function dayOf(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** YYYY-MM-DD of a day number. */
export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** True for a real calendar date in YYYY-MM-DD form (rejects 2025-02-30). */
export function isDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at instant `ms`, in whole minutes. */
export function offsetMinutes(zone: string, ms: number): number {
  if (zone === 'UTC') return 0;
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
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
  return Math.round((asUtc - (ms - (ms % 60_000))) / 60_000);
}

const midnightCache = new Map<string, number>();

/** The UTC hour index (hours since epoch) at which local day `day` begins in `zone`. */
export function localDayStartHour(zone: string, day: number): number {
  if (zone === 'UTC') return day * 24;
  const key = `${zone}|${day}`;
  const hit = midnightCache.get(key);
  if (hit !== undefined) return hit;
  // Local midnight = UTC midnight minus the offset in force at that moment; two passes settle DST edges.
  let guess = day * DAY_MS - offsetMinutes(zone, day * DAY_MS) * 60_000;
  guess = day * DAY_MS - offsetMinutes(zone, guess) * 60_000;
  const hour = Math.round(guess / HOUR_MS);
  midnightCache.set(key, hour);
  return hour;
}

/** Local YYYY-MM-DD HH:00:00 label of a UTC hour index in `zone` (used for HOUR granularity rows). */
export function localHourLabel(zone: string, hour: number): string {
  const ms = hour * HOUR_MS;
  const local = new Date(ms + offsetMinutes(zone, ms) * 60_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 13)}:00:00`;
}
