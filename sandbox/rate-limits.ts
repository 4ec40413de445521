// Pinterest's per-login rate limits (docs/pinterest-api.md §8.1), applied when the sandbox runs with --enforce-rate-limits: each
// category has a budget of requests per sliding minute per user per app, plus 100 requests per second overall. The
// sandbox has one login, so every token it issued shares the budgets. A rejected request costs no budget.
import { ApiError } from './http.ts';

export type Category = 'ads_read' | 'ads_analytics' | 'org_read';

/** Standard access, requests per minute per user per app. */
export const CATEGORY_LIMITS: Record<Category, number> = {
  ads_analytics: 300,
  ads_read: 1000,
  org_read: 1000,
};
export const UNIVERSAL_PER_SECOND = 100;

/** The `x-ratelimit-category` of a sandbox route ("METHOD /template"); undefined for downloads and control. */
export function categoryOf(route: string): Category | undefined {
  if (route === 'POST /v5/oauth/token') return 'org_read';
  if (/\/reports$|\/analytics$|metrics_ready_state$/.test(route)) return 'ads_analytics';
  if (route.startsWith('GET /v5/ad_accounts') || route.startsWith('GET /v5/resources/targeting/'))
    return 'ads_read';
  return undefined;
}

export interface RateLimitOptions {
  /** The sliding window: 60 s as Pinterest has it; a bench compressing time shrinks it. */
  windowMs?: number;
  limits?: Partial<Record<Category, number>>;
  perSecond?: number;
}

/** Timestamps of accepted requests, oldest first; a ring would do too, but budgets are small. */
class Window {
  private at: number[] = [];
  private head = 0;
  constructor(
    readonly limit: number,
    readonly ms: number,
  ) {}

  /** ms until a slot frees, or 0 when the request fits (and is then counted). */
  take(now: number): number {
    while (this.head < this.at.length && this.at[this.head]! <= now - this.ms) this.head++;
    if (this.head > 1024) {
      this.at = this.at.slice(this.head);
      this.head = 0;
    }
    if (this.at.length - this.head < this.limit) {
      this.at.push(now);
      return 0;
    }
    return this.at[this.head]! + this.ms - now;
  }

  /** Undo the last take (the other window refused the request). */
  untake(): void {
    this.at.pop();
  }
}

export class RateLimiter {
  private readonly windows: Map<Category, Window>;
  private readonly second: Window;

  constructor(
    private readonly nowMs: () => number,
    opts: RateLimitOptions = {},
  ) {
    const ms = opts.windowMs ?? 60_000;
    this.windows = new Map(
      (Object.keys(CATEGORY_LIMITS) as Category[]).map((c) => [
        c,
        new Window(opts.limits?.[c] ?? CATEGORY_LIMITS[c], ms),
      ]),
    );
    this.second = new Window(opts.perSecond ?? UNIVERSAL_PER_SECOND, 1000);
  }

  /** Counts the request against its category, or throws the 429 Pinterest sends when the budget is spent. */
  check(route: string): void {
    const category = categoryOf(route);
    if (!category) return;
    const now = this.nowMs();
    const wait = this.windows.get(category)!.take(now);
    if (wait > 0) throw tooMany(route, category, wait);
    const perSecond = this.second.take(now);
    if (perSecond > 0) {
      this.windows.get(category)!.untake();
      throw tooMany(route, category, perSecond);
    }
  }
}

/**
 * Reports answer with the reporting code 2726 and "Retry after N seconds" in the message; everything else with
 * code 8 and the seconds until reset in `X-RateLimit-Reset` (what Pinterest has been seen to send).
 */
function tooMany(route: string, category: Category, waitMs: number): ApiError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const headers = { 'x-ratelimit-category': category, 'x-envoy-ratelimited': 'true' };
  if (/\/reports$/.test(route))
    return new ApiError(
      429,
      2726,
      `Reporting query cost limit exceeded. Retry after ${seconds} seconds`,
      headers,
    );
  return new ApiError(
    429,
    8,
    'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.',
    { ...headers, 'X-RateLimit-Reset': String(seconds) },
  );
}
