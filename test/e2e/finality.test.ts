// Finality and the catch-up, with the sandbox's clock and the worker's moved together (issue 18 items 1-2, issue 23
// item 1). A provisional day turns final when the sandbox says so, is pulled once more (folded into the hourly
// window) and then left alone by later passes, unless `pinads sync --lookback --all-days` asks; a restatement of a
// provisional day lands and is in the ledger with exact before and after figures; and after a 14-day outage the
// first pass re-reads every missed day. The warehouse equals the truth throughout. Real worker, real CLI, sandbox,
// Postgres. About 60 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import type { SyncResult } from '../../workflows/sync.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness, type TruthRow, utcToday } from '../helpers/harness.ts';

let h: Harness;
/** The one clock of the sandbox and the worker: moved by the test, pinned in between. */
let clock: Date;
const at = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00Z`);

// Readiness in the sandbox (sandbox/readiness.ts): non-conversion metrics 3 h after the UTC day, conversion 78 h.
const T1 = addDays(utcToday(), 2);

beforeAll(async () => {
  // Noon: past every connection's daily pass hour (6–11, activities/run-plan.ts), so each scheduled run below has its pass.
  clock = at(T1, '12:00');
  h = await startHarness({ sandbox: { now: () => clock }, deps: { now: () => clock } });
});
afterAll(async () => {
  await h?.close();
});

/** What the schedule runs: syncConnection(id) in auto mode, at the clock's time. */
const scheduled = (id: string) => h.sync(id, {}) as Promise<SyncResult>;

async function status(account: string, date: string) {
  const { rows } = await h.wh.pool.query(
    `SELECT is_final, non_conversion_ready_at, conversion_ready_at, last_pulled_at
     FROM pinterest_ads.account_day_status WHERE ad_account_id = $1 AND date = $2`,
    [account, date],
  );
  return rows[0] as
    | {
        is_final: boolean;
        non_conversion_ready_at: Date | null;
        conversion_ready_at: Date | null;
        last_pulled_at: Date;
      }
    | undefined;
}

const totals = (rows: TruthRow[], date: string) => {
  const day = rows.filter((r) => r.date === date);
  const sum = (k: 'spend_micro' | 'conversions' | 'conversion_value_micro') =>
    day.reduce((s, r) => s + Number(r[k]), 0);
  return { spend: sum('spend_micro'), conversions: sum('conversions'), value: sum('conversion_value_micro') };
};

describe('finality and the catch-up', () => {
  const usd = () => h.sandbox.info.ad_accounts[0]!;
  const eur = () => h.sandbox.info.ad_accounts[1]!;
  let a: string;
  let b: string;
  const D = addDays(T1, -3); // provisional on day T1, conversion-ready at T1+1 06:00
  const range = (to: string) => ({ start: addDays(T1, -7), end: to });
  const equalsTruth = async (account: string, to: string) => {
    const r = range(to);
    expect(await h.facts(account, r.start, r.end)).toEqual(await h.truth(account, r.start, r.end));
  };
  let before: ReturnType<typeof totals>;

  it('day one: the pass pulls the lookback; older days are final, the recent ones provisional', async () => {
    a = (await h.connect(usd().id)).id;
    b = (await h.connect(eur().id)).id;
    const r = await scheduled(a);
    expect(r.kind).toBe('lookback');
    await scheduled(b);
    expect((await status(usd().id, addDays(T1, -4)))?.is_final).toBe(true);
    const d = await status(usd().id, D);
    expect(d).toMatchObject({ is_final: false, conversion_ready_at: null });
    expect(d?.non_conversion_ready_at).toBeInstanceOf(Date);
    await equalsTruth(usd().id, T1);
    await equalsTruth(eur().id, T1);
    before = totals(await h.facts(usd().id, D, D), D);
  });

  it('day two: D turns final, is pulled once more (in the hourly window), and its restatement lands in the ledger', async () => {
    await h.control('/__sandbox/restate', { days_back: 4 });
    clock = at(addDays(T1, 1), '12:00');
    const after = totals(await h.truth(usd().id, D, D), D);
    expect(after).not.toEqual(before);
    const r = await scheduled(a);
    expect(r.kind).toBe('lookback');
    // The only days left to re-read were within 3 days of the hourly window: one report, not two.
    expect(r.hourly).toMatchObject({ start: D, end: addDays(T1, 1) });
    expect(r.reports?.map((x) => x.report)).not.toContain('ad_daily');
    expect(r.reports?.filter((x) => x.error)).toEqual([]);
    expect(await status(usd().id, D)).toMatchObject({ is_final: true, last_pulled_at: clock });
    await equalsTruth(usd().id, addDays(T1, 1));
    const { rows } = await h.wh.pool.query(
      `SELECT spend_micro_before::float8 AS sb, spend_micro_after::float8 AS sa, conversions_before::float8 AS cb,
              conversions_after::float8 AS ca, conversion_value_micro_before::float8 AS vb,
              conversion_value_micro_after::float8 AS va, run_id
       FROM pinterest_ads.restatements WHERE ad_account_id = $1 AND date = $2`,
      [usd().id, D],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      sb: before.spend,
      sa: after.spend,
      cb: before.conversions,
      ca: after.conversions,
      vb: before.value,
      va: after.value,
    });
    expect(rows[0].run_id).not.toBeNull();
  });

  it('day three: the final day is left alone by the pass and by --lookback, and re-read with --all-days', async () => {
    clock = at(addDays(T1, 2), '12:00');
    const pulledAt = (await status(usd().id, D))!.last_pulled_at;
    const r = await scheduled(a);
    expect(r.hourly!.start > D).toBe(true);
    expect(r.finalDaysSkipped).toBeGreaterThan(0);
    expect((await status(usd().id, D))!.last_pulled_at).toEqual(pulledAt);

    const lookback = await runPinads(['sync', a, '--lookback', '--wait'], h.cliEnv());
    expect(lookback.code, lookback.stderr).toBe(0);
    expect(lookback.stdout).toMatch(/final days left alone/);
    expect((await status(usd().id, D))!.last_pulled_at).toEqual(pulledAt);

    const all = await runPinads(['sync', a, '--lookback', '--all-days', '--wait'], h.cliEnv());
    expect(all.code, all.stderr).toBe(0);
    expect((await status(usd().id, D))!.last_pulled_at).toEqual(clock);
    expect((await status(usd().id, D))!.is_final).toBe(true);
    await equalsTruth(usd().id, addDays(T1, 2));

    const usage = await runPinads(['sync', a, '--all-days'], h.cliEnv());
    expect(usage.code).toBe(2);
  });

  it('after a 14-day outage the first pass re-reads every missed day: the warehouse equals the truth over all of them', async () => {
    clock = at(addDays(T1, 14), '12:00');
    const r = await scheduled(b);
    expect(r.kind).toBe('lookback');
    await equalsTruth(eur().id, addDays(T1, 14));
    // Nothing missed is left out: every day since the last pass has a pull after the outage, or was final before it.
    const { rows } = await h.wh.pool.query(
      `SELECT date::text AS date FROM generate_series($2::date, $3::date, interval '1 day') AS g(date)
       WHERE NOT EXISTS (SELECT 1 FROM pinads.day_pulls p WHERE p.ad_account_id = $1 AND p.report = 'ad_daily'
                         AND p.date = g.date AND (p.last_pulled_at = $4 OR p.is_final))`,
      [eur().id, addDays(T1, -7), addDays(T1, 14), clock],
    );
    expect(rows).toEqual([]);
  });
});
