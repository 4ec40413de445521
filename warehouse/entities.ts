// Upserts of the entity tables (ad accounts, campaigns, ad groups, ads) from raw API objects, one statement per
// batch: the batch travels as one jsonb array and is unpacked in SQL, so there is no row loop.
import type { KeywordColumns } from '../pinterest/extra-entities.ts';
import type { Warehouse } from './pool.ts';

export type EntityKind = 'campaigns' | 'ad_groups' | 'ads';

type Column = readonly [name: string, expr: string];

// SQL that reads field `f` of the API object `e`. Times are Unix seconds in the API; a value we cannot read as one
// stays NULL here (raw keeps it) rather than failing the whole sync.
const text = (f: string) => `e->>'${f}'`;
const unixTime = (f: string) =>
  `CASE WHEN e->>'${f}' ~ '^\\d+(\\.\\d+)?$' THEN to_timestamp((e->>'${f}')::double precision) END`;
const micro = (f: string) =>
  `CASE WHEN e->>'${f}' ~ '^-?\\d+(\\.0+)?$' THEN trunc((e->>'${f}')::numeric)::bigint END`;

const COMMON_HEAD: Column[] = [
  ['id', text('id')],
  ['ad_account_id', '$1::text'],
];
const COMMON_TAIL: Column[] = [
  ['created_time', unixTime('created_time')],
  ['updated_time', unixTime('updated_time')],
  ['synced_at', 'now()'],
  ['raw', 'e'],
];

const COLUMNS: Record<EntityKind, Column[]> = {
  campaigns: [
    ...COMMON_HEAD,
    ['name', text('name')],
    ['status', text('status')],
    ['summary_status', text('summary_status')],
    ['objective_type', text('objective_type')],
    ['daily_spend_cap_micro', micro('daily_spend_cap')],
    ['lifetime_spend_cap_micro', micro('lifetime_spend_cap')],
    ['start_time', unixTime('start_time')],
    ['end_time', unixTime('end_time')],
    ...COMMON_TAIL,
  ],
  ad_groups: [
    ...COMMON_HEAD,
    ['campaign_id', text('campaign_id')],
    ['name', text('name')],
    ['status', text('status')],
    ['summary_status', text('summary_status')],
    ['budget_type', text('budget_type')],
    ['budget_micro', micro('budget_in_micro_currency')],
    ['bid_micro', micro('bid_in_micro_currency')],
    ['billable_event', text('billable_event')],
    ['start_time', unixTime('start_time')],
    ['end_time', unixTime('end_time')],
    ...COMMON_TAIL,
  ],
  ads: [
    ...COMMON_HEAD,
    ['campaign_id', text('campaign_id')],
    ['ad_group_id', text('ad_group_id')],
    ['pin_id', text('pin_id')],
    ['name', text('name')],
    ['status', text('status')],
    ['summary_status', text('summary_status')],
    ['review_status', text('review_status')],
    ['creative_type', text('creative_type')],
    ['destination_url', text('destination_url')],
    ...COMMON_TAIL,
  ],
};

const AD_ACCOUNT_COLUMNS: Column[] = [
  ['id', text('id')],
  ['name', text('name')],
  // 'UNK' is Pinterest's own "unknown currency" value; currency is NOT NULL because every fact is stamped with it.
  ['currency', `coalesce(e->>'currency', 'UNK')`],
  ['country', text('country')],
  // time_zone exists from API 5.28 on; older responses leave it NULL.
  ['time_zone', text('time_zone')],
  ['owner_username', `e->'owner'->>'username'`],
  ['created_time', unixTime('created_time')],
  ['updated_time', unixTime('updated_time')],
  ['synced_at', 'now()'],
  ['raw', 'e'],
];

/**
 * INSERT … ON CONFLICT (id) DO UPDATE over the elements of the jsonb array `$<arrayParam>`. Pages may repeat an
 * entity that changed while we paged; DISTINCT ON keeps its last occurrence, since one statement may not update a
 * row twice.
 */
function upsertSql(table: string, columns: Column[], arrayParam: number): string {
  const names = columns.map(([n]) => n);
  return `
INSERT INTO pinterest_ads.${table} (${names.join(', ')})
SELECT DISTINCT ON (id) ${names.join(', ')}
FROM (
  SELECT ${columns.map(([n, expr]) => `${expr} AS ${n}`).join(', ')}, t.ord
  FROM jsonb_array_elements($${arrayParam}::jsonb) WITH ORDINALITY AS t(e, ord)
) x
ORDER BY id, ord DESC
ON CONFLICT (id) DO UPDATE SET ${names
    .filter((n) => n !== 'id')
    .map((n) => `${n} = EXCLUDED.${n}`)
    .join(', ')}`;
}

const ENTITY_SQL: Record<EntityKind, string> = {
  campaigns: upsertSql('campaigns', COLUMNS.campaigns, 2),
  ad_groups: upsertSql('ad_groups', COLUMNS.ad_groups, 2),
  ads: upsertSql('ads', COLUMNS.ads, 2),
};
const AD_ACCOUNT_SQL = upsertSql('ad_accounts', AD_ACCOUNT_COLUMNS, 1);

