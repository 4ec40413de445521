// The streams `discover` declares: the entities in every status, and the facts with the warehouse tables' names,
// columns and keys: one stream per catalog entry (catalog/), its columns those the loader writes, and the hourly
// spend split of ad_daily.

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

function objectSchema(columns: readonly Column[], extra = false): Schema {
  const type = (c: Column) => {
    const t = SQL_TYPES[c.sqlType];
    if (!t) throw new Error(`no JSON type for SQL type ${c.sqlType} (column ${c.name})`);
    return c.nullable ? { ...t, type: ['null', t.type as string] } : t;
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: extra,
    required: extra ? ['id'] : columns.filter((c) => !c.nullable).map((c) => c.name),
    properties: Object.fromEntries(columns.map((c) => [c.name, type(c)])),
  };
}

/** An entity as Pinterest sends it (every field kept, like the warehouse's `raw`), its ids as strings. */
function entity(name: string, ids: string[]): StreamDef {
  const nullable = (s: Schema) => ({ ...s, type: ['null', s.type as string] });
  const schema = objectSchema([], true);
  schema.properties = {
    id: { type: 'string' },
    ...Object.fromEntries(ids.map((f) => [f, nullable(SQL_TYPES.text!)])),
    name: nullable(SQL_TYPES.text!),
    status: nullable(SQL_TYPES.text!),
    created_time: nullable({ type: 'integer' }),
    updated_time: nullable({ type: 'integer' }),
  };
  return {
    name,
    json_schema: schema,
    supported_sync_modes: ['full_refresh'],
    source_defined_primary_key: [['id']],
  };
}

/** The advertiser-defined conversion events (warehouse table conversion_events), keyed by account and name. */
function conversionEvents(): StreamDef {
  const nullable = { type: ['null', 'string'] };
  return {
    name: 'conversion_events',
    json_schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: true,
      required: ['ad_account_id', 'name'],
      properties: {
        ad_account_id: { type: 'string' },
        name: { type: 'string' },
        mapped_conversion_type: nullable,
      },
    },
    supported_sync_modes: ['full_refresh'],
    source_defined_primary_key: [['ad_account_id'], ['name']],
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

/**
 * The catalog entries the source reads. Per-event entries (ad_custom_conversions_daily) wait for the catalog's
 * normalizer to read per-event rows; the stream appears with it.
 */
export const FACT_ENTRIES: readonly ReportEntry[] = CATALOG.filter((e) => !e.perEvent);

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
  ...FACT_ENTRIES.map((e) => facts(streamName(e), factColumns(e), e.key)),
  facts(HOURLY, AD_HOURLY_COLUMNS, ['ad_account_id', 'ad_id', 'hour']),
];

export type EntityStream = 'ad_accounts' | 'campaigns' | 'ad_groups' | 'ads' | 'conversion_events';
export const ENTITY_STREAMS: readonly EntityStream[] = [
  'ad_accounts',
  'campaigns',
  'ad_groups',
  'ads',
  'conversion_events',
];
