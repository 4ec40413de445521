// Failures that must stay partial: a lookback that fails leaves the hourly window committed, an empty report file
// replaces its window with zero rows, and a backfill chunk that fails for good lets the others finish and is the
// only chunk a re-run redoes. Report files are tampered with by a proxy in front of the sandbox, so the real client,
// parser and loader see them as they would from Pinterest's file host. Backfills run through the real CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { backfillWorkflowId } from '../../temporal/schedules.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';
import { type ReportProxy, startReportProxy } from './report-proxy.ts';

let proxy: ReportProxy;
let h: Harness;

function pinads(args: string[]) {
  return runPinads(args, h.cliEnv());
}

/** Breaks every report file that holds a row dated `date` (report rows carry their DATE). */
const breakFilesWith = (date: string) => (body: string) => ({
  body: body.includes(`"DATE":"${date}"`) ? '{"not": a report' : body,
});

beforeAll(async () => {
  proxy = await startReportProxy();
  const pinterest = {
    get apiUrl() {
      return `${proxy.url}/v5`;
    },
    get clientId() {
      return h.sandbox.info.client_id;
    },
    get clientSecret() {
      return h.sandbox.info.client_secret;
    },
  };
  h = await startHarness({ deps: { pinterest } });
  proxy.upstream = h.sandbox.info.url;
});
afterAll(async () => {
  await h?.close();
  await proxy?.close();
});

/** The connection's runs of the ad-level report (the daily extras have rows of their own). */
async function runs(connectionId: string) {
  const { rows } = await h.wh.pool.query(
    `SELECT kind, status, window_start::text AS start, window_end::text AS end, rows_loaded::int AS rows, error,
            workflow_id, run_id
     FROM pinads.sync_runs WHERE connection_id = $1 AND report = 'ad_daily' ORDER BY id`,
    [connectionId],
  );
  return rows;
}

describe('partial failures', () => {
  it('a failing lookback leaves the hourly window committed, and the next run does the lookback', async () => {
    const usd = h.sandbox.info.ad_accounts[0]!;
    const conn = await h.connect(usd.id);
    const today = utcToday();
    proxy.corrupt = breakFilesWith(addDays(today, -5)); // in the lookback window, not in the hourly one
    await expect(h.sync(conn.id, { mode: 'lookback' })).rejects.toThrow();
    proxy.corrupt = undefined;
    const hourly = { start: addDays(today, -1), end: today };
    expect(await h.facts(usd.id, hourly.start, hourly.end)).toEqual(
      await h.truth(usd.id, hourly.start, hourly.end),
    );
    expect((await h.facts(usd.id, hourly.start, hourly.end)).length).toBeGreaterThan(0);
    expect((await runs(conn.id)).map((r) => [r.kind, r.status])).toEqual([
      ['hourly', 'succeeded'],
      ['lookback', 'failed'],
    ]);

    const again = await h.sync(conn.id, { mode: 'lookback' });
    expect(again.kind).toBe('lookback');
    const w = { start: again.windows[0]!.start, end: again.windows.at(-1)!.end };
    expect(w.start).toBe(addDays(today, -7));
    expect(await h.facts(usd.id, w.start, w.end)).toEqual(await h.truth(usd.id, w.start, w.end));
  });

  it('an empty report file replaces its window with zero rows', async () => {
    const eur = h.sandbox.info.ad_accounts[1]!;
    const conn = await h.connect(eur.id);
    const today = utcToday();
    await h.sync(conn.id);
    expect((await h.facts(eur.id, addDays(today, -1), today)).length).toBeGreaterThan(0);
    proxy.corrupt = () => ({ body: '' });
    const r = await h.sync(conn.id);
    proxy.corrupt = undefined;
    expect(r.rowsLoaded).toBe(0);
    expect(await h.facts(eur.id, addDays(today, -1), today)).toEqual([]);
    expect((await runs(conn.id)).at(-1)).toMatchObject({ status: 'succeeded', rows: 0 });
  });

  it('a backfill with one chunk failing for good finishes the others, fails naming it, and a re-run redoes only it', async () => {
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const conn = await h.connect(jpy.id);
    const to = addDays(utcToday(), -2);
    const from = addDays(to, -92); // three 31-day chunks
    const bad = addDays(from, 40); // in the second chunk
    proxy.corrupt = breakFilesWith(bad);
    const first = await pinads(['backfill', conn.id, '--from', from, '--to', to, '--wait']);
    proxy.corrupt = undefined;
    expect(first.code).toBe(1);
    const chunk2 = `${addDays(from, 31)}..${addDays(from, 61)}`;
    expect(first.stderr).toContain(`1 of 3 chunks failed (${chunk2})`);
    expect(first.stderr).toMatch(/invalid report/);
    const afterFirst = await runs(conn.id);
    expect(afterFirst.map((r) => r.status).sort()).toEqual(['failed', 'succeeded', 'succeeded']);

    const second = await pinads(['backfill', conn.id, '--from', from, '--to', to, '--wait']);
    expect(second.code, second.stderr).toBe(0);
    const rerun = (await runs(conn.id)).slice(afterFirst.length);
    expect(rerun.map((r) => [r.start, r.end, r.status])).toEqual([
      [addDays(from, 31), addDays(from, 61), 'succeeded'],
    ]);
    expect(rerun[0]!.workflow_id).toBe(backfillWorkflowId(conn.id, from, to));
    expect(await h.facts(jpy.id, from, to)).toEqual(await h.truth(jpy.id, from, to));

    // Once every chunk is done, running it again is a refresh: all chunks are read again.
    const third = await pinads(['backfill', conn.id, '--from', from, '--to', to, '--wait']);
    expect(third.code, third.stderr).toBe(0);
    expect((await runs(conn.id)).length).toBe(afterFirst.length + 1 + 3);
  });
});
