// The Pacer behind pinterest/pacing.ts: a GCRA token bucket per (Pinterest login, category) in Postgres, shared by
// every worker. One statement reserves the next slot atomically (the row lock serializes takers of one login for
// well under a millisecond); the caller then sleeps until its slot.
//
// Priority without a second queue: a `core` request books the next free slot however far ahead it lies; a `bulk`
// request books only while the login's queue is shorter than the bulk horizon (a thirtieth of the window: 2 s of
// Pinterest's minute), and otherwise waits, holding nothing, until the queue has drained to it. So core requests
// never wait behind more than a horizon's worth of bulk ones, and bulk ones take whatever the core traffic leaves:
// the whole budget when no core request is queued, nothing while core requests fill it.
//
// Waits are bounded and cancellable: a caller that cannot wait as long as the queue is (its activity would time out)
// books nothing and is told when to come back; an aborted wait gives its slot back, so a cancelled or timed-out
// attempt neither sends its request late nor holds a slot a retry then books again.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import {
  type Category,
  type GcraOptions,
  gcraParams,
  gcraWaitMs,
  type Pacer,
  PacerWaitTooLong,
  PINTEREST_LIMITS,
  type Priority,
  type TakeOptions,
} from '../pinterest/pacing.ts';

/**
 * `windowMs`: the limits' window (Pinterest's minute, or less where a test or bench compresses time); `headroom` and
 * `burst` as in GcraOptions (0.9 + 0.05 cost 11% of the makespan of an agency's burst in bench:scale).
 */
export interface BucketOptions extends GcraOptions {
  /** Requests per window per category (0 = unpaced); default Pinterest's standard limits per minute. */
  limits?: Record<Category, number>;
  /** How far ahead the queue may be booked for a bulk request to join it (default windowMs / 30). */
  bulkHorizonMs?: number;
}

// The bucket key is the connection's Pinterest login (migration 012): every connection of every grant of one user
// shares the user's budget. A grant whose user is not known yet is a login of its own.
const LOGIN = `
  SELECT coalesce('user:' || cr.pinterest_user_id, 'grant:' || c.credential_id) AS login
  FROM pinads.connections c JOIN pinads.credentials cr ON cr.id = c.credential_id WHERE c.id = $1`;

// Books a slot when the queue ahead ($4 ms, NULL = any length) allows it. `booked` is the new TAT's lead over now
// (the slot starts one interval earlier); `queued` is the queue's lead when nothing was booked. The conflicting row
// is locked either way, so two takers never both see room for one slot.
const RESERVE = `
  WITH l AS (${LOGIN}),
  reserved AS (
    INSERT INTO pinads.rate_buckets AS b (login, category, tat)
    SELECT login, $2, clock_timestamp() + $3 * interval '1 millisecond' FROM l
    ON CONFLICT (login, category) DO UPDATE
      SET tat = greatest(b.tat, clock_timestamp()) + $3 * interval '1 millisecond'
      WHERE $4::float8 IS NULL
         OR extract(epoch FROM greatest(b.tat, clock_timestamp()) - clock_timestamp()) * 1000 <= $4::float8
    RETURNING b.tat
  )
  SELECT EXISTS (SELECT FROM l) AS known,
         (SELECT extract(epoch FROM tat - clock_timestamp()) * 1000 FROM reserved)::float8 AS booked,
         (SELECT extract(epoch FROM greatest(r.tat, clock_timestamp()) - clock_timestamp()) * 1000
            FROM pinads.rate_buckets r JOIN l ON r.login = l.login WHERE r.category = $2)::float8 AS queued`;

// Gives one interval back: the slots booked after it stay where they are, and the next taker fills the gap.
const RELEASE = `
  UPDATE pinads.rate_buckets b SET tat = b.tat - $3 * interval '1 millisecond'
  FROM (${LOGIN}) l WHERE b.login = l.login AND b.category = $2`;

export function createBucketPacer(pool: Pick<pg.Pool, 'query'>, o: BucketOptions = {}): Pacer {
  const limits = o.limits ?? PINTEREST_LIMITS;
  const bulkHorizonMs = o.bulkHorizonMs ?? (o.windowMs ?? 60_000) / 30;

  /** Books a slot when the queue ahead is at most `room` ms; returns the wait for it, or the queue when none. */
  async function reserve(scope: string, category: Category, intervalMs: number, room: number | null) {
    const { rows } = await pool.query<{ known: boolean; booked: number | null; queued: number | null }>(
      RESERVE,
      [scope, category, intervalMs, room],
    );
    return rows[0]!;
  }

  async function waitForSlot(
    scope: string,
    category: Category,
    intervalMs: number,
    ms: number,
    signal: AbortSignal | undefined,
  ) {
    if (ms <= 0) return;
    try {
      await abortableSleep(ms, signal);
    } catch (err) {
      // The attempt was cancelled or timed out: its request will never be sent, so its slot is free again.
      await pool.query(RELEASE, [scope, category, intervalMs]).catch(() => undefined);
      throw err;
    }
  }

  return {
    async take(scope, category, t: TakeOptions = {}) {
      const limit = limits[category];
      if (!limit) return;
      const priority: Priority = t.priority ?? 'core';
      // One slot per interval; a slot may start up to the tolerance before its turn (the burst allowed).
      const p = gcraParams(limit, o);
      const { intervalMs, toleranceMs } = p;
      const deadline = Date.now() + (t.maxWaitMs ?? Number.POSITIVE_INFINITY);
      for (;;) {
        t.signal?.throwIfAborted();
        const maxWait = Math.max(0, deadline - Date.now());
        // The queue a request may join: any (core), or a short one (bulk); never one longer than it can wait.
        const room = Math.min(maxWait, priority === 'bulk' ? bulkHorizonMs : Number.POSITIVE_INFINITY);
        const r = await reserve(
          scope,
          category,
          intervalMs,
          Number.isFinite(room) ? room + toleranceMs : null,
        );
        // A connection deleted meanwhile has no login to pace: its request fails on its own.
        if (!r.known) return;
        if (r.booked !== null) {
          // The SQL is gcraReserve on the login's row, atomically; `booked` is how far the new TAT lies ahead.
          return waitForSlot(scope, category, intervalMs, gcraWaitMs(r.booked, p), t.signal);
        }
        const queuedWait = Math.max(0, (r.queued ?? 0) - toleranceMs);
        // Bulk first waits for the queue to drain to its horizon, then for its own slot.
        const drain = priority === 'bulk' ? Math.max(0, queuedWait - bulkHorizonMs) : 0;
        // Too long to wait here: a fresh attempt after the whole queue has gone then has all its time for the
        // activity's further requests, instead of handing off again in the middle.
        if (queuedWait > maxWait) throw new PacerWaitTooLong(category, priority, queuedWait, queuedWait);
        // Waiting bulk requests wake spread over half a horizon, so they don't all ask again at the same instant.
        await abortableSleep(drain + Math.random() * (bulkHorizonMs / 2), t.signal);
      }
    },
  };
}

/** Sleeps, or rejects with the signal's reason (Temporal's CancelledFailure) as soon as it is aborted. */
async function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    throw signal?.reason ?? err;
  }
}
