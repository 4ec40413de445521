// The fact streams: one per catalog entry (its report, per account window), and ad_hourly_spend from ad_daily's rows.
// Each account is read from its cursor minus the lookback (or start_date) to today, in Pinterest's 186-day chunks,
// with a STATE per stream after the account. Re-read days also carry zero rows for rows that left the report
// (airbyte/redelivery.ts), so a destination deduplicating on the primary key replaces a restated-away row instead of
// keeping its old numbers.
import { tableColumns } from '../catalog/columns.ts';
import type { NormalizedRow, ReportEntry } from '../catalog/index.ts';
import { ConfigError } from '../common/config-error.ts';
import {
  addDays,
  chunkRange,
  type DateWindow,
  localNow,
  MAX_DAYS_BACK,
  MAX_REPORT_DAYS,
} from '../common/dates.ts';
import { clampToPinterest, UnknownAccountZoneError, zoneOf } from '../core/reporting-day.ts';
import { type ConnectionSettings, lookbackDays } from '../schemas/config.ts';
import type { AdAccount } from '../schemas/pinterest.ts';
import { settingsOf } from './config.ts';
import { daySplit, hourlySpendRows, splitHours } from './hourly-spend.ts';
import { JsonNumber, type JsonValue } from './protocol.ts';
import { advertiserEvents, mapLimit, type ReadInput, withStatus } from './read-context.ts';
import { RECENT_LIMIT, RecentRows, Redelivery } from './redelivery.ts';
import { reportRows } from './reports.ts';
import { FACT_ENTRIES, HOURLY, streamName } from './streams.ts';

/** Accounts read at once: enough to keep the pacer's budget busy, few enough to keep memory flat. */
const ACCOUNT_CONCURRENCY = 4;

interface Stamp {
  id: string;
  currency: string;
  zone: string;
  s: ConnectionSettings;
  syncedAt: string;
}

/** A fact record: the warehouse table's columns, ids as text, integers exact, decimals from their text. */
function factRecord(entry: ReportEntry, r: NormalizedRow, a: Stamp): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = { ad_account_id: a.id };
  for (const c of tableColumns(entry)) {
    const v = r[c.name] ?? null;
    out[c.name] = c.kind === 'decimal' && typeof v === 'string' ? new JsonNumber(v) : v;
  }
  return {
    ...out,
    currency: a.currency,
    time_zone: a.zone,
    click_window_days: a.s.click_window_days,
    engagement_window_days: a.s.engagement_window_days,
    view_window_days: a.s.view_window_days,
    conversion_report_time: a.s.conversion_report_time,
    synced_at: a.syncedAt,
  };
}

/** The reporting zone by the one rule (core/reporting-day.ts); undefined when Pinterest names none for account time. */
function accountZone(a: AdAccount, s: ConnectionSettings): string | undefined {
  try {
    return zoneOf({ id: 'source-pinads', ad_account_id: a.id, settings: s }, a.time_zone);
  } catch (err) {
    if (err instanceof UnknownAccountZoneError) return undefined;
    throw err;
  }
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
  // Every range pinads asks Pinterest for is clamped by the one rule (core/reporting-day.ts).
  return clampToPinterest({ start, end: p.today }, p.utcToday);
}

/** The selected fact streams, grouped by the catalog entry whose report feeds them. */
export function factGroups(catalog: ReadInput['catalog']): { entry: ReportEntry; streams: string[] }[] {
  return FACT_ENTRIES.map((entry) => ({
    entry,
    streams: [streamName(entry), ...(entry.hourlySplit ? [HOURLY] : [])].filter((n) => catalog.has(n)),
  })).filter((g) => g.streams.length > 0);
}

