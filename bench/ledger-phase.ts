// Phase (j): what the restatement ledger costs a load. The bench account's rows (as phase (a) loaded them) are read
// back, the last days' spend moved by one micro-unit (a restatement), and the windows replaced through the loader
// itself, in this process: the ledger's statements (previous totals read, moved days written) report their own
// time. Its only per-row work, summing each day's spend, conversions and value while the rows stream into the COPY,
// is timed over the same rows. Their sum, against phase (a)'s load time for as many rows, is the ledger's share.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import { tableColumns } from '../catalog/columns.ts';
import { AD_DAILY, type NormalizedRow } from '../catalog/index.ts';
import type { DateWindow } from '../common/dates.ts';
import { addDays } from '../common/dates.ts';
import { loadReportWindow } from '../warehouse/load.ts';
import { newTotals } from '../warehouse/pull-record.ts';
import type { BenchWarehouse } from './stack.ts';

export interface LedgerPhaseResult {
  ledger_replaced_rows: number;
  /** Account-days whose totals moved, written to pinterest_ads.restatements. */
  restatement_rows: number;
  /** The ledger's statements over all windows of the replacement. */
  ledger_statements_ms: number;
  /** Summing the rows' day totals, the ledger's per-row work. */
  ledger_summing_ms: number;
  ledger_ms_per_million_rows: number;
  /** (statements + summing) / phase (a)'s load time for as many rows. */
  ledger_share_of_load_path: number;
}

/** Days whose spend moves before the replacement: a week, as a restatement of late data would. */
const RESTATED_DAYS = 7;

const COLUMNS = tableColumns(AD_DAILY);

function parseLine(line: string): NormalizedRow {
  const cells = line.split('\t');
  const row: NormalizedRow = {};
  COLUMNS.forEach((c, i) => {
    const v = cells[i]!;
    row[c.name] = v === '\\N' ? null : c.kind === 'count' || c.kind === 'micro' ? BigInt(v) : v;
  });
  return row;
}

async function* rowsOf(file: string, w: DateWindow, movedFrom: string): AsyncGenerator<NormalizedRow[]> {
  let batch: NormalizedRow[] = [];
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const row = parseLine(line);
    const date = row.date as string;
    if (date < w.start || date > w.end) continue;
    if (date >= movedFrom) row.spend_micro = (row.spend_micro as bigint) + 1n;
    batch.push(row);
    if (batch.length === 2000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export async function ledgerPhase(
  bw: BenchWarehouse,
  opts: { adAccountId: string; windows: DateWindow[]; loadSeconds: number; loadRows: number },
): Promise<LedgerPhaseResult> {
  if (!/^\d+$/.test(opts.adAccountId)) throw new Error(`bad bench account ${opts.adAccountId}`);
  const dir = await mkdtemp(join(tmpdir(), 'pinads-bench-ledger-'));
  try {
    const file = join(dir, 'rows.copy');
    const c = await bw.wh.pool.connect();
    let stamp: { currency: string; time_zone: string } & Record<string, unknown>;
    try {
      const select = `SELECT ${COLUMNS.map((x) => x.name).join(', ')} FROM pinterest_ads.ad_daily_metrics
        WHERE ad_account_id = '${opts.adAccountId}' ORDER BY date, ad_id`;
      if (bw.wh.canCopy)
        await pipeline(c.query(copyTo(`COPY (${select}) TO STDOUT`)), createWriteStream(file));
      else {
        // PGlite cannot COPY over its socket; its sample is small enough to read whole.
        const { rows: all } = await c.query({
          text: select.replace(
            /^SELECT (.*) FROM/s,
            (_, cols: string) =>
              `SELECT ${cols
                .split(', ')
                .map((x) => `${x}::text`)
                .join(', ')} FROM`,
          ),
          rowMode: 'array',
        });
        await writeFile(
          file,
          all.map((r: (string | null)[]) => `${r.map((v) => v ?? '\\N').join('\t')}\n`).join(''),
        );
      }
      stamp = (
        await c.query(
          `SELECT currency, time_zone, click_window_days, engagement_window_days, view_window_days,
                  conversion_report_time FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 LIMIT 1`,
          [opts.adAccountId],
        )
      ).rows[0];
      if (bw.wh.canCopy) {
        await c.query('VACUUM pinterest_ads.ad_daily_metrics');
        await c.query('CHECKPOINT');
      }
    } finally {
      c.release();
    }
    const last = opts.windows[opts.windows.length - 1]!.end;
    const movedFrom = addDays(last, -(RESTATED_DAYS - 1));
    let rows = 0;
    let restated = 0;
    let statementsMs = 0;
    for (const w of opts.windows) {
      const r = await loadReportWindow(bw.wh, AD_DAILY, {
        adAccountId: opts.adAccountId,
        window: w,
        currency: stamp.currency,
        timeZone: stamp.time_zone,
        attribution: {
          click_window_days: stamp.click_window_days as number,
          engagement_window_days: stamp.engagement_window_days as number,
          view_window_days: stamp.view_window_days as number,
          conversion_report_time: stamp.conversion_report_time as string,
        },
        rows: rowsOf(file, w, movedFrom),
        now: new Date(),
      });
      rows += r.dailyRows;
      restated += r.restatements;
      statementsMs += r.ledgerMs;
    }
    // The per-row work, on the same rows' cells held in memory: the best of three passes.
    const [dates, spends, values, conversions] = [[], [], [], []] as [string[], bigint[], bigint[], string[]];
    for await (const b of rowsOf(file, { start: '0000-01-01', end: '9999-12-31' }, movedFrom))
      for (const r of b) {
        dates.push(r.date as string);
        spends.push(r.spend_micro as bigint);
        values.push(r.conversion_value_micro as bigint);
        conversions.push(r.conversions as string);
      }
    let summingMs = Number.POSITIVE_INFINITY;
    for (let pass = 0; pass < 3; pass++) {
      const t0 = performance.now();
      const days = new Map<string, ReturnType<typeof newTotals>>();
      for (let i = 0; i < dates.length; i++) {
        let t = days.get(dates[i]!);
        if (t === undefined) {
          t = newTotals();
          days.set(dates[i]!, t);
        }
        t.spend += spends[i]!;
        t.value += values[i]!;
        t.conversions.add(conversions[i]!);
      }
      summingMs = Math.min(summingMs, performance.now() - t0);
    }
    const ledgerMs = statementsMs + summingMs;
    const loadMsForRows = (opts.loadSeconds * 1000 * rows) / opts.loadRows;
    const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      ledger_replaced_rows: rows,
      restatement_rows: restated,
      ledger_statements_ms: round(statementsMs, 1),
      ledger_summing_ms: round(summingMs, 1),
      ledger_ms_per_million_rows: Math.round((ledgerMs / rows) * 1_000_000),
      ledger_share_of_load_path: round(ledgerMs / loadMsForRows, 4),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
