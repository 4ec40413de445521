// The fact streams ad_daily_metrics and ad_hourly_spend, both fed by one ad-level daily report per account window:
// from the account's cursor minus the lookback (or start_date) to today, in Pinterest's 186-day chunks, a STATE per
// stream after each account. Re-read days also carry zero rows for ad-days that left the report (Pinterest omits
// all-zero rows), so a destination deduplicating on the primary key replaces a restated-away day instead of keeping
// its old numbers.
import { ConfigError } from '../common/config-error.ts';
import { addDays, chunkRange, type DateWindow, MAX_DAYS_BACK, MAX_REPORT_DAYS } from '../common/dates.ts';
import { type ConnectionSettings, lookbackDays } from '../schemas/config.ts';
import type { AdAccount } from '../schemas/pinterest.ts';
import type { DailyFactRow } from '../schemas/report.ts';
import { settingsOf } from './config.ts';
import { daySplit, hourlySpendRows, splitHours } from './hourly-spend.ts';
import { JsonNumber, type JsonValue } from './protocol.ts';
import { localDate, mapLimit, type ReadInput, withStatus } from './read-context.ts';
import { reportRows } from './reports.ts';

export const DAILY = 'ad_daily_metrics';
export const HOURLY = 'ad_hourly_spend';
export const FACT_STREAMS = [DAILY, HOURLY] as const;

/** Accounts read at once: enough to keep the pacer's budget busy, few enough to keep memory flat. */
const ACCOUNT_CONCURRENCY = 4;

interface Stamp {
  id: string;
  currency: string;
  zone: string;
  s: ConnectionSettings;
  syncedAt: string;
}

/** The daily record: pinterest_ads.ad_daily_metrics' columns, money in micro-units with the account's currency. */
function dailyRecord(r: DailyFactRow, a: Stamp): Record<string, JsonValue> {
  return {
    ad_account_id: a.id,
    ad_id: r.ad_id,
    date: r.date,
    campaign_id: r.campaign_id,
    ad_group_id: r.ad_group_id,
    spend_micro: r.spend_micro,
    impressions: r.impressions,
    clicks: r.clicks,
    outbound_clicks: r.outbound_clicks,
    conversions: new JsonNumber(r.conversions),
    conversion_value_micro: r.conversion_value_micro,
    total_conversions: new JsonNumber(r.total_conversions),
    currency: a.currency,
    time_zone: a.zone,
    click_window_days: a.s.click_window_days,
    engagement_window_days: a.s.engagement_window_days,
    view_window_days: a.s.view_window_days,
    conversion_report_time: a.s.conversion_report_time,
    synced_at: a.syncedAt,
    impressions_earned: r.impressions_earned,
    clicks_earned: r.clicks_earned,
    total_conversions_quantity: new JsonNumber(r.total_conversions_quantity),
    total_conversions_value_micro: r.total_conversions_value_micro,
    add_to_carts: new JsonNumber(r.add_to_carts),
    add_to_cart_value_micro: r.add_to_cart_value_micro,
    signups: new JsonNumber(r.signups),
    signup_value_micro: r.signup_value_micro,
    leads: new JsonNumber(r.leads),
    lead_value_micro: r.lead_value_micro,
    page_visits: new JsonNumber(r.page_visits),
  };
}

/** An ad-day with nothing left: what a restatement that zeroed it now says. */
function zeroRow(
  ad: { ad_id: string; campaign_id: string; ad_group_id: string },
  date: string,
): DailyFactRow {
  return {
    ...ad,
    date,
    spend_micro: 0n,
    impressions: 0n,
    clicks: 0n,
    outbound_clicks: 0n,
    conversions: '0',
    conversion_value_micro: 0n,
    total_conversions: '0',
    impressions_earned: 0n,
    clicks_earned: 0n,
    total_conversions_quantity: '0',
    total_conversions_value_micro: 0n,
    add_to_carts: '0',
    add_to_cart_value_micro: 0n,
    signups: '0',
    signup_value_micro: 0n,
    leads: '0',
    lead_value_micro: 0n,
    page_visits: '0',
  };
}

/** The window an account's facts are read for: from its cursor minus the lookback (or start_date) to today. */
export function factWindow(p: {
  today: string;
  utcToday: string;
  startDate?: string;
  cursor?: string;
  lookbackDays: number;
}): DateWindow | undefined {
  const oldest = addDays(p.utcToday, -(MAX_DAYS_BACK - 1));
  let start = p.startDate ?? oldest;
  if (p.cursor !== undefined) {
    const back = addDays(p.cursor < p.today ? p.cursor : p.today, -p.lookbackDays);
    if (back > start) start = back;
  }
  if (start < oldest) start = oldest;
  // Pinterest dates reports in UTC at the edge: no end_date after the UTC today.
  const end = p.today < p.utcToday ? p.today : p.utcToday;
  return start <= end ? { start, end } : undefined;
}

