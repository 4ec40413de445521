// The streams `discover` declares: the entities in every status (keywords of every parent included), the names of
// the geo targeting values, and the facts with the warehouse tables' names, columns and keys: one stream per catalog
// entry (catalog/), its columns those the loader writes, and the hourly spend split of ad_daily.

import { tableColumns } from '../catalog/columns.ts';
import { CATALOG, type ReportEntry } from '../catalog/index.ts';

type Schema = Record<string, unknown>;

interface Column {
  name: string;
  sqlType: string;
  nullable: boolean;
}

/** Warehouse SQL type → JSON Schema: ids and text as strings, micro-units and counts as integers (never floats). */
const SQL_TYPES: Record<string, Schema> = {
  text: { type: 'string' },
  date: { type: 'string', format: 'date' },
  bigint: { type: 'integer' },
  int: { type: 'integer' },
  smallint: { type: 'integer' },
  numeric: { type: 'number' },
  timestamptz: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
};

export interface StreamDef {
  name: string;
  json_schema: Schema;
  supported_sync_modes: ('full_refresh' | 'incremental')[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key: string[][];
}

/** A closed record of warehouse columns: every non-null column required, nothing else allowed. */
function objectSchema(columns: readonly Column[]): Schema {
  const type = (c: Column) => {
    const t = SQL_TYPES[c.sqlType];
    if (!t) throw new Error(`no JSON type for SQL type ${c.sqlType} (column ${c.name})`);
    return c.nullable ? nullable(t) : t;
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    required: columns.filter((c) => !c.nullable).map((c) => c.name),
    properties: Object.fromEntries(columns.map((c) => [c.name, type(c)])),
  };
}

const nullable = (s: Schema) => ({ ...s, type: ['null', s.type as string] });
const TEXT = SQL_TYPES.text!;

/** A full-refresh stream of objects kept as Pinterest sends them (every field, like the warehouse's `raw`). */
function asSent(name: string, key: string[], properties: Record<string, Schema>): StreamDef {
  return {
    name,
    json_schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: true,
      required: key,
      properties,
    },
    supported_sync_modes: ['full_refresh'],
    source_defined_primary_key: key.map((k) => [k]),
  };
}

/** An entity as Pinterest sends it, its ids as strings. */
function entity(name: string, ids: string[]): StreamDef {
  return asSent(name, ['id'], {
    id: TEXT,
    ...Object.fromEntries(ids.map((f) => [f, nullable(TEXT)])),
    name: nullable(TEXT),
    status: nullable(TEXT),
    created_time: nullable({ type: 'integer' }),
    updated_time: nullable({ type: 'integer' }),
  });
}

/** The advertiser-defined conversion events (warehouse table conversion_events), keyed by account and name. */
const conversionEvents = () =>
  asSent('conversion_events', ['ad_account_id', 'name'], {
    ad_account_id: TEXT,
    name: TEXT,
    mapped_conversion_type: nullable(TEXT),
  });

/** Keywords of every parent and status with the columns of pinterest_ads.keywords, plus the fields as sent. */
const keywords = () =>
  asSent('keywords', ['id'], {
    id: TEXT,
    ad_account_id: TEXT,
    campaign_id: nullable(TEXT),
    ad_group_id: nullable(TEXT),
    parent_type: nullable(TEXT),
    parent_id: nullable(TEXT),
    value: TEXT,
    match_type: nullable(TEXT),
    archived: nullable({ type: 'boolean' }),
  });

/** The names of the targeting values: pinterest_ads.geo_countries and geo_regions (without synced_at). */
function geoNames(name: string, columns: string[]): StreamDef {
  return {
    name,
    json_schema: objectSchema(columns.map((c) => ({ name: c, sqlType: 'text', nullable: false }))),
    supported_sync_modes: ['full_refresh'],
    source_defined_primary_key: [[columns[0]!]],
  };
}

/** Stamped on every fact row by the load (and here by the source), after the report's own columns. */
const STAMP_COLUMNS: readonly Column[] = [
  { name: 'currency', sqlType: 'text', nullable: false },
  { name: 'time_zone', sqlType: 'text', nullable: false },
  { name: 'click_window_days', sqlType: 'int', nullable: false },
  { name: 'engagement_window_days', sqlType: 'int', nullable: false },
  { name: 'view_window_days', sqlType: 'int', nullable: false },
  { name: 'conversion_report_time', sqlType: 'text', nullable: false },
  { name: 'synced_at', sqlType: 'timestamptz', nullable: false },
];

/** The stream of a catalog entry is named after its warehouse table. */
export function streamName(entry: ReportEntry): string {
  return entry.table.replace(/^pinterest_ads\./, '');
}

/** The catalog entries the source reads: all of them (a per-event entry asks for the account's own events). */
export const FACT_ENTRIES: readonly ReportEntry[] = CATALOG;

/** A fact stream's columns: the account, the entry's row columns (catalog/columns.ts), the stamps. */
export function factColumns(entry: ReportEntry): Column[] {
  return [
    { name: 'ad_account_id', sqlType: 'text', nullable: false },
    ...tableColumns(entry).map((c) => ({ name: c.name, sqlType: c.sqlType, nullable: c.nullable })),
    ...STAMP_COLUMNS,
  ];
}

/** pinterest_ads.ad_hourly_spend's columns. */
export const AD_HOURLY_COLUMNS: readonly Column[] = [
  { name: 'ad_account_id', sqlType: 'text', nullable: false },
  { name: 'ad_id', sqlType: 'text', nullable: false },
  { name: 'hour', sqlType: 'timestamptz', nullable: false },
  { name: 'date', sqlType: 'date', nullable: false },
  { name: 'spend_micro', sqlType: 'bigint', nullable: false },
  { name: 'method', sqlType: 'text', nullable: false },
];

export const HOURLY = 'ad_hourly_spend';

function facts(name: string, columns: readonly Column[], key: readonly string[]): StreamDef {
  return {
    name,
    json_schema: objectSchema(columns),
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: ['date'],
    source_defined_primary_key: key.map((k) => [k]),
  };
}

export const STREAMS: readonly StreamDef[] = [
  entity('ad_accounts', []),
  entity('campaigns', ['ad_account_id']),
  entity('ad_groups', ['ad_account_id', 'campaign_id']),
  entity('ads', ['ad_account_id', 'campaign_id', 'ad_group_id', 'pin_id']),
  conversionEvents(),
  keywords(),
  geoNames('geo_countries', ['country_id', 'country_name']),
  geoNames('geo_regions', ['region_id', 'country_id', 'region_name']),
  ...FACT_ENTRIES.map((e) => facts(streamName(e), factColumns(e), e.key)),
  facts(HOURLY, AD_HOURLY_COLUMNS, ['ad_account_id', 'ad_id', 'hour']),
];

/** The per-account entity streams, each read on its own. */
export const ENTITY_STREAMS = [
  'ad_accounts',
  'campaigns',
  'ad_groups',
  'ads',
  'conversion_events',
  'keywords',
] as const;
export type EntityStream = (typeof ENTITY_STREAMS)[number];

/** The login-wide streams one GET /v5/resources/targeting/GEO feeds. */
export const GEO_STREAMS = ['geo_countries', 'geo_regions'] as const;
