// The agency overview's data: each connection's zone and today by core's rule, then the one set-based query
// (warehouse/agency-overview.ts), timed for the Server-Timing header; and its CSV, in the data style of `pinads
// report … --format csv` (money to the micro-unit), with one TOTAL row per currency.
import type pg from 'pg';
import { type ColumnKind, formatValue, renderCsv } from '../core/report-format.ts';
import { reportingDay, UnknownAccountZoneError, zoneOf } from '../core/reporting-day.ts';
import {
  agencyOverview,
  connectionZoneFacts,
  OVERVIEW_SORTS,
  OVERVIEW_STATUSES,
  type OverviewQuery,
  type OverviewRow,
  type OverviewSort,
  type OverviewStatus,
  overviewCurrencies,
} from '../warehouse/agency-overview.ts';
import { BadRequest } from './data.ts';

export interface OverviewView {
  rows: OverviewRow[];
  totals: OverviewRow[];
  /** Every currency of a synced connection (the filter's choices). */
  currencies: string[];
  /** How many connections exist at all (the filter may show fewer). */
  connections: number;
  /** Connections reporting in account time whose zone is not known yet: their days are counted in UTC. */
  zoneUnknown: Set<string>;
  query: OverviewQuery;
  now: Date;
  timings: Record<string, number>;
}

/** The filter and sort from the URL; a bad value is a 400 naming it. */
export function parseOverviewQuery(q: URLSearchParams): OverviewQuery {
  const status = q.get('status') || undefined;
  if (status && !(OVERVIEW_STATUSES as readonly string[]).includes(status))
    throw new BadRequest(`status must be one of ${OVERVIEW_STATUSES.join(', ')}`);
  const sort = q.get('sort') || 'name';
  if (!(OVERVIEW_SORTS as readonly string[]).includes(sort))
    throw new BadRequest(`sort must be one of ${OVERVIEW_SORTS.join(', ')}`);
  const dir = q.get('dir') || (sort === 'name' || sort === 'status' ? 'asc' : 'desc');
  if (dir !== 'asc' && dir !== 'desc') throw new BadRequest('dir must be asc or desc');
  const currency = q.get('currency') || undefined;
  if (currency && !/^[A-Z]{3}$/.test(currency)) throw new BadRequest('currency must be a 3-letter code');
  const text = q.get('q')?.trim().slice(0, 200) || undefined;
  return {
    status: status as OverviewStatus | undefined,
    currency,
    text,
    sort: sort as OverviewSort,
    desc: dir === 'desc',
  };
}

export async function loadOverview(pool: pg.Pool, q: OverviewQuery, now = new Date()): Promise<OverviewView> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const facts = await connectionZoneFacts(pool);
  const zoneUnknown = new Set<string>();
  // One reporting day per zone, not per connection: an agency's thousand connections share a handful of zones.
  const days = new Map<string, string>();
  const todayIn = (zone: string) => {
    const known = days.get(zone);
    if (known !== undefined) return known;
    const today = reportingDay(zone, now).today;
    days.set(zone, today);
    return today;
  };
  const subjects = facts.map((f) => {
    let zone = 'UTC';
    try {
      const settings = {
        reporting_time_zone: f.reporting_time_zone,
        account_time_zone: f.account_time_zone ?? undefined,
      };
      zone = zoneOf({ id: f.id, ad_account_id: f.ad_account_id, settings }, f.time_zone);
    } catch (err) {
      if (!(err instanceof UnknownAccountZoneError)) throw err;
      zoneUnknown.add(f.id);
    }
    return { id: f.id, zone, today: todayIn(zone) };
  });
  timings.zones = performance.now() - t;
  t = performance.now();
  const [result, currencies] = await Promise.all([
    agencyOverview(pool, subjects, q),
    overviewCurrencies(pool),
  ]);
  timings.overview = performance.now() - t;
  return { ...result, currencies, connections: facts.length, zoneUnknown, query: q, now, timings };
}

const CSV_COLUMNS: { key: string; kind: ColumnKind }[] = [
  { key: 'connection_id', kind: 'text' },
  { key: 'name', kind: 'text' },
  { key: 'ad_account_id', kind: 'text' },
  { key: 'status', kind: 'text' },
  { key: 'alert', kind: 'text' },
  { key: 'alert_since', kind: 'text' },
  { key: 'currency', kind: 'text' },
  { key: 'time_zone', kind: 'text' },
  { key: 'today', kind: 'text' },
  { key: 'spend_today', kind: 'money' },
  { key: 'spend_yesterday', kind: 'money' },
  ...[2, 3, 4, 5, 6].map((n) => ({ key: `spend_today_minus_${n}`, kind: 'money' as const })),
  { key: 'spend_7d', kind: 'money' },
  { key: 'conversions_7d', kind: 'count' },
  { key: 'revenue_7d', kind: 'money' },
  { key: 'roas_7d', kind: 'ratio' },
  { key: 'last_hourly_window_at', kind: 'text' },
];

function csvRecord(r: OverviewRow): Record<string, string | null> {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    connection_id: r.id,
    name: r.name,
    ad_account_id: r.ad_account_id,
    status: r.status,
    alert: r.alert_kind,
    alert_since: iso(r.alert_since),
    currency: r.currency,
    time_zone: r.zone,
    today: r.today,
    spend_today: r.spend_today,
    spend_yesterday: r.spend_yesterday,
    ...Object.fromEntries([2, 3, 4, 5, 6].map((n) => [`spend_today_minus_${n}`, r.trend[6 - n] ?? null])),
    spend_7d: r.spend_7d,
    conversions_7d: r.conversions_7d,
    revenue_7d: r.revenue_7d,
    roas_7d: r.roas_7d,
    last_hourly_window_at: iso(r.last_window_at),
  };
}

/** The rows shown, then the totals per currency, as CSV in the data style of `pinads report --format csv`. */
export function overviewCsv(v: OverviewView): string {
  const cells = [...v.rows, ...v.totals].map((r) => {
    const rec = csvRecord(r);
    return CSV_COLUMNS.map((c) => formatValue(rec[c.key] ?? null, c.kind, r.currency, 'data'));
  });
  return renderCsv(CSV_COLUMNS, cells);
}
