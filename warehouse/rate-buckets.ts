// The Pacer behind pinterest/pacing.ts: a GCRA token bucket per (OAuth grant, category) in Postgres, shared by every
// worker. One statement reserves the next slot atomically (the row lock serializes takers of one grant for well
// under a millisecond); the caller then sleeps until its slot. Reservations never fail, so a burst becomes a queue.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { type Category, type Pacer, PINTEREST_LIMITS } from '../pinterest/pacing.ts';

export interface BucketOptions {
  /** Requests per window per category (0 = unpaced); default Pinterest's standard limits per minute. */
  limits?: Record<Category, number>;
  /** The limits' window: Pinterest's minute, or less where a test or bench compresses time. */
  windowMs?: number;
  /**
   * Share of the limit to pace at, and the burst allowed, as a share of the limit. Any window then holds at
   * most (headroom + burst) × limit + 1 requests: 0.95 + 0.02 stays under Pinterest's sliding minute with ~2% left
   * for requests that leave late. (0.9 + 0.05 cost 11% of the makespan of an agency's burst in bench:scale.)
   */
  headroom?: number;
  burst?: number;
}

// The bucket key is the connection's Pinterest login (migration 012): every connection of every grant of one user
// shares the user's budget. A grant whose user is not known yet is a login of its own.
const RESERVE = `
  INSERT INTO pinads.rate_buckets AS b (login, category, tat)
  SELECT coalesce('user:' || cr.pinterest_user_id, 'grant:' || c.credential_id), $2,
         clock_timestamp() + $3 * interval '1 millisecond'
  FROM pinads.connections c JOIN pinads.credentials cr ON cr.id = c.credential_id WHERE c.id = $1
  ON CONFLICT (login, category) DO UPDATE
    SET tat = greatest(b.tat, clock_timestamp()) + $3 * interval '1 millisecond'
  RETURNING (extract(epoch FROM b.tat - clock_timestamp()) * 1000)::float8 AS ahead_ms`;

export function createBucketPacer(pool: Pick<pg.Pool, 'query'>, o: BucketOptions = {}): Pacer {
  const limits = o.limits ?? PINTEREST_LIMITS;
  const headroom = o.headroom ?? 0.95;
  const burst = o.burst ?? 0.02;
  return {
    async take(connectionId, category) {
      const limit = limits[category];
      if (!limit) return;
      const intervalMs = (o.windowMs ?? 60_000) / (limit * headroom);
      const toleranceMs = Math.max(0, burst * limit - 1) * intervalMs;
      const { rows } = await pool.query<{ ahead_ms: number }>(RESERVE, [connectionId, category, intervalMs]);
      // ahead_ms: how far the new TAT lies ahead of now; the slot starts one interval earlier.
      const wait = (rows[0]?.ahead_ms ?? 0) - intervalMs - toleranceMs;
      if (wait > 0) await sleep(wait);
    },
  };
}