/** Reads the streams one catalog entry feeds, for every account. */
export async function readEntry(
  input: ReadInput,
  accounts: AdAccount[],
  entry: ReportEntry,
  streams: string[],
): Promise<void> {
  const { out, catalog, state } = input;
  const table = streamName(entry);
  const incremental = streams.filter((n) => catalog.get(n)!.sync_mode === 'incremental');
  const s = settingsOf(input.config);
  const counts = new Map<string, number>(streams.map((name) => [name, 0]));
  const count = (name: string, n: number) => counts.set(name, counts.get(name)! + n);
  const cursors = new Map(incremental.map((name) => [name, { ...(state.get(name)?.accounts ?? {}) }]));

  await withStatus(out, streams, async (running) => {
    await mapLimit(accounts, ACCOUNT_CONCURRENCY, async (a) => {
      const zone = accountZone(a, s);
      if (!zone)
        throw new ConfigError(
          `ad account ${a.id} has no time zone at Pinterest, so its account-time dates are unknown; set reporting_time_zone to utc`,
        );
      const now = input.now?.() ?? new Date();
      // The streams of one report re-read from the older of their cursors (any missing: a full read).
      const own =
        incremental.length === streams.length ? incremental.map((n) => cursors.get(n)![a.id]?.date) : [];
      const cursor =
        own.length && own.every((c) => c !== undefined) ? (own as string[]).sort()[0] : undefined;
      const window = factWindow({
        today: localNow(now, zone).date,
        utcToday: now.toISOString().slice(0, 10),
        startDate: input.config.start_date,
        cursor,
        lookbackDays: lookbackDays(s),
      });
      const emit = (r: NormalizedRow, stamp: Stamp) => {
        if (catalog.has(table)) {
          out.record(table, factRecord(entry, r, stamp));
          count(table, 1);
        }
        if (!streams.includes(HOURLY)) return;
        const fact = { ad_account_id: a.id, ad_id: r.ad_id as string, date: r.date as string };
        const spend = r.spend_micro as bigint;
        const split = daySplit(fact.date, zone, now);
        // A zero row still names every hour of its day, so the hours an earlier read wrote are replaced too.
        const hours =
          spend > 0n
            ? hourlySpendRows({ ...fact, spend_micro: spend }, split)
            : splitHours(split).map((hour) => ({ ...fact, hour, spend_micro: 0n, method: 'uniform' }));
        for (const h of hours) out.record(HOURLY, h as unknown as Record<string, JsonValue>);
        count(HOURLY, hours.length);
      };
      // A per-event report names the account's advertiser-defined events (none: nothing is asked, no rows).
      const ctx = entry.perEvent
        ? { customEvents: (await advertiserEvents(input, a.id)).map((e) => e.name) }
        : {};
      // Per-event streams remember the rows the next read re-reads (airbyte/redelivery.ts); its own stream only.
      const recent =
        entry.perEvent && window && incremental.length === 1
          ? new RecentRows(entry, addDays(window.end, -lookbackDays(s)))
          : undefined;
      const remembered = recent && cursors.get(incremental[0]!)![a.id]?.recent;
      for (const chunk of window ? chunkRange(window.start, window.end, MAX_REPORT_DAYS) : []) {
        const stamp = {
          id: a.id,
          currency: a.currency ?? 'UNK',
          zone,
          s,
          syncedAt: new Date().toISOString(),
        };
        // Rows already delivered by an earlier read (dates up to the cursor): which ones the report still has.
        const redelivered =
          cursor !== undefined && chunk.start <= cursor
            ? new Redelivery(entry, chunk.start, cursor < chunk.end ? cursor : chunk.end, remembered)
            : undefined;
        for await (const batch of reportRows(input.session, a.id, entry, s, chunk, input.timing, ctx)) {
          if (batch.length) running();
          for (const r of batch) {
            emit(r, stamp);
            redelivered?.see(r);
            recent?.add(r);
          }
        }
        for (const r of redelivered?.zeroRows() ?? []) emit(r, stamp);
      }
      const kept = recent?.list();
      if (recent && !kept)
        out.log(
          'WARN',
          `ad account ${a.id}: more than ${RECENT_LIMIT} ${table} rows on the re-read days, too many to keep in the state; a row a restatement removes entirely stays in the destination until a full refresh`,
        );
      for (const name of incremental) {
        const accountsState = cursors.get(name)!;
        if (window) accountsState[a.id] = { date: window.end, ...(kept ? { recent: kept } : {}) };
        // recordCount: the records of this stream since its previous STATE, as the protocol counts them.
        out.streamState(name, { accounts: accountsState }, counts.get(name)!);
        counts.set(name, 0);
      }
    });
  });
}
