// #23 item 5: a worker frozen in the middle of a load (SIGSTOP: its connection stays open, so neither keepalive nor
// idle_in_transaction_session_timeout ends it, and Postgres does not cancel a COPY that waits for its client) kept
// the account's lock for hours, and every later load of the account failed on it. Now a load's statements run under
// statement_timeout and the next load of the account ends a holder stuck past that bound. Real `pinads worker`
// children, sandbox, Temporal and Postgres; the bounds shortened by the workers' own settings. ~50 s.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { utcToday } from '../helpers/harness.ts';
import { type ChildStack, startChildStack } from './child-stack.ts';
import { sleep, startBackfill, type WorkerProcess } from './support.ts';

/** A load may run 8 s per statement and waits 2 s for its account's lock (defaults: 20 min and 2 min). */
const BOUNDS = { PINADS_LOAD_TIMEOUT_S: '8', PINADS_LOAD_LOCK_TIMEOUT_S: '2' };

let s: ChildStack;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  s = await startChildStack({ sandbox: { reportPollsUntilFinished: 1 } });
});
afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  await s?.close();
});

/** The backend running a load's COPY into ad_daily_metrics, if one runs now. */
async function copyingBackend(): Promise<number | undefined> {
  const { rows } = await s.wh.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE datname = current_database() AND state = 'active' AND query LIKE 'COPY pinterest_ads.ad_daily_metrics%'`,
  );
  return rows[0]?.pid;
}

describe('a worker frozen in the middle of a load', () => {
  it('holds its account for the load bound at most: the next load of the account ends it and commits', async () => {
    const eur = s.sandbox.info.ad_accounts[1]!;
    const conn = await s.connect(eur.id);
    const frozen = s.startWorker(BOUNDS);
    workers.push(frozen);
    // A long backfill chunk, frozen while its COPY streams (tried over a few ranges, in case a COPY ends first).
    let stuck: number | undefined;
    const backfills = [];
    for (let attempt = 0; attempt < 4 && stuck === undefined; attempt++) {
      const to = addDays(utcToday(), -1 - attempt * 186);
      backfills.push(await startBackfill(s.client, s.taskQueue, conn, addDays(to, -185), to));
      for (let i = 0; i < 2400 && stuck === undefined; i++) {
        const pid = await copyingBackend();
        if (pid !== undefined) {
          frozen.child.kill('SIGSTOP');
          await sleep(200);
          if ((await copyingBackend()) === pid) stuck = pid;
          else frozen.child.kill('SIGCONT');
        } else await sleep(25);
      }
    }
    expect(stuck, 'caught a COPY to freeze').toBeDefined();

    // Another worker (its own task queue) runs an hourly sync of the same account.
    const queue = `${s.taskQueue}-b`;
    workers.push(s.startWorker({ ...BOUNDS, PINADS_TASK_QUEUE: queue }));
    const sync = await s.client.workflow.start('syncConnection', {
      taskQueue: queue,
      workflowId: `frozen-${randomBytes(3).toString('hex')}`,
      args: [conn, { mode: 'hourly' }],
    });
    const outcome = await Promise.race([
      sync.result().then(() => 'done'),
      sleep(90_000).then(() => 'still blocked'),
    ]);
    expect(outcome).toBe('done');
    // The frozen session is gone, its transaction rolled back, and the window is the truth.
    const { rows } = await s.wh.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [stuck]);
    expect(rows).toEqual([]);
    const w = { start: addDays(utcToday(), -1), end: utcToday() };
    expect(await s.facts(eur.id, w.start, w.end)).toEqual(await s.truth(eur.id, w.start, w.end));
    for (const b of backfills) await b.terminate().catch(() => undefined);
  });
});
