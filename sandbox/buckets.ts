// Report time buckets: contiguous ranges of UTC hours, one per output DATE, in the reporting time zone.
import { dateOf, dayOf, localDayStartHour, localHourLabel } from './time.ts';

export type Granularity = 'TOTAL' | 'DAY' | 'HOUR' | 'WEEK' | 'MONTH';

export interface Buckets {
  /** bounds[k]..bounds[k+1] is bucket k, in UTC hour indices. */
  bounds: number[];
  /** DATE value of each bucket; null for TOTAL (rows carry no DATE). */
  labels: (string | null)[];
}

/** Buckets covering local dates [start, end] in `zone` at `granularity`. */
export function makeBuckets(start: string, end: string, granularity: Granularity, zone: string): Buckets {
  const d0 = dayOf(start);
  const d1 = dayOf(end);
  const dayStarts: number[] = [];
  for (let d = d0; d <= d1 + 1; d++) dayStarts.push(localDayStartHour(zone, d));
  if (granularity === 'TOTAL')
    return { bounds: [dayStarts[0]!, dayStarts[dayStarts.length - 1]!], labels: [null] };
  if (granularity === 'HOUR') {
    const bounds: number[] = [];
    const labels: string[] = [];
    for (let h = dayStarts[0]!; h < dayStarts[dayStarts.length - 1]!; h++) {
      bounds.push(h);
      labels.push(localHourLabel(zone, h));
    }
    bounds.push(dayStarts[dayStarts.length - 1]!);
    return { bounds, labels };
  }
  const bounds: number[] = [];
  const labels: string[] = [];
  for (let d = d0; d <= d1; d++) {
    const date = dateOf(d);
    // A new WEEK bucket starts on Mondays (day 0, 1970-01-01, was a Thursday), a MONTH bucket on the 1st.
    const opens =
      d === d0 ||
      granularity === 'DAY' ||
      (granularity === 'WEEK' && (d + 3) % 7 === 0) ||
      (granularity === 'MONTH' && date.endsWith('-01'));
    if (opens) {
      bounds.push(dayStarts[d - d0]!);
      labels.push(date);
    }
  }
  bounds.push(dayStarts[dayStarts.length - 1]!);
  return { bounds, labels };
}
