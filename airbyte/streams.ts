// The streams `discover` declares: the entities in every status, and the facts with the warehouse tables' names,
// columns and keys. Fact columns come from the loader's one declared list (warehouse/bulk-write.ts FACT_COLUMNS).
import { FACT_COLUMNS } from '../warehouse/bulk-write.ts';

type Schema = Record<string, unknown>;

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

function objectSchema(columns: readonly (readonly [string, string])[], extra: boolean): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: extra,
    required: extra ? ['id'] : columns.map(([name]) => name),
    properties: Object.fromEntries(columns.map(([name, sql]) => [name, SQL_TYPES[sql]])),
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

/** pinterest_ads.ad_daily_metrics' columns, in the table's order (split_* are storage, not data). */
export const AD_DAILY_COLUMNS = [
  ['ad_account_id', 'text'],
  ...FACT_COLUMNS.slice(0, 11),
  ['currency', 'text'],
  ['time_zone', 'text'],
  ['click_window_days', 'int'],
  ['engagement_window_days', 'int'],
  ['view_window_days', 'int'],
  ['conversion_report_time', 'text'],
  ['synced_at', 'timestamptz'],
  ...FACT_COLUMNS.slice(11),
] as const;

/** pinterest_ads.ad_hourly_spend's columns. */
export const AD_HOURLY_COLUMNS = [
  ['ad_account_id', 'text'],
  ['ad_id', 'text'],
  ['hour', 'timestamptz'],
  ['date', 'date'],
  ['spend_micro', 'bigint'],
  ['method', 'text'],
] as const;

function facts(name: string, columns: readonly (readonly [string, string])[], key: string[]): StreamDef {
  return {
    name,
    json_schema: objectSchema(columns, false),
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
  facts('ad_daily_metrics', AD_DAILY_COLUMNS, ['ad_account_id', 'ad_id', 'date']),
  facts('ad_hourly_spend', AD_HOURLY_COLUMNS, ['ad_account_id', 'ad_id', 'hour']),
];

export type EntityStream = 'ad_accounts' | 'campaigns' | 'ad_groups' | 'ads';
export const ENTITY_STREAMS: readonly EntityStream[] = ['ad_accounts', 'campaigns', 'ad_groups', 'ads'];
