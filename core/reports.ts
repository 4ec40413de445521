// The reports as every front door asks for them (`pinads report`, the dashboard's CSVs, `pinads dev`): the request
// validated without a database, then run and written out. Overview and Channels per day or entity; breakdown (by
// country, region, age, gender or app type) and keywords from the daily extra reports. The numbers are computed in
// Postgres numeric (warehouse/reports.ts, warehouse/breakdowns.ts); the writing is core/report-format.ts.
import type pg from 'pg';
import { isIsoDate } from '../common/dates.ts';
import {
  BREAKDOWN_BYS,
  type BreakdownBy,
  breakdownReport,
  type ExtraResult,
  keywordsReport,
} from '../warehouse/breakdowns.ts';
import { getConnection } from '../warehouse/control.ts';
import {
  CHANNEL_LEVELS,
  type ChannelLevel,
  channelsReport,
  overviewReport,
  type ReportRange,
} from '../warehouse/reports.ts';
import { UsageError } from './errors.ts';
import { BREAKDOWN_COLUMNS, CHANNELS_COLUMNS, KEYWORD_COLUMNS, OVERVIEW_COLUMNS } from './report-columns.ts';
import {
  type Column,
  formatRows,
  OUTPUT_FORMATS,
  type OutputFormat,
  renderCsv,
  renderJson,
  renderTable,
} from './report-format.ts';

export { OVERVIEW_COLUMNS };

const REPORTS = ['overview', 'channels', 'breakdown', 'keywords'] as const;
type ReportName = (typeof REPORTS)[number];

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
  /** The Channels level (channel when not channels). */
  level: ChannelLevel;
  /** The breakdown's dimension (breakdown only). */
  by?: BreakdownBy;
  format: OutputFormat;
}

