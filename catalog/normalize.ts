// Rows of a downloaded report → normalized rows, from the entry alone: pure (no I/O), shared by the Postgres loader
// and the Airbyte source. A good row is checked by plain tests (the fast path: zod's per-row cost was two thirds of
// the connector's CPU per row); any other row goes to the entry's zod schema, which names the failing column, and
// then to the value grammar (schemas/report-values.ts), which accepts what JSON allows and says what it refused.
import { z } from 'zod';
import { isIsoDate } from '../common/dates.ts';
import { objectMaker } from '../common/object-maker.ts';
import type { ReportRecord } from '../pinterest/report-json.ts';
import {
  DATE_RE,
  decimalValue,
  FAST_DEC_MAX_LENGTH,
  FAST_DEC_RE,
  FAST_INT_RE,
  ID_RE,
  integerValue,
  MAX_BIGINT,
  NUMBER_RE,
} from '../schemas/report-values.ts';
import { cellValue, eventRows, ReportRowError, type RowContext, whereOf } from './cells.ts';
import type { ColumnKind, NormalizedRow, ReportEntry } from './types.ts';

export { ReportRowError, type RowContext } from './cells.ts';

const idText = z.string().regex(ID_RE, 'must be a numeric id');
const dateText = z
  .string()
  .regex(DATE_RE, 'must be YYYY-MM-DD')
  .refine(isIsoDate, 'must be a calendar date (YYYY-MM-DD)');
const numberText = z.string().regex(NUMBER_RE, 'must be a number');

function cellSchema(kind: ColumnKind, required: boolean): z.ZodType {
  const base =
    kind === 'id'
      ? idText
      : kind === 'date'
        ? dateText
        : kind === 'text'
          ? z.string().min(1, 'must not be empty')
          : numberText;
  return required ? base : base.nullish();
}

type RowSchema = z.ZodObject<Record<string, z.ZodType>>;

/** The fast path's test of a cell of each kind; `null` for dates (checked against a cache of proven dates). */
const FAST_TESTS: Record<ColumnKind, RegExp | null> = {
  id: ID_RE,
  count: FAST_INT_RE,
  micro: FAST_INT_RE,
  decimal: new RegExp(`^(?=.{1,${FAST_DEC_MAX_LENGTH}}$)${FAST_DEC_RE.source.slice(1, -1)}$`),
  text: /^[\s\S]/,
  date: null,
};

/** Column kinds as small integers, for the per-cell switch of the hot loop. */
const INT_KIND = 0;
const DEC_KIND = 1;
const OTHER_KIND = 2;

interface Compiled {
  schema: RowSchema;
  /** The fast checks as parallel arrays (a tuple per cell cost a third more per row): Pinterest column, test, required. */
  fastSources: string[];
  fastTests: RegExp[];
  fastRequired: boolean[];
  /** The date column's Pinterest name (DATE). */
  dateSource: string;
  /** Stored cells in the row's order, the entity first: warehouse name, Pinterest column, kind (INT/DEC/OTHER). */
  names: string[];
  sources: string[];
  kinds: number[];
  /** Builds a row object from its cells in `names` order. */
  makeRow: (cells: unknown[]) => NormalizedRow;
}

const compiled = new WeakMap<ReportEntry, Compiled>();

function compile(entry: ReportEntry): Compiled {
  let c = compiled.get(entry);
  if (c) return c;
  const shape: Record<string, z.ZodType> = {};
  const fastSources: string[] = [];
  const fastTests: RegExp[] = [];
  const fastRequired: boolean[] = [];
  let dateSource = 'DATE';
  const add = (source: string, kind: ColumnKind, required: boolean) => {
    shape[source] = cellSchema(kind, required);
    const test = FAST_TESTS[kind];
    if (test === null) {
      dateSource = source;
      return;
    }
    fastSources.push(source);
    fastTests.push(test);
    fastRequired.push(required);
  };
  for (const col of entry.columns) add(col.source, col.kind, col.required === true);
  for (const s of entry.entity.sources) add(s, 'id', false);
  const sources = entry.entity.sources;
  const schema: RowSchema = z
    .object(shape)
    .passthrough()
    .refine((r) => sources.some((s) => r[s] !== undefined && r[s] !== null), {
      message: `has ${sources.length > 1 ? `neither ${sources.join(' nor ')}` : `no ${sources[0]}`}`,
    });
  const stored = entry.columns.filter((col) => col.name !== null);
  const kindOf = (k: ColumnKind) =>
    k === 'count' || k === 'micro' ? INT_KIND : k === 'decimal' ? DEC_KIND : OTHER_KIND;
  const names = [entry.entity.name, ...stored.map((col) => col.name!)];
  c = {
    makeRow: objectMaker<unknown>(
      entry.perEvent ? [...names, entry.perEvent.name, ...entry.perEvent.metrics.map((m) => m.name)] : names,
    ) as (cells: unknown[]) => NormalizedRow,
    schema,
    fastSources,
    fastTests,
    fastRequired,
    dateSource,
    names,
    sources: ['', ...stored.map((col) => col.source)],
    kinds: [OTHER_KIND, ...stored.map((col) => kindOf(col.kind))],
  };
  compiled.set(entry, c);
  return c;
}