function requireIds(what: string, items: object[]): void {
  items.forEach((item, i) => {
    const id = (item as { id?: unknown }).id;
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') {
      throw new Error(`${what} item ${i} has no id`);
    }
  });
}

/** Inserts or updates one ad account from its raw API object (GET /ad_accounts/{id}). Returns 1. */
export async function upsertAdAccount(wh: Warehouse, raw: object): Promise<number> {
  requireIds('ad account', [raw]);
  const res = await wh.pool.query(AD_ACCOUNT_SQL, [JSON.stringify([raw])]);
  return res.rowCount ?? 0;
}

/**
 * Inserts or updates a batch of campaigns, ad groups or ads of one ad account, keyed by id, keeping the raw object.
 * Returns the number of distinct entities written.
 */
export async function upsertEntities(
  wh: Warehouse,
  kind: EntityKind,
  adAccountId: string,
  items: object[],
): Promise<number> {
  if (items.length === 0) return 0;
  requireIds(kind, items);
  const res = await wh.pool.query(ENTITY_SQL[kind], [adAccountId, JSON.stringify(items)]);
  return res.rowCount ?? 0;
}

/** A keyword as stored: its columns (pinterest/extra-entities.ts keywordColumns) and what Pinterest sent. */
export interface ListedKeyword {
  columns: KeywordColumns;
  raw: object;
}

const KEYWORDS_SQL = `
INSERT INTO pinterest_ads.keywords AS k
  (id, ad_account_id, campaign_id, ad_group_id, parent_type, parent_id, value, match_type, archived, synced_at, raw)
SELECT DISTINCT ON (c->>'id') c->>'id', $1::text, c->>'campaign_id', c->>'ad_group_id', c->>'parent_type',
       c->>'parent_id', c->>'value', c->>'match_type', (c->>'archived')::boolean, now(), t.r->'raw'
FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(r, ord), LATERAL (SELECT t.r->'columns' AS c) x
ORDER BY c->>'id', t.ord DESC
ON CONFLICT (id) DO UPDATE SET ad_account_id = EXCLUDED.ad_account_id, campaign_id = EXCLUDED.campaign_id,
  ad_group_id = EXCLUDED.ad_group_id, parent_type = EXCLUDED.parent_type, parent_id = EXCLUDED.parent_id,
  value = EXCLUDED.value, match_type = EXCLUDED.match_type, archived = EXCLUDED.archived,
  synced_at = EXCLUDED.synced_at, raw = EXCLUDED.raw`;

/** Upserts keywords of one ad account by id, each with the parent it was listed under. Returns the count. */
export async function upsertKeywords(
  wh: Warehouse,
  adAccountId: string,
  items: ListedKeyword[],
): Promise<number> {
  if (items.length === 0) return 0;
  requireIds(
    'keyword',
    items.map((i) => i.columns),
  );
  const res = await wh.pool.query(KEYWORDS_SQL, [adAccountId, JSON.stringify(items)]);
  return res.rowCount ?? 0;
}

const EVENTS_SQL = `
INSERT INTO pinterest_ads.conversion_events AS c (ad_account_id, name, mapped_conversion_type, synced_at, raw)
SELECT DISTINCT ON (e->>'name') $1::text, e->>'name', e->>'mapped_conversion_type', now(), e
FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, ord)
ORDER BY e->>'name', ord DESC
ON CONFLICT (ad_account_id, name) DO UPDATE SET mapped_conversion_type = EXCLUDED.mapped_conversion_type,
  synced_at = EXCLUDED.synced_at, raw = EXCLUDED.raw`;

/** Upserts an ad account's advertiser-defined events by name. Returns the count. */
export async function upsertConversionEvents(
  wh: Warehouse,
  adAccountId: string,
  events: { name: string }[],
): Promise<number> {
  if (events.length === 0) return 0;
  const res = await wh.pool.query(EVENTS_SQL, [adAccountId, JSON.stringify(events)]);
  return res.rowCount ?? 0;
}

/** Upserts the names of countries (ISO 3166-1 codes) and regions (ISO 3166-2 codes, with their country). */
export async function upsertGeoNames(
  wh: Warehouse,
  countries: Record<string, string>,
  regions: Record<string, { countryId: string; name: string }>,
): Promise<{ countries: number; regions: number }> {
  const c = await wh.pool.query(
    `INSERT INTO pinterest_ads.geo_countries (country_id, country_name, synced_at)
     SELECT key, value, now() FROM jsonb_each_text($1::jsonb)
     ON CONFLICT (country_id) DO UPDATE SET country_name = EXCLUDED.country_name, synced_at = EXCLUDED.synced_at`,
    [JSON.stringify(countries)],
  );
  const r = await wh.pool.query(
    `INSERT INTO pinterest_ads.geo_regions (region_id, country_id, region_name, synced_at)
     SELECT key, value->>'countryId', value->>'name', now() FROM jsonb_each($1::jsonb)
     ON CONFLICT (region_id) DO UPDATE SET country_id = EXCLUDED.country_id, region_name = EXCLUDED.region_name,
       synced_at = EXCLUDED.synced_at`,
    [JSON.stringify(regions)],
  );
  return { countries: c.rowCount ?? 0, regions: r.rowCount ?? 0 };
}
