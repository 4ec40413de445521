// The Pacer behind pinterest/pacing.ts: a GCRA token bucket per (OAuth grant, category) in Postgres, shared by every
// worker. One statement reserves the next slot atomically (the row lock serializes takers of one grant for well
// under a millisecond); the caller then sleeps until its slot. Reservations never fail, so a burst becomes a queue.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import {
  type Category,
  type GcraOptions,
  gcraParams,
  gcraWaitMs,
  type Pacer,
  PINTEREST_LIMITS,
} from '../pinterest/pacing.ts';

/**
 * `windowMs`: the limits' window (Pinterest's minute, or less where a test or bench compresses time); `headroom` and
 * `burst` as in GcraOptions (0.9 + 0.05 cost 11% of the makespan of an agency's burst in bench:scale).
 */
export interface BucketOptions extends GcraOptions {
  /** Requests per window per category (0 = unpaced); default Pinterest's standard limits per minute. */
  limits?: Record<Category, number>;
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
  return {
    async take(connectionId, category) {
      const limit = limits[category];
      if (!limit) return;
      const p = gcraParams(limit, o);
      // The SQL is gcraReserve on the login's row, atomically; ahead_ms is how far the new TAT lies ahead of now.
      const { rows } = await pool.query<{ ahead_ms: number }>(RESERVE, [
        connectionId,
        category,
        p.intervalMs,
      ]);
      const wait = gcraWaitMs(rows[0]?.ahead_ms ?? 0, p);
      if (wait > 0) await sleep(wait);
    },
  };
}