/** The zod schema of one raw row of the entry (numbers as their JSON text). */
export function rawRowSchema(entry: ReportEntry): RowSchema {
  return compile(entry).schema;
}

/** Calendar dates already proven valid: a report has at most 186 distinct ones, each seen on thousands of rows. */
const validDates = new Set<string>();

/** The entry's checks as plain tests. Only sound as a subset of rawRowSchema (test/unit/report-row-fast-path.test.ts). */
export function passesFastChecks(entry: ReportEntry, raw: unknown): boolean {
  return fastChecks(compile(entry), entry, raw);
}

function fastChecks(c: Compiled, entry: ReportEntry, raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const r = raw as Record<string, unknown>;
  const date = r[c.dateSource];
  if (typeof date !== 'string') return false;
  if (!validDates.has(date)) {
    if (!DATE_RE.test(date) || !isIsoDate(date)) return false;
    if (validDates.size >= 10_000) validDates.clear();
    validDates.add(date);
  }
  const { fastSources, fastTests, fastRequired } = c;
  for (let i = 0; i < fastSources.length; i++) {
    const v = r[fastSources[i]!];
    if (v === undefined) {
      if (fastRequired[i]) return false;
      continue;
    }
    if (typeof v !== 'string' || !fastTests[i]!.test(v)) return false;
  }
  for (const s of entry.entity.sources) if (r[s] !== undefined) return true;
  return false;
}

function entityOf(entry: ReportEntry, r: Record<string, unknown>): string {
  for (const s of entry.entity.sources) {
    const v = r[s];
    if (v !== undefined && v !== null) return v as string;
  }
  return '';
}

// Module-local copies: read once per row in the hot loop, where an imported binding costs a lookup each time.
const MAX = MAX_BIGINT;
const readInteger = integerValue;
const readDecimal = decimalValue;

/**
 * Validates one row and maps it to the entry's warehouse columns (one row per event for per-event entries), pushed
 * onto `out`. Errors name the row, its entity and the column.
 */
export function normalizeRow(entry: ReportEntry, raw: unknown, ctx: RowContext, out: NormalizedRow[]): void {
  const c = compile(entry);
  const fast = fastChecks(c, entry, raw);
  if (!fast) {
    const parsed = c.schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ReportRowError(`${whereOf(entry, ctx)}: ${issue.path.join('.') || 'row'} ${issue.message}`);
    }
  }
  const r = raw as Record<string, string | null | undefined>;
  const entity = entityOf(entry, r);
  if (entity !== ctx.entityKey) {
    const source = entry.entity.sources.find((s) => r[s] === entity) ?? entry.entity.sources[0];
    throw new ReportRowError(
      `${whereOf(entry, ctx)}: ${source} ${entity} differs from its key ${ctx.entityKey}`,
    );
  }
  const date = r[c.dateSource] as string;
  if (date < ctx.window.start || date > ctx.window.end) {
    const { start, end } = ctx.window;
    throw new ReportRowError(
      `${whereOf(entry, ctx)}: ${c.dateSource} ${date} is outside the requested window ${start}..${end}`,
    );
  }
  const { names, sources, kinds } = c;
  const cells: unknown[] = new Array(names.length);
  cells[0] = entity;
  for (let i = 1; i < names.length; i++) {
    const v = r[sources[i]!];
    const kind = kinds[i];
    if (kind === INT_KIND) {
      if (!fast) cells[i] = cellValue(readInteger, v, entry, ctx, sources[i]!);
      else if (v === undefined) cells[i] = 0n;
      else {
        // The fast path's digits can still exceed a bigint.
        const n = BigInt(v as string);
        if (n > MAX)
          throw new ReportRowError(
            `${whereOf(entry, ctx)}: ${sources[i]} ${v} is out of range (above 2^63-1)`,
          );
        cells[i] = n;
      }
    } else if (kind === DEC_KIND) {
      cells[i] = fast ? (v === undefined ? '0' : v) : cellValue(readDecimal, v, entry, ctx, sources[i]!);
    } else cells[i] = v ?? null;
  }
  if (entry.perEvent) eventRows(entry, r, ctx, cells, c.makeRow, out);
  else out.push(c.makeRow(cells));
}

/** A batch of parsed report records → normalized rows (the Airbyte source's entry point as much as the loader's). */
export function normalizeRecords(
  entry: ReportEntry,
  records: readonly ReportRecord[],
  window: { start: string; end: string },
): NormalizedRow[] {
  const out: NormalizedRow[] = [];
  for (const { entityKey, index, row } of records)
    normalizeRow(entry, row, { entityKey, index, window }, out);
  return out;
}
