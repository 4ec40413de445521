// #23 item 6: loads held a client of the worker's one pool (10) while they waited for their account's lock and while
// their report downloaded, with 32 activity slots; every other query (run bookkeeping, connection reads, the pacer's
// bookings) then waited for a client and failed after 10 s. Here twelve accounts' loads wait on their locks (held
// by another session, as other loads of those accounts would) while a thirteenth account syncs: it must go through
// at once, and no activity attempt may fail. Real worker, sandbox and Postgres, pinads' default pool settings. ~40 s.
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_LOCK_NAMESPACE } from '../../warehouse/load.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const WAITING = 12;
const HOLD_MS = 15_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ sandbox: { agencyAccounts: WAITING + 1 } });
});
afterAll(async () => {
  await h?.close();
});

function startSync(connectionId: string): Promise<WorkflowHandle> {
  return h.client.workflow.start('syncConnection', {
    taskQueue: h.taskQueue,
    workflowId: `pool-${connectionId}`,
    args: [connectionId, { mode: 'hourly' }],
  });
}

/** Activity attempts that failed (any failure, any retry) in a workflow's history. */
async function failedAttempts(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events
    .filter(
      (e) =>
        e.activityTaskFailedEventAttributes ||
        e.activityTaskTimedOutEventAttributes ||
        (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
    )
    .map((e) => e.activityTaskFailedEventAttributes?.failure?.message ?? 'retried or timed out');
}

describe('loads waiting on their account locks', () => {
  it('never hold the clients the other queries need', async () => {
    const accounts = h.sandbox.info.ad_accounts.slice(-(WAITING + 1)).map((a) => a.id);
    const conns = [];
    for (const a of accounts) conns.push((await h.connect(a)).id);
    // Another session holds the load lock of the first twelve accounts.
    const holder = await h.wh.pool.connect();
    await holder.query('BEGIN');
    for (const a of accounts.slice(0, WAITING))
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOAD_LOCK_NAMESPACE, a]);
    const released = new Promise<number>((resolve) =>
      setTimeout(async () => {
        const at = Date.now();
        await holder.query('COMMIT');
        holder.release();
        resolve(at);
      }, HOLD_MS),
    );
    const waiting = await Promise.all(conns.slice(0, WAITING).map(startSync));
    // Let every waiting sync reach its load (they request and poll their reports first).
    await new Promise((r) => setTimeout(r, 4000));
    const free = await startSync(conns[WAITING]!);
    await free.result();
    const freeDoneAt = Date.now();
    const releasedAt = await released;
    await Promise.all(waiting.map((w) => w.result()));
    // The free account's sync never queued behind the waiting loads: it was done while they still waited.
    expect(freeDoneAt).toBeLessThan(releasedAt);
    for (const w of [...waiting, free])
      expect({ id: w.workflowId, failed: await failedAttempts(w) }).toEqual({ id: w.workflowId, failed: [] });
    // And every waiting account loaded its window once the lock was free.
    const { rows } = await h.wh.pool.query<{ n: number }>(
      `SELECT count(DISTINCT ad_account_id)::int AS n FROM pinads.day_pulls WHERE ad_account_id = ANY($1)`,
      [accounts],
    );
    expect(rows[0]!.n).toBe(WAITING + 1);
  });
});
