import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import type { BackfillProgress } from '../../workflows/backfill.ts';
import { type Harness, startHarness, utcToday } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function backfill(
  connectionId: string,
  from: string,
  to: string,
  onProgress?: (p: BackfillProgress) => void,
) {
  const handle = await h.client.workflow.start('backfillConnection', {
    taskQueue: h.taskQueue,
    workflowId: `backfill-${connectionId}-${from}-${to}-${Math.random().toString(36).slice(2, 7)}`,
    args: [connectionId, from, to],
  });
  let done = false;
  const result = handle.result().finally(() => {
    done = true;
  }) as Promise<BackfillProgress>;
  while (!done && onProgress) {
    try {
      onProgress(await handle.query<BackfillProgress>('progress'));
    } catch {
      // not started yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const final = await result;
  onProgress?.(final);
  return final;
}

/** The most recent day before `today` whose local length in `zone` is `hours` (a DST change day). */
function lastDstDay(zone: string, hours: 23 | 25, today: string): string {
  for (let d = addDays(today, -1); d > addDays(today, -900); d = addDays(d, -1)) {
    const start = zonedMidnight(d, zone);
    const end = zonedMidnight(addDays(d, 1), zone);
    if ((end - start) / 3_600_000 === hours) return d;
  }
  throw new Error(`no ${hours}-hour day found in ${zone}`);
}

/** UTC epoch ms of local midnight of `date` in `zone`, found by adjusting for the zone's offset. */
function zonedMidnight(date: string, zone: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`);
  const offset = (t: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })
        .formatToParts(t)
        .map((x) => [x.type, x.value]),
    );
    return Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:00Z`) - t;
  };
  let t = guess - offset(guess);
  t = guess - offset(t);
  return t;
}

describe('backfillConnection', () => {
  it('loads a 400-day range equal to the truth, with progress moving monotonically to chunksTotal', async () => {
    const eur = h.sandbox.info.ad_accounts[1]!;
    const conn = await h.connect(eur.id);
    const to = addDays(utcToday(), -1);
    const from = addDays(to, -399);
    const seen: BackfillProgress[] = [];
    const final = await backfill(conn.id, from, to, (p) => seen.push(p));
    expect(final.chunksDone).toBe(final.chunksTotal);
    expect(final.chunksTotal).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.chunksDone).toBeGreaterThanOrEqual(seen[i - 1]!.chunksDone);
      expect(seen[i]!.rowsLoaded).toBeGreaterThanOrEqual(seen[i - 1]!.rowsLoaded);
    }
    const truth = await h.truth(eur.id, from, to);
    expect(truth.length).toBeGreaterThan(1000);
    expect(await h.facts(eur.id, from, to)).toEqual(truth);
    expect(final.rowsLoaded).toBe(truth.length);

    // Re-running a finished range is allowed and changes nothing.
    const again = await backfill(conn.id, from, to);
    expect(again.rowsLoaded).toBe(truth.length);
    expect(await h.facts(eur.id, from, to)).toEqual(truth);
    const { rows } = await h.wh.pool.query(
      `SELECT count(*)::int AS n FROM pinads.sync_runs
       WHERE kind = 'backfill' AND status = 'succeeded' AND report = 'ad_daily'`,
    );
    expect(rows[0].n).toBe(final.chunksTotal * 2);
  });

  it('splits spend over 23 and 25 hours on DST days for an account-zone connection', async () => {
    await h.wh.pool.query('DELETE FROM pinads.connections');
    const eur = h.sandbox.info.ad_accounts[1]!;
    const conn = await h.connect(eur.id, { reporting_time_zone: 'account' });
    const today = utcToday();
    for (const hours of [23, 25] as const) {
      const day = lastDstDay(eur.time_zone, hours, addDays(today, -2));
      await backfill(conn.id, addDays(day, -1), addDays(day, 1));
      const { rows } = await h.wh.pool.query(
        `SELECT date::text, count(*)::int AS hours, sum(spend_micro)::text AS spend,
                (SELECT spend_micro::text FROM pinterest_ads.ad_daily_metrics d WHERE d.ad_account_id = s.ad_account_id AND d.ad_id = s.ad_id AND d.date = s.date) AS daily
         FROM pinterest_ads.ad_hourly_spend s WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3 GROUP BY ad_account_id, ad_id, date`,
        [eur.id, addDays(day, -1), addDays(day, 1)],
      );
      const onDay = rows.filter((r) => r.date === day);
      expect(onDay.length).toBeGreaterThan(0);
      // Every ad with spend at least n micro-units gets all n hours of the local day.
      for (const r of onDay) if (BigInt(r.daily) >= 25n) expect(r.hours).toBe(hours);
      for (const r of rows) expect(r.spend).toBe(r.daily);
      const truth = await h.truth(eur.id, addDays(day, -1), addDays(day, 1), {
        reporting_time_zone: 'account',
      });
      expect(await h.facts(eur.id, addDays(day, -1), addDays(day, 1))).toEqual(truth);
    }
  });

  it('keeps the data consistent when an hourly sync runs during a backfill of the same days', async () => {
    await h.wh.pool.query('DELETE FROM pinads.connections');
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const conn = await h.connect(jpy.id);
    const today = utcToday();
    const from = addDays(today, -60);
    await Promise.all([
      backfill(conn.id, from, today),
      h.sync(conn.id),
      h.sync(conn.id, { mode: 'lookback' }),
    ]);
    expect(await h.facts(jpy.id, from, today)).toEqual(await h.truth(jpy.id, from, today));
  });
});
