// The Overview and Channels reports as every front door asks for them (`pinads report`, the dashboard's CSV, `pinads
// dev`): the request validated without a database, then run and written out. The numbers are computed in Postgres
// numeric (warehouse/reports.ts); the writing is core/report-format.ts.
import type pg from 'pg';
import { isIsoDate } from '../common/dates.ts';
import { getConnection } from '../warehouse/control.ts';
import {
  CHANNEL_LEVELS,
  type ChannelLevel,
  channelsReport,
  overviewReport,
  type ReportRange,
} from '../warehouse/reports.ts';
import { UsageError } from './errors.ts';
import {
  type Column,
  type ColumnKind,
  formatRows,
  OUTPUT_FORMATS,
  type OutputFormat,
  renderCsv,
  renderJson,
  renderTable,
} from './report-format.ts';

const REPORTS = ['overview', 'channels'] as const;
type ReportName = (typeof REPORTS)[number];

const columns = (...spec: [string, ColumnKind][]): Column[] => spec.map(([key, kind]) => ({ key, kind }));

// biome-ignore format: one column per pair reads best on a line
export const OVERVIEW_COLUMNS = columns(
  ['date', 'text'], ['currency', 'text'], ['spend', 'money'], ['impressions', 'int'], ['clicks', 'int'],
  ['ctr', 'percent'], ['cpc', 'money'], ['cpm', 'money'], ['conversions', 'count'], ['revenue', 'money'],
  ['cpa', 'money'], ['roas', 'ratio'],
);
// biome-ignore format: as above
const CHANNELS_COLUMNS = columns(
  ['entity_id', 'text'], ['entity_name', 'text'], ['currency', 'text'], ['purchases', 'count'],
  ['revenue', 'money'], ['roas', 'ratio'], ['cpa', 'money'], ['spend', 'money'],
);

export interface ReportOptions {
  from?: string;
  to?: string;
  by?: string;
  format?: string;
}

export interface ReportRequest {
  report: ReportName;
  connectionId: string;
  from: string;
  to: string;
  level: ChannelLevel;
  format: OutputFormat;
}

/** A real calendar date in YYYY-MM-DD: 2026-02-30 is rejected, not rolled over into March. */
export function parseDate(option: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${option} YYYY-MM-DD is required`);
  if (isIsoDate(value)) return value;
  throw new UsageError(`${option} "${value}" is not a calendar date (expected YYYY-MM-DD)`);
}

/** Validates the arguments without touching the database, so a usage error never needs one. */
export function parseReportRequest(report: string, connectionId: string, opts: ReportOptions): ReportRequest {
  if (!(REPORTS as readonly string[]).includes(report)) {
    throw new UsageError(`unknown report "${report}" (expected ${REPORTS.join(' or ')})`);
  }
  const from = parseDate('--from', opts.from);
  const to = parseDate('--to', opts.to);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const format = opts.format ?? 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown --format "${format}" (expected ${OUTPUT_FORMATS.join(', ')})`);
  }
  if (report === 'overview' && opts.by !== undefined) {
    throw new UsageError('--by applies to the channels report only (the overview has one row per date)');
  }
  const level = opts.by ?? 'channel';
  if (!(CHANNEL_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`unknown --by "${level}" (expected ${CHANNEL_LEVELS.join(', ')})`);
  }
  return {
    report: report as ReportName,
    connectionId,
    from,
    to,
    level: level as ChannelLevel,
    format: format as OutputFormat,
  };
}

/** Runs a validated report and returns the text to print or serve. */
export async function runReport(pool: pg.Pool, req: ReportRequest): Promise<string> {
  const conn = await getConnection(pool, req.connectionId);
  if (!conn) throw new UsageError(`unknown connection "${req.connectionId}" (see pinads connections list)`);
  const range: ReportRange = { adAccountId: conn.ad_account_id, from: req.from, to: req.to };
  const isOverview = req.report === 'overview';
  const columns = isOverview ? OVERVIEW_COLUMNS : CHANNELS_COLUMNS;
  const result = isOverview
    ? await overviewReport(pool, range)
    : await channelsReport(pool, range, req.level);
  const rows = result.rows as unknown as Record<string, string | null>[];
  const totals = result.totals as unknown as Record<string, string | null>[];
  if (req.format === 'json') {
    return renderJson(columns, rows, totals, {
      report: req.report,
      connection_id: conn.id,
      ad_account_id: conn.ad_account_id,
      from: req.from,
      to: req.to,
      ...(isOverview ? {} : { by: req.level }),
    });
  }
  const style = req.format === 'table' ? 'display' : 'data';
  const cells = formatRows(columns, [...rows, ...totals], style);
  if (req.format === 'csv') return renderCsv(columns, cells);
  const title = `${isOverview ? 'Overview' : `Channels by ${req.level}`} · ${conn.name} (ad account ${conn.ad_account_id}) · ${req.from} to ${req.to}`;
  const body = rows.length === 0 ? '(no data in this range)\n' : renderTable(columns, cells, totals.length);
  return `${title}\n\n${body}`;
}
