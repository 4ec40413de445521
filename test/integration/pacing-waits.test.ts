// #23 item 7, through the real parts: a real worker running the production activities (syncEntities, four ads_read
// calls) under short timeouts of the test's choosing, the per-login buckets in Postgres, and the sandbox enforcing a
// compressed ads_read budget. Another worker's burst has booked the login's queue well ahead. A pacer wait longer
// than the attempt has left must become the durable workflow wait (no request from a timed-out attempt, no slot
// booked twice), and a cancelled attempt must stop waiting, send nothing, and give its slot back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBucketPacer } from '../../warehouse/rate-buckets.ts';
import { type ActivityWorker, startActivityWorker } from '../helpers/activity-worker.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

// Six ads_read requests per 6 s: one slot every ~1.05 s, no burst tolerance.
const WINDOW_MS = 6000;
const LIMITS = { ads_analytics: 6, ads_read: 6 };
const INTERVAL_MS = WINDOW_MS / (6 * 0.95);
const LOGIN = 'user:4242';

let h: Harness;
let aw: ActivityWorker;
let connectionId: string;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { agencyAccounts: 1, enforceRateLimits: { windowMs: WINDOW_MS, limits: LIMITS } },
  });
  aw = await startActivityWorker(h, {
    pacer: createBucketPacer(h.wh.pool, { windowMs: WINDOW_MS, limits: LIMITS }),
  });
  // A small agency account: its entity sync is one page per list.
  const c = await h.connect(h.sandbox.info.ad_accounts.at(-1)!.id);
  connectionId = c.id;
  await h.wh.pool.query('UPDATE pinads.credentials SET pinterest_user_id = $2 WHERE id = $1', [
    c.credential_id,
    LOGIN.slice('user:'.length),
  ]);
});
afterAll(async () => {
  await aw?.close();
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Another worker's burst: the login's ads_read queue booked `ms` ahead. Returns the booked TAT (epoch ms). */
async function queueBookedAhead(ms: number): Promise<number> {
  const { rows } = await h.wh.pool.query<{ tat: number }>(
    `INSERT INTO pinads.rate_buckets (login, category, tat)
     VALUES ($1, 'ads_read', clock_timestamp() + $2 * interval '1 millisecond')
     ON CONFLICT (login, category) DO UPDATE SET tat = EXCLUDED.tat
     RETURNING (extract(epoch FROM tat) * 1000)::float8 AS tat`,
    [LOGIN, ms],
  );
  return rows[0]!.tat;
}

async function tat(): Promise<number> {
  const { rows } = await h.wh.pool.query<{ tat: number }>(
    `SELECT (extract(epoch FROM tat) * 1000)::float8 AS tat FROM pinads.rate_buckets WHERE login = $1 AND category = 'ads_read'`,
    [LOGIN],
  );
  return rows[0]!.tat;
}

async function adsReadRequests(): Promise<number> {
  const stats = (await (await fetch(`${h.sandbox.info.url}/__sandbox/stats`)).json()) as {
    by_category: Record<string, { requests: number }>;
  };
  return stats.by_category.ads_read?.requests ?? 0;
}

describe('pacer waits are bounded by the attempt and cancellable', () => {
  it('a queue longer than the attempt can wait becomes the durable wait; no timed-out attempt sends later', async () => {
    const before = await adsReadRequests();
    const booked = await queueBookedAhead(15_000);
    const handle = await aw.start('syncEntities', [connectionId], {
      startToCloseMs: 10_000,
      heartbeatMs: 8000,
      maximumAttempts: 3,
    });
    const result = (await handle.result()) as { apiCalls: number; counts: Record<string, number> };
    const doneAt = Date.now();
    // Nothing is booked beyond the slots the succeeding attempt used: the attempt that handed off booked none.
    expect(await tat()).toBeLessThan(doneAt + INTERVAL_MS + 50);
    // Wait past every slot an abandoned attempt could have booked, so a late request would be counted.
    await sleep(Math.max(0, booked + 4 * INTERVAL_MS - Date.now()) + 2000);
    // Every ads_read request the sandbox saw came from the attempt that succeeded, and each booked one slot.
    const sent = (await adsReadRequests()) - before;
    expect(sent).toBe(4);
    expect(result.apiCalls).toBe(sent);
    // The wait was the workflow's durable timer, not a sleep inside an attempt that outlived its timeout.
    const history = await handle.fetchHistory();
    const timers = history.events!.filter((e) => e.timerStartedEventAttributes);
    expect(timers.length).toBeGreaterThanOrEqual(1);
  });

  it('a cancelled attempt stops waiting for its slot, never sends its request, and gives the slot back', async () => {
    const before = await adsReadRequests();
    const booked = await queueBookedAhead(12_000);
    const handle = await aw.start('syncEntities', [connectionId], {
      startToCloseMs: 60_000,
      heartbeatMs: 8000,
      maximumAttempts: 1,
    });
    // The attempt has booked its slot behind the queue and sleeps.
    while ((await tat()) < booked + INTERVAL_MS / 2) await sleep(100);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(/cancel/i);
    // Past the slot it had booked: nothing was sent, and the queue is as the other worker left it.
    await sleep(Math.max(0, booked + INTERVAL_MS - Date.now()) + 2000);
    expect((await adsReadRequests()) - before).toBe(0);
    expect(Math.abs((await tat()) - booked)).toBeLessThan(50);
  });
});
