// A Pacer without Postgres: the same GCRA as the warehouse's buckets (pinterest/pacing.ts), its theoretical arrival
// times held in this process. `source-pinads` is one process reading one login, so an in-memory bucket per category
// keeps that process within the login's limits; two processes of one login would each use the whole budget (the
// Temporal path's Postgres buckets are the answer there).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Category,
  type GcraOptions,
  gcraParams,
  gcraReserve,
  gcraWaitMs,
  type Pacer,
  PINTEREST_LIMITS,
} from '../pinterest/pacing.ts';

export interface MemoryPacerOptions extends GcraOptions {
  /** Requests per window per category (0 = unpaced); default Pinterest's standard limits per minute. */
  limits?: Record<Category, number>;
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

export function createMemoryPacer(o: MemoryPacerOptions = {}): Pacer {
  const limits = o.limits ?? PINTEREST_LIMITS;
  const now = o.now ?? Date.now;
  const wait = o.sleep ?? sleep;
  const tats = new Map<string, number>();
  return {
    async take(scope, category) {
      const limit = limits[category];
      if (!limit) return;
      const p = gcraParams(limit, o);
      const key = `${scope}\u0000${category}`;
      const t = now();
      // Reserved synchronously, so concurrent takers of one process queue in call order.
      const tat = gcraReserve(tats.get(key) ?? t, t, p.intervalMs);
      tats.set(key, tat);
      const ms = gcraWaitMs(tat - t, p);
      if (ms > 0) await wait(ms);
    },
  };
}
