// Per-login request pacing. Pinterest budgets requests per user per app and per category (docs/pinterest-api.md §8.1): 300 a
// minute in ads_analytics, 1,000 in ads_read, 100 a second overall. A Pacer reserves a slot before each API request
// so an agency's syncs queue behind the budget instead of collecting 429s. The activity layer opens a scope with
// withPacing() (the connection, the priority, the attempt's cancellation signal and deadline); the client calls
// pace() before every request. Outside a scope nothing waits.
import { AsyncLocalStorage } from 'node:async_hooks';

export type Category = 'ads_read' | 'ads_analytics';

/**
 * `core`: what keeps data fresh (the hourly window, tokens, the entity sync of the hourly path). `bulk`: the daily
 * extras (breakdown, keyword and custom-conversion reports, keyword/event/geo entities), which yield to `core`
 * requests of the same login: when the budget is tight every hourly window goes first and the extras queue behind.
 */
export type Priority = 'core' | 'bulk';
export const PRIORITIES: readonly Priority[] = ['core', 'bulk'];

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

export interface TakeOptions {
  priority?: Priority;
  /** Aborts the wait; a slot already booked is given back, and take() rejects, so the request is never sent. */
  signal?: AbortSignal;
  /** The longest wait the caller can afford; a longer one books nothing and rejects with PacerWaitTooLong. */
  maxWaitMs?: number;
}

export interface Pacer {
  /** Resolves when a request of `category` may be sent for `scope` (a connection id). */
  take(scope: string, category: Category, o?: TakeOptions): Promise<void>;
}

/**
 * The login's queue is longer than the caller can wait (its activity attempt would time out first). Nothing was
 * booked; the activity layer turns this into a durable workflow sleep of `retryAfterMs` and a fresh attempt.
 */
export class PacerWaitTooLong extends Error {
  override name = 'PacerWaitTooLong';
  constructor(
    readonly category: Category,
    readonly priority: Priority,
    /** The wait the pacer foresaw. */
    readonly waitMs: number,
    /** When a fresh attempt should try again (its wait should then fit). */
    readonly retryAfterMs: number,
  ) {
    super(
      `the ${category} budget of this Pinterest login is booked ${Math.ceil(waitMs / 1000)} s ahead for ${priority} ` +
        'requests, longer than this attempt may wait',
    );
  }
}

/** What an activity attempt tells the pacer about itself. */
export interface PacingScope {
  /** The connection whose login's budget pays for the requests. */
  scope: string;
  priority: Priority;
  signal?: AbortSignal;
  /** Epoch ms by which a request must have left; a wait ending later is handed back (PacerWaitTooLong). */
  deadlineMs?: number;
  /** Told how long each metered request waited for its slot (metrics). */
  onWait?: (category: Category, priority: Priority, ms: number) => void;
}

const current = new AsyncLocalStorage<PacingScope & { pacer: Pacer }>();

/** Runs fn with its requests paced; a bare string scope is a connection (or login) at priority `core`. */
export function withPacing<T>(
  pacer: Pacer | undefined,
  scope: PacingScope | string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (!pacer || !scope) return fn();
  const s = typeof scope === 'string' ? { scope, priority: 'core' as const } : scope;
  return current.run({ ...s, pacer }, fn);
}

/** The priority an activity's arguments ask for: the first argument object with a `priority` (a WindowSpec). */
export function priorityOf(args: readonly unknown[]): Priority | undefined {
  for (const a of args) {
    const p = a !== null && typeof a === 'object' ? (a as { priority?: unknown }).priority : undefined;
    if (p === 'core' || p === 'bulk') return p;
  }
  return undefined;
}

/** The rate-limit category of a client call (`path` relative to /v5); undefined for the unmetered ones. */
export function categoryOf(method: string, path: string): Category | undefined {
  if (/\/reports$|\/analytics$|^\/resources\/metrics_ready_state$/.test(path)) return 'ads_analytics';
  if (method === 'GET' && (path.startsWith('/ad_accounts') || path.startsWith('/resources/targeting/')))
    return 'ads_read';
  return undefined;
}

/** The hook in the client's request path: waits for a slot, and never lets a cancelled attempt send. */
export async function pace(method: string, path: string): Promise<void> {
  const s = current.getStore();
  if (!s) return;
  s.signal?.throwIfAborted();
  const category = categoryOf(method, path);
  if (category) {
    const start = Date.now();
    await s.pacer.take(s.scope, category, {
      priority: s.priority,
      signal: s.signal,
      maxWaitMs: s.deadlineMs === undefined ? undefined : Math.max(0, s.deadlineMs - Date.now()),
    });
    s.onWait?.(category, s.priority, Date.now() - start);
  }
  s.signal?.throwIfAborted();
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