/** A real calendar date in YYYY-MM-DD: 2026-02-30 is rejected, not rolled over into March. */
export function parseDate(option: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${option} YYYY-MM-DD is required`);
  if (isIsoDate(value)) return value;
  throw new UsageError(`${option} "${value}" is not a calendar date (expected YYYY-MM-DD)`);
}

const oneOf = (what: string, value: string, allowed: readonly string[]) => {
  if (!allowed.includes(value))
    throw new UsageError(`unknown ${what} "${value}" (expected ${allowed.join(', ')})`);
  return value;
};

/** Validates the arguments without touching the database, so a usage error never needs one. */
export function parseReportRequest(report: string, connectionId: string, opts: ReportOptions): ReportRequest {
  if (!(REPORTS as readonly string[]).includes(report)) {
    throw new UsageError(`unknown report "${report}" (expected ${REPORTS.join(', ')})`);
  }
  const from = parseDate('--from', opts.from);
  const to = parseDate('--to', opts.to);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const format = oneOf('--format', opts.format ?? 'table', OUTPUT_FORMATS) as OutputFormat;
  const base = {
    report: report as ReportName,
    connectionId,
    from,
    to,
    format,
    level: 'channel' as ChannelLevel,
  };
  if (report === 'breakdown') {
    if (opts.by === undefined) throw new UsageError(`--by ${BREAKDOWN_BYS.join('|')} is required`);
    return { ...base, by: oneOf('--by', opts.by, BREAKDOWN_BYS) as BreakdownBy };
  }
  if (report !== 'channels' && opts.by !== undefined) {
    throw new UsageError(
      `--by applies to the channels and breakdown reports only (the ${report} report has one row per ${report === 'overview' ? 'date' : 'keyword'})`,
    );
  }
  return { ...base, level: oneOf('--by', opts.by ?? 'channel', CHANNEL_LEVELS) as ChannelLevel };
}

type Row = Record<string, string | null>;
interface Written {
  columns: Column[];
  rows: Row[];
  totals: Row[];
  title: string;
  meta: Record<string, string | null>;
  /** Said under a table (e.g. how fresh a daily report is). */
  notes: string[];
}

const PROVISIONAL =
  '* provisional: not final at Pinterest yet, the numbers may still change (docs/warehouse.md, Finality)';

/**
 * A table shows finality as a marker: ` *` after the first cell of every provisional row (is_final false) and a
 * footnote, instead of a column of true/false.
 */
function markedTable(w: Written): string {
  const keep = w.columns.filter((c) => c.kind !== 'bool');
  const all = [...w.rows, ...w.totals];
  const cells = formatRows(keep, all, 'display');
  let marked = 0;
  all.forEach((r, i) => {
    if (r.is_final !== 'false') return;
    marked++;
    cells[i]![0] = `${cells[i]![0]} *`;
  });
  const notes = [...(marked ? [PROVISIONAL] : []), ...w.notes];
  const body = w.rows.length === 0 ? '(no data in this range)\n' : renderTable(keep, cells, w.totals.length);
  return `${w.title}\n\n${body}${notes.length && w.rows.length ? `\n${notes.join('\n')}\n` : ''}`;
}

function write(w: Written, format: OutputFormat): string {
  if (format === 'json') return renderJson(w.columns, w.rows, w.totals, w.meta);
  if (format === 'csv') return renderCsv(w.columns, formatRows(w.columns, [...w.rows, ...w.totals], 'data'));
  return markedTable(w);
}

const asRows = (r: { rows: object[]; totals: object[] }) => ({
  rows: r.rows as unknown as Row[],
  totals: r.totals as unknown as Row[],
});

/** The daily extras: which days they cover, and what a custom event means for them. */
function extraNotes(event: string, r: ExtraResult<object>, to: string): string[] {
  const notes = [
    r.pulledThrough === null
      ? 'This daily report has not pulled any day of the range yet.'
      : r.pulledThrough < to
        ? `Daily report: days after ${r.pulledThrough} are not pulled yet (once per reporting day, after 06:00).`
        : '',
  ];
  if (event.startsWith('custom:'))
    notes.push(
      `Conversions count ${event}, which Pinterest does not break down by targeting or keyword: they are empty here.`,
    );
  return notes.filter(Boolean);
}

/** With a custom event, the days its daily report has not pulled yet have no conversions (NULL): say what that means. */
function unknownDaysNote(event: string, rows: Row[]): string[] {
  if (!event.startsWith('custom:') || !rows.some((r) => r.conversions === null)) return [];
  return [
    `Conversions count ${event}, from a daily report: — marks days it has not pulled yet, and the CPA and ROAS of a total count only the days that have them.`,
  ];
}

/** Runs a validated report and returns the text to print or serve. */
export async function runReport(pool: pg.Pool, req: ReportRequest): Promise<string> {
  const conn = await getConnection(pool, req.connectionId);
  if (!conn) throw new UsageError(`unknown connection "${req.connectionId}" (see pinads connections list)`);
  const range: ReportRange = { adAccountId: conn.ad_account_id, from: req.from, to: req.to };
  const event = conn.settings.conversion_event;
  const meta = {
    report: req.report,
    connection_id: conn.id,
    ad_account_id: conn.ad_account_id,
    from: req.from,
    to: req.to,
  };
  const who = `${conn.name} (ad account ${conn.ad_account_id}) · ${req.from} to ${req.to} · conversions: ${event}`;
  let w: Written;
  if (req.report === 'overview') {
    const r = asRows(await overviewReport(pool, range));
    w = {
      columns: OVERVIEW_COLUMNS,
      ...r,
      title: `Overview · ${who}`,
      meta: { ...meta, conversion_event: event },
      notes: unknownDaysNote(event, r.rows),
    };
  } else if (req.report === 'channels') {
    w = {
      columns: CHANNELS_COLUMNS,
      ...asRows(await channelsReport(pool, range, req.level)),
      title: `Channels by ${req.level} · ${who}`,
      meta: { ...meta, by: req.level, conversion_event: event },
      notes: [],
    };
  } else {
    const r =
      req.report === 'breakdown'
        ? await breakdownReport(pool, range, req.by!, event)
        : await keywordsReport(pool, range, event);
    w = {
      columns: req.report === 'breakdown' ? BREAKDOWN_COLUMNS : KEYWORD_COLUMNS,
      ...asRows(r),
      title: `${req.report === 'breakdown' ? `Breakdown by ${req.by}` : 'Keywords'} · ${who}`,
      meta: {
        ...meta,
        ...(req.by ? { by: req.by } : {}),
        conversion_event: event,
        pulled_through: r.pulledThrough,
      },
      notes: extraNotes(event, r, req.to),
    };
  }
  return write(w, req.format);
}
