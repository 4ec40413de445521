// Loads what a connection page shows. The Overview and Channels numbers are the results of the report queries
// behind `pinads report` (warehouse/reports.ts); this module only runs them and times them.
import type pg from 'pg';
import { addDays, daysBetween, localNow } from '../common/dates.ts';
import { UnknownAccountZoneError, zoneOf } from '../core/reporting-day.ts';
import { parseDate } from '../core/reports.ts';
import { auditUrl } from '../tracking/audit.ts';
import { breakdownReport, keywordsReport } from '../warehouse/breakdowns.ts';
import {
  type ConnectionSummary,
  connectionSummary,
  entityTree,
  hourlySpend,
  recentRuns,
} from '../warehouse/dashboard-queries.ts';
import { recentRestatements } from '../warehouse/finality.ts';
import { adsForAudit, CHANNEL_LEVELS, channelsReport, overviewReport } from '../warehouse/reports.ts';
import type { ChannelsByLevel } from './pages/channels.ts';
import type { ConnectionView, RangeChoice } from './pages/connection.ts';
import type { TemporalLink } from './temporal.ts';

export class BadRequest extends Error {
  override name = 'BadRequest';
}

/**
 * The zone the connection's days are counted in, by the one rule (core/reporting-day.ts). With account time and no
 * zone known yet (nothing synced, no zone stored) no fact exists either; the page then counts days in UTC and says so.
 */
export function reportingZone(c: ConnectionSummary): { zone: string; unknown?: true } {
  try {
    const settings = {
      reporting_time_zone: c.reporting_time_zone,
      account_time_zone: c.account_time_zone ?? undefined,
    };
    return { zone: zoneOf({ id: c.id, ad_account_id: c.ad_account_id, settings }, c.time_zone) };
  } catch (err) {
    if (err instanceof UnknownAccountZoneError) return { zone: 'UTC', unknown: true };
    throw err;
  }
}

export const PRESETS = [
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'month', label: 'This month' },
] as const;

export function presetRange(id: (typeof PRESETS)[number]['id'], today: string): { from: string; to: string } {
  if (id === 'month') return { from: `${today.slice(0, 8)}01`, to: today };
  const days = Number(id.slice(0, -1));
  return { from: addDays(today, -(days - 1)), to: today };
}

/** The range from the URL (`from`, `to`, `day`), the last 30 days by default; a bad value is a 400 with its reason. */
export function chooseRange(q: URLSearchParams, today: string): RangeChoice {
  const fallback = presetRange('30d', today);
  const wrap = (fn: () => string) => {
    try {
      return fn();
    } catch (err) {
      throw new BadRequest((err as Error).message.replace(/^--/, ''));
    }
  };
  const from = q.get('from') ? wrap(() => parseDate('--from', q.get('from')!)) : fallback.from;
  const to = q.get('to') ? wrap(() => parseDate('--to', q.get('to')!)) : fallback.to;
  if (from > to) throw new BadRequest(`from ${from} is after to ${to}`);
  if (daysBetween(from, to) > 913)
    throw new BadRequest('a range can span at most 914 days (Pinterest keeps no more)');
  const dayParam = q.get('day');
  const day = dayParam ? wrap(() => parseDate('--day', dayParam)) : to > today ? today : to;
  const preset = PRESETS.find((p) => {
    const r = presetRange(p.id, today);
    return r.from === from && r.to === to;
  })?.id;
  return { from, to, day, today, preset };
}

async function timed<T>(timings: Record<string, number>, name: string, p: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await p();
  } finally {
    timings[name] = performance.now() - t;
  }
}

/** Everything the connection page needs, or undefined for an unknown connection. */
export async function loadConnection(
  pool: pg.Pool,
  temporal: TemporalLink,
  id: string,
  q: URLSearchParams,
): Promise<ConnectionView | undefined> {
  const timings: Record<string, number> = {};
  const conn = await timed(timings, 'connection', () => connectionSummary(pool, id));
  if (!conn) return undefined;
  const { zone, unknown: zoneUnknown } = reportingZone(conn);
  const choice = chooseRange(q, localNow(new Date(), zone).date);
  const range = { adAccountId: conn.ad_account_id, from: choice.from, to: choice.to };
  const event = conn.conversion_event;
  const [
    overview,
    levels,
    tree,
    hourly,
    runs,
    audit,
    schedule,
    backfills,
    breakdowns,
    keywords,
    restatements,
  ] = await Promise.all([
    timed(timings, 'overview', () => overviewReport(pool, range)),
    timed(timings, 'channels', async () => {
      const results = await Promise.all(CHANNEL_LEVELS.map((l) => channelsReport(pool, range, l)));
      return Object.fromEntries(CHANNEL_LEVELS.map((l, i) => [l, results[i]!])) as ChannelsByLevel;
    }),
    timed(timings, 'tree', () => entityTree(pool, conn.ad_account_id, choice.from, choice.to)),
    timed(timings, 'hourly', () => hourlySpend(pool, conn.ad_account_id, choice.day, zone)),
    timed(timings, 'runs', () => recentRuns(pool, id)),
    timed(timings, 'audit', async () => {
      const ads = await adsForAudit(pool, conn.ad_account_id);
      const findings = ads
        .map((ad) => ({ ad, ...auditUrl(ad.destination_url, { adId: ad.id, campaignId: ad.campaign_id }) }))
        .filter((f) => f.problems.length > 0);
      return { audited: ads.length, findings };
    }),
    timed(timings, 'schedule', () => temporal.schedule(id)),
    timed(timings, 'backfills', () => temporal.backfills(id)),
    timed(timings, 'breakdowns', async () => {
      const [country, age, gender] = await Promise.all(
        (['country', 'age', 'gender'] as const).map((by) => breakdownReport(pool, range, by, event)),
      );
      return { country: country!, age: age!, gender: gender! };
    }),
    timed(timings, 'keywords', () => keywordsReport(pool, range, event)),
    timed(timings, 'restatements', () => recentRestatements(pool, conn.ad_account_id)),
  ]);
  return {
    conn,
    zone,
    zoneUnknown,
    currency: conn.currency ?? overview.totals[0]?.currency ?? 'USD',
    choice,
    overview,
    levels,
    tree,
    hourly,
    runs,
    audit,
    schedule,
    backfills,
    breakdowns,
    keywords,
    restatements,
    timings,
  };
}
