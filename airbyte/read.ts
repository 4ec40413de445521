// `read`: the selected streams of the configured catalog, entities first, then the facts of every account from
// its cursor minus the lookback (or from start_date) to today, a STATE per stream after each account completes.
import { ConfigError } from '../common/config-error.ts';
import { addDays, chunkRange, type DateWindow, MAX_DAYS_BACK, MAX_REPORT_DAYS } from '../common/dates.ts';
import { ALL_ENTITY_STATUSES } from '../pinterest/client.ts';
import { PinterestError } from '../pinterest/errors.ts';
import { withPacing } from '../pinterest/pacing.ts';
import { type ConnectionSettings, lookbackDays } from '../schemas/config.ts';
import type { AdAccount } from '../schemas/pinterest.ts';
import type { DailyFactRow } from '../schemas/report.ts';
import type { ConfiguredCatalog, StreamStates } from './catalog.ts';
import { settingsOf } from './config.ts';
import { daySplit, hourlySpendRows } from './hourly-spend.ts';
import { createMemoryPacer, type MemoryPacerOptions } from './memory-pacer.ts';
import { type Emitter, JsonNumber, type JsonValue } from './protocol.ts';
import { type ReportTiming, reportRows } from './reports.ts';
import type { Session } from './session.ts';
import type { EntityStream } from './streams.ts';

/** Accounts read at once: enough to keep the pacer's budget busy, few enough to keep memory flat. */
const ACCOUNT_CONCURRENCY = 4;

export interface ReadInput {
  session: Session;
  out: Emitter;
  config: { ad_account_ids?: string[]; start_date?: string } & Parameters<typeof settingsOf>[0];
  catalog: ConfiguredCatalog;
  state: StreamStates;
  timing: ReportTiming;
  limits?: MemoryPacerOptions['limits'];
  now?: () => Date;
}

/** The date the zone's clocks show at `now`. */
function localDate(now: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(now);
}

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The configured accounts (each must be reachable by the login), or every account the login can reach. */
async function accountsOf(input: ReadInput): Promise<AdAccount[]> {
  const { session, config } = input;
  if (!config.ad_account_ids) {
    return session.call('list ad accounts', async (api) => {
      const all: AdAccount[] = [];
      for await (const a of api.listAdAccounts()) all.push(a);
      return all;
    });
  }
  const out: AdAccount[] = [];
  for (const id of config.ad_account_ids) {
    try {
      out.push(await session.call(`ad account ${id}`, (api) => api.getAdAccount(id)));
    } catch (err) {
      if (err instanceof PinterestError && (err.status === 403 || err.status === 404))
        throw new ConfigError(`ad account ${id} is not reachable with this login (${err.message})`);
      throw err;
    }
  }
  return out;
}

/** Runs one stream (or the streams one report feeds) with its statuses: STARTED, RUNNING, COMPLETE/INCOMPLETE. */
async function withStatus(out: Emitter, streams: string[], fn: (running: () => void) => Promise<void>) {
  for (const s of streams) out.streamStatus(s, 'STARTED');
  let announced = false;
  const running = () => {
    if (announced) return;
    announced = true;
    for (const s of streams) out.streamStatus(s, 'RUNNING');
  };
  try {
    await fn(running);
  } catch (err) {
    for (const s of streams) out.streamStatus(s, 'INCOMPLETE');
    throw err;
  }
  for (const s of streams) out.streamStatus(s, 'COMPLETE');
}

async function readEntities(input: ReadInput, stream: EntityStream, accounts: AdAccount[]): Promise<void> {
  const { session, out } = input;
  await withStatus(out, [stream], async (running) => {
    if (stream === 'ad_accounts') {
      if (accounts.length) running();
      for (const a of accounts) out.record(stream, a as Record<string, JsonValue>);
      return;
    }
    const opts = { entityStatuses: ALL_ENTITY_STATUSES };
    await mapLimit(accounts, ACCOUNT_CONCURRENCY, async (a) => {
      // A listing that fails part-way starts over, so each account's entities are emitted whole, once.
      const items = await session.call(`${stream} of ad account ${a.id}`, async (api) => {
        const list =
          stream === 'campaigns'
            ? api.listCampaigns(a.id, opts)
            : stream === 'ad_groups'
              ? api.listAdGroups(a.id, opts)
              : api.listAds(a.id, opts);
        const all: Record<string, JsonValue>[] = [];
        for await (const item of list)
          all.push({ ...(item as Record<string, JsonValue>), ad_account_id: a.id });
        return all;
      });
      if (items.length) running();
      for (const item of items) out.record(stream, item);
    });
  });
}