export async function readFacts(input: ReadInput, accounts: AdAccount[]): Promise<void> {
  const { session, out, catalog, state } = input;
  const selected = FACT_STREAMS.filter((s) => catalog.has(s));
  const incremental = selected.filter((s) => catalog.get(s)!.sync_mode === 'incremental');
  const s = settingsOf(input.config);
  const counts = new Map<string, number>(selected.map((name) => [name, 0]));
  const cursors = new Map(incremental.map((name) => [name, { ...(state.get(name)?.accounts ?? {}) }]));
  const count = (name: string, n: number) => counts.set(name, counts.get(name)! + n);

  await withStatus(out, selected, async (running) => {
    await mapLimit(accounts, ACCOUNT_CONCURRENCY, async (a) => {
      const zone = s.reporting_time_zone === 'account' ? (a as { time_zone?: string }).time_zone : 'UTC';
      if (!zone)
        throw new ConfigError(
          `ad account ${a.id} has no time zone at Pinterest, so its account-time dates are unknown; set reporting_time_zone to utc`,
        );
      const now = input.now?.() ?? new Date();
      const today = localDate(now, zone);
      // Both streams come from one report: re-read from the older of their cursors (any missing: a full read).
      const own =
        incremental.length === selected.length ? incremental.map((n) => cursors.get(n)![a.id]?.date) : [];
      const cursor =
        own.length && own.every((c) => c !== undefined) ? (own as string[]).sort()[0] : undefined;
      const window = factWindow({
        today,
        utcToday: now.toISOString().slice(0, 10),
        startDate: input.config.start_date,
        cursor,
        lookbackDays: lookbackDays(s),
      });
      const emit = (r: DailyFactRow, stamp: Stamp) => {
        if (catalog.has(DAILY)) {
          out.record(DAILY, dailyRecord(r, stamp));
          count(DAILY, 1);
        }
        if (!catalog.has(HOURLY)) return;
        const split = daySplit(r.date, zone, now);
        // A zero row still names every hour of its day, so the hours an earlier read wrote are replaced too.
        const hours =
          r.spend_micro > 0n
            ? hourlySpendRows({ ad_account_id: a.id, ...r }, split)
            : splitHours(split).map((hour) => ({
                ad_account_id: a.id,
                ad_id: r.ad_id,
                hour,
                date: r.date,
                spend_micro: 0n,
                method: 'uniform',
              }));
        for (const h of hours) out.record(HOURLY, h as unknown as Record<string, JsonValue>);
        count(HOURLY, hours.length);
      };
      for (const chunk of window ? chunkRange(window.start, window.end, MAX_REPORT_DAYS) : []) {
        const stamp = {
          id: a.id,
          currency: a.currency ?? 'UNK',
          zone,
          s,
          syncedAt: new Date().toISOString(),
        };
        // Ad-days already delivered by an earlier read (dates up to the cursor): which ones the report still has.
        const redelivered =
          cursor !== undefined && chunk.start <= cursor
            ? new Map<string, { ad: DailyFactRow; dates: Set<string> }>()
            : undefined;
        for await (const batch of reportRows(session, a.id, s, chunk, input.timing)) {
          if (batch.length) running();
          for (const r of batch) {
            emit(r, stamp);
            if (redelivered && r.date <= cursor!) {
              const seen = redelivered.get(r.ad_id) ?? { ad: r, dates: new Set<string>() };
              seen.dates.add(r.date);
              redelivered.set(r.ad_id, seen);
            }
          }
        }
        const lastRedelivered = cursor! < chunk.end ? cursor! : chunk.end;
        for (const { ad, dates } of redelivered?.values() ?? [])
          for (let d = chunk.start; d <= lastRedelivered; d = addDays(d, 1))
            if (!dates.has(d)) emit(zeroRow(ad, d), stamp);
      }
      for (const name of incremental) {
        const accountsState = cursors.get(name)!;
        if (window) accountsState[a.id] = { date: window.end };
        // recordCount: the records of this stream since its previous STATE, as the protocol counts them.
        out.streamState(name, { accounts: accountsState }, counts.get(name)!);
        counts.set(name, 0);
      }
    });
  });
}
