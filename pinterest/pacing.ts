// Per-login request pacing. Pinterest budgets requests per user per app and per category (FACTS §8.1): 300 a
// minute in ads_analytics, 1,000 in ads_read, 100 a second overall. A Pacer reserves a slot before each API request
// so an agency's syncs queue behind the budget instead of collecting 429s. The activity wrapper sets the scope (the
// connection) with withPacing(); the client calls pace() before every request. Outside a scope nothing waits.
import { AsyncLocalStorage } from 'node:async_hooks';

export type Category = 'ads_read' | 'ads_analytics';

/** Standard access, requests per minute per user per app. */
export const PINTEREST_LIMITS: Record<Category, number> = { ads_analytics: 300, ads_read: 1000 };

/**
 * The GCRA (generic cell rate algorithm) behind every Pacer: a limit of `limit` requests per `windowMs`, paced at
 * `headroom` of it with a burst of `burst` × limit. Any window then holds at most (headroom + burst) × limit + 1
 * requests: 0.95 + 0.02 stays under Pinterest's sliding minute with ~2% left for requests that leave late.
 */
export interface GcraOptions {
  windowMs?: number;
  headroom?: number;
  burst?: number;
}

/** Emission interval and burst tolerance (ms) of a category's limit; one slot per interval, `tolerance` early. */
export function gcraParams(limit: number, o: GcraOptions = {}): { intervalMs: number; toleranceMs: number } {
  const intervalMs = (o.windowMs ?? 60_000) / (limit * (o.headroom ?? 0.95));
  const toleranceMs = Math.max(0, (o.burst ?? 0.02) * limit - 1) * intervalMs;
  return { intervalMs, toleranceMs };
}

/** The theoretical arrival time after one more reservation at `nowMs` (reservations never fail: a burst queues). */
export function gcraReserve(tatMs: number, nowMs: number, intervalMs: number): number {
  return Math.max(tatMs, nowMs) + intervalMs;
}

/** How long the reserving request waits, given how far the new TAT lies ahead of now (`aheadMs`). */
export function gcraWaitMs(aheadMs: number, p: { intervalMs: number; toleranceMs: number }): number {
  // The slot starts one interval before the new TAT, and the tolerance lets a burst go earlier still.
  return Math.max(0, aheadMs - p.intervalMs - p.toleranceMs);
}

export interface Pacer {
  /** Resolves when a request of `category` may be sent for `scope` (a connection id). */
  take(scope: string, category: Category): Promise<void>;
}

const current = new AsyncLocalStorage<{ pacer: Pacer; scope: string }>();

export function withPacing<T>(pacer: Pacer | undefined, scope: unknown, fn: () => Promise<T>): Promise<T> {
  if (!pacer || typeof scope !== 'string') return fn();
  return current.run({ pacer, scope }, fn);
}

/** Wraps an activity: its first argument (the connection id, for every activity that calls the API) is the scope. */
export function paced<A extends unknown[], R>(pacer: Pacer | undefined, fn: (...args: A) => Promise<R>) {
  return (...args: A): Promise<R> => withPacing(pacer, args[0], () => fn(...args));
}

/** The rate-limit category of a client call (`path` relative to /v5); undefined for the unmetered ones. */
export function categoryOf(method: string, path: string): Category | undefined {
  if (/\/reports$|\/analytics$|^\/resources\/metrics_ready_state$/.test(path)) return 'ads_analytics';
  if (method === 'GET' && path.startsWith('/ad_accounts')) return 'ads_read';
  return undefined;
}

/** The hook in the client's request path. */
export async function pace(method: string, path: string): Promise<void> {
  const s = current.getStore();
  const category = s && categoryOf(method, path);
  if (s && category) await s.pacer.take(s.scope, category);
}

/**
 * `PINADS_RATE_LIMITS`, e.g. `ads_analytics=300,ads_read=1000` (requests per minute); a category left out keeps
 * Pinterest's standard figure, and 0 turns its pacing off.
 */
export function parseLimits(text: string | undefined): Record<Category, number> {
  const limits = { ...PINTEREST_LIMITS };
  for (const part of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*(ads_analytics|ads_read)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw new Error(`PINADS_RATE_LIMITS: "${part.trim()}" is not category=requests_per_minute`);
    limits[m[1] as Category] = Number(m[2]);
  }
  return limits;
}