/** The daily record: pinterest_ads.ad_daily_metrics' columns, money in micro-units with the account's currency. */
function dailyRecord(
  r: DailyFactRow,
  a: { id: string; currency: string; zone: string; s: ConnectionSettings; syncedAt: string },
): Record<string, JsonValue> {
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
  };
}

const DAILY = 'ad_daily_metrics';
const HOURLY = 'ad_hourly_spend';

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

async function readFacts(input: ReadInput, accounts: AdAccount[]): Promise<void> {
  const { session, out, catalog, state } = input;
  const selected = [DAILY, HOURLY].filter((s) => catalog.has(s));
  const incremental = selected.filter((s) => catalog.get(s)!.sync_mode === 'incremental');
  const s = settingsOf(input.config);
  const counts = new Map(selected.map((name) => [name, 0]));
  const cursors = new Map(incremental.map((name) => [name, { ...(state.get(name)?.accounts ?? {}) }]));
  await withStatus(out, selected, async (running) => {
    await mapLimit(accounts, ACCOUNT_CONCURRENCY, async (a) => {
      const zone = s.reporting_time_zone === 'account' ? (a as { time_zone?: string }).time_zone : 'UTC';
      if (!zone)
        throw new ConfigError(
          `ad account ${a.id} has no time zone at Pinterest, so its account-time dates are unknown; set reporting_time_zone to utc`,
        );
      const now = input.now?.() ?? new Date();
      const today = localDate(now, zone);
      // Both streams come from one report: re-read from the older of their cursors (none: a full read).
      const own =
        incremental.length === selected.length ? incremental.map((n) => cursors.get(n)![a.id]?.date) : [];
      const cursor = own.length && own.every((c) => c !== undefined) ? own.sort()[0] : undefined;
      const window = factWindow({
        today,
        utcToday: now.toISOString().slice(0, 10),
        startDate: input.config.start_date,
        cursor,
        lookbackDays: lookbackDays(s),
      });
      for (const chunk of window ? chunkRange(window.start, window.end, MAX_REPORT_DAYS) : []) {
        const stamp = {
          id: a.id,
          currency: a.currency ?? 'UNK',
          zone,
          s,
          syncedAt: new Date().toISOString(),
        };
        for await (const batch of reportRows(session, a.id, s, chunk, input.timing)) {
          if (batch.length) running();
          for (const r of batch) {
            if (catalog.has(DAILY)) {
              out.record(DAILY, dailyRecord(r, stamp));
              counts.set(DAILY, counts.get(DAILY)! + 1);
            }
            if (!catalog.has(HOURLY)) continue;
            const hours = hourlySpendRows({ ad_account_id: a.id, ...r }, daySplit(r.date, zone, now));
            for (const h of hours) out.record(HOURLY, h as unknown as Record<string, JsonValue>);
            counts.set(HOURLY, counts.get(HOURLY)! + hours.length);
          }
        }
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

/** Reads every selected stream; the first error of a stream ends it (INCOMPLETE) and, after the others, the read. */
export async function read(input: ReadInput): Promise<void> {
  const pacer = createMemoryPacer({ limits: input.limits });
  await withPacing(pacer, 'login', async () => {
    const accounts = await accountsOf(input);
    let failure: unknown;
    const attempt = async (fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        if (err instanceof ConfigError) throw err;
        failure ??= err;
      }
    };
    for (const stream of ['ad_accounts', 'campaigns', 'ad_groups', 'ads'] as const)
      if (input.catalog.has(stream)) await attempt(() => readEntities(input, stream, accounts));
    if (input.catalog.has(DAILY) || input.catalog.has(HOURLY))
      await attempt(() => readFacts(input, accounts));
    if (failure !== undefined) throw failure;
  });
}
