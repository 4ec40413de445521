// `--conversion-event`: what the Overview and Channels count as a conversion (docs/warehouse.md "Choosing the
// conversion event"). A standard event is always known; custom:NAME must name an advertiser-defined event of the
// account: one pinads has synced (pinterest_ads.conversion_events), or, when the warehouse does not know it (no
// event sync yet, or an event created since), one Pinterest lists now. Every refusal is one line, exit 2.
import { createPinterestClient } from '../pinterest/client.ts';
import { type ConnectionSettings, customEventName } from '../schemas/config.ts';
import type { CoreDeps } from './deps.ts';
import { UsageError } from './errors.ts';
import { heldGrantToken } from './grant-verify.ts';

/** Where the account's events can be asked of Pinterest: an access token in hand, or a stored grant. */
export interface EventSource {
  accessToken?: string;
  credentialId?: string;
}

const LISTED = 10;
const listOf = (names: string[]) =>
  names.length === 0
    ? 'it has none'
    : `its events: ${names.slice(0, LISTED).join(', ')}${names.length > LISTED ? `, … (${names.length})` : ''}`;

async function syncedEvents(d: CoreDeps, adAccountId: string): Promise<string[]> {
  const { rows } = await d.wh.pool.query<{ name: string }>(
    'SELECT name FROM pinterest_ads.conversion_events WHERE ad_account_id = $1 ORDER BY name',
    [adAccountId],
  );
  return rows.map((r) => r.name);
}

async function pinterestEvents(d: CoreDeps, adAccountId: string, token: string): Promise<string[]> {
  const api = createPinterestClient({ apiUrl: d.env.PINTEREST_API_URL, getAccessToken: async () => token });
  const { items } = await api.getAdvertiserDefinedEvents(adAccountId);
  return items.map((e) => e.name).sort();
}

/**
 * Refuses custom:NAME unless NAME is an advertiser-defined event of the account: first among the synced events, then
 * among those Pinterest lists now (with `source`). Without a way to ask Pinterest, an event the warehouse does not
 * know is refused with what to do. Standard events pass untouched.
 */
export async function verifyConversionEvent(
  d: CoreDeps,
  adAccountId: string,
  event: string,
  source: EventSource,
): Promise<void> {
  const name = customEventName(event);
  if (name === undefined) return;
  const synced = await syncedEvents(d, adAccountId);
  if (synced.includes(name)) return;
  const token =
    source.accessToken ??
    (source.credentialId && d.box ? await heldGrantToken(d, source.credentialId) : undefined);
  if (!token)
    throw new UsageError(
      `--conversion-event ${event}: ad account ${adAccountId} has no synced advertiser-defined event "${name}" (${listOf(synced)}); ` +
        'set PINADS_SECRET_KEY (and drop --no-verify) so pinads can ask Pinterest for its current events',
    );
  const listed = await pinterestEvents(d, adAccountId, token);
  if (!listed.includes(name))
    throw new UsageError(
      `--conversion-event ${event}: ad account ${adAccountId} has no advertiser-defined event "${name}" (${listOf(listed)})`,
    );
}

/** The standard events' columns on ad_daily_metrics (NULL on rows loaded before pinads pulled them). */
const EVENT_COLUMN: Record<string, string> = {
  checkout: 'conversions',
  add_to_cart: 'add_to_carts',
  signup: 'signups',
  lead: 'leads',
  page_visit: 'page_visits',
};

/**
 * What a change of the event means for the numbers already stored: the views count the new event at once from what
 * is stored, but days pulled before pinads read that event hold none of its numbers until a backfill restates them.
 */
export async function conversionEventNote(
  d: CoreDeps,
  connectionId: string,
  adAccountId: string,
  before: ConnectionSettings['conversion_event'],
  after: ConnectionSettings['conversion_event'],
): Promise<string> {
  const what = `conversion_event ${before} -> ${after}: the Overview and Channels now count ${after}`;
  const custom = customEventName(after) !== undefined;
  // Days with ad-level facts that lack the event: pulled before the event's column existed, or (custom) never pulled
  // by the daily custom-conversions report.
  const { rows } = await d.wh.pool.query<{ first: string | null; last: string | null; days: number }>(
    custom
      ? `SELECT min(m.date)::text AS first, max(m.date)::text AS last, count(DISTINCT m.date)::int AS days
           FROM pinterest_ads.ad_daily_metrics m
          WHERE m.ad_account_id = $1 AND NOT EXISTS (
                SELECT 1 FROM pinads.day_pulls p WHERE p.ad_account_id = m.ad_account_id
                   AND p.report = 'ad_custom_conversions_daily' AND p.date = m.date)`
      : `SELECT min(date)::text AS first, max(date)::text AS last, count(DISTINCT date)::int AS days
           FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND ${EVENT_COLUMN[after]} IS NULL`,
    [adAccountId],
  );
  const r = rows[0];
  const cadence = custom
    ? '; custom events come from a daily report, so the latest days show no conversions until its next daily pass'
    : '';
  if (!r?.first) return `${what} for every stored day${cadence}`;
  return (
    `${what}; ${r.days} stored day(s) from ${r.first} to ${r.last} were pulled without it and show no ${after} ` +
    `conversions until restated, which only a backfill does: pinads backfill ${connectionId} --from ${r.first} --to ${r.last} --wait${cadence}`
  );
}
