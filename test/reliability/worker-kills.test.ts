// SIGKILLs `pinads worker` processes at many points of a multi-chunk backfill: right after a chunk commits (the
// next chunk's activities are in flight) and after random delays (during boot, mid-poll, mid-load, or while the lost
// activity waits out its heartbeat timeout). Each time a fresh worker takes over; the backfill must finish with the
// warehouse equal to the sandbox's truth in every metric column: nothing lost, nothing doubled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { utcToday } from '../helpers/harness.ts';
import { type ChildStack, startChildStack } from './child-stack.ts';
import { isClosed, LONG, progressOf, sleep, startBackfill, type WorkerProcess } from './support.ts';

/**
 * Where each kill lands. A kill mid-activity costs the activity's heartbeat timeout (workflows/steps.ts) before
 * Temporal retries it elsewhere; random kills soon after that often land in a booting or idle worker, which
 * is cheap. The default plan keeps the file near a minute; PINADS_LONG=1 kills at many more chunk boundaries.
 */
const PLAN: ('progress' | 'random')[] = LONG
  ? [
      'progress',
      'random',
      'random',
      'progress',
      'random',
      'random',
      'progress',
      'random',
      'progress',
      'random',
    ]
  : ['progress', 'random', 'random', 'random', 'random'];
const DAYS = LONG ? 600 : 217;

let s: ChildStack;
beforeAll(async () => {
  // A report takes a second poll, so every chunk spends time in flight where a kill can land.
  s = await startChildStack({ sandbox: { reportPollsUntilFinished: 1 } });
});
afterAll(async () => {
  await s?.close();
});

describe('workers SIGKILLed during a backfill', () => {
  it(`survives ${PLAN.length} kills at chunk boundaries and random points and ends equal to the truth`, async () => {
    const eur = s.sandbox.info.ad_accounts[1]!;
    const connectionId = await s.connect(eur.id);
    const to = addDays(utcToday(), -1);
    const from = addDays(to, -(DAYS - 1));
    const handle = await startBackfill(s.client, s.taskQueue, connectionId, from, to);
    // A seeded generator: a failing run can be replayed with the same kill points.
    let seed = Number(process.env.PINADS_KILL_SEED ?? 20240611);
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };

    let worker: WorkerProcess = s.startWorker();
    const kills: string[] = [];
    let lastDone = (await progressOf(handle))?.chunksDone ?? 0;
    for (const where of PLAN) {
      if (where === 'random') {
        await sleep(300 + Math.floor(rand() * 3000));
      } else {
        // Wait for the next chunk to commit, then kill while the following chunk's report is being polled and
        // loaded (the quick bookkeeping activities in between have a 2-minute timeout and no heartbeat, so a kill
        // there would cost twice as long to detect).
        for (;;) {
          const p = await progressOf(handle);
          if (p && p.chunksDone > lastDone) break;
          if (await isClosed(handle)) break;
          await sleep(200);
        }
        await sleep(600);
      }
      const p = await progressOf(handle);
      if (p && p.chunksDone >= p.chunksTotal) break;
      expect(worker.alive, `worker died on its own:\n${worker.stderr}`).toBe(true);
      await worker.kill('SIGKILL');
      kills.push(`${where}@${p?.chunksDone ?? '?'}`);
      lastDone = p?.chunksDone ?? lastDone;
      worker = s.startWorker();
    }
    console.info(`worker kills (where@chunksDone): ${kills.join(' ')}`);
    // The kill plan is sized so the range outlasts it; fewer kills would prove less than claimed.
    expect(kills, kills.join(' ')).toHaveLength(PLAN.length);

    const final = (await handle.result()) as { chunksDone: number; chunksTotal: number; rowsLoaded: number };
    await worker.kill('SIGTERM');
    expect(final.chunksDone).toBe(final.chunksTotal);
    expect(final.chunksTotal).toBeGreaterThanOrEqual(7);

    const truth = await s.truth(eur.id, from, to);
    expect(truth.length).toBeGreaterThan(1000);
    expect(await s.facts(eur.id, from, to)).toEqual(truth);
    expect(final.rowsLoaded).toBe(truth.length);
    // Hourly spend sums to the daily spend for every ad-day, so no hourly rows were lost or doubled either.
    const { rows } = await s.wh.pool.query(
      `SELECT count(*)::int AS bad FROM pinterest_ads.ad_daily_metrics d
       LEFT JOIN (SELECT ad_id, date, sum(spend_micro) AS s FROM pinterest_ads.ad_hourly_spend GROUP BY ad_id, date) h
         USING (ad_id, date)
       WHERE d.spend_micro > 0 AND h.s IS DISTINCT FROM d.spend_micro`,
    );
    expect(rows[0].bad).toBe(0);
  }, 600_000);
});
