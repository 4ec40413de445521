// The state one sandbox instance shares between its handlers.
import type { SandboxClock } from './clock.ts';
import type { SandboxAccount } from './data.ts';
import type { AdGroupIdsBeta } from './extra-routes.ts';
import type { Faults } from './faults.ts';
import type { Ledger } from './ledger.ts';
import type { OAuthState } from './oauth.ts';
import type { RateLimiter } from './rate-limits.ts';
import type { ReportStore } from './reports.ts';

export interface SandboxContext {
  seed: number;
  /** The sandbox clock's instant (clock.ts): data, readiness, "today" and Pinterest-side expiries follow it. */
  nowMs: () => number;
  clock: SandboxClock;
  accounts: SandboxAccount[];
  accountById: Map<string, SandboxAccount>;
  ledger: Ledger;
  oauth: OAuthState;
  reports: ReportStore;
  faults: Faults;
  /** Requests per "METHOD /route/template", Pinterest-compatible routes only. */
  stats: Map<string, number>;
  /** Responses by HTTP status, and requests / 429s by rate-limit category, of those same routes. */
  responses: Map<number, number>;
  categories: Map<string, { requests: number; rate_limited: number }>;
  /** BETA features "not available to all users", switched by POST /__sandbox/beta. */
  beta: { keywordsAdGroupIds: AdGroupIdsBeta };
  /** Set with --enforce-rate-limits. */
  rateLimits?: RateLimiter;
}

export function todayDay(ctx: SandboxContext): number {
  return Math.floor(ctx.nowMs() / 86_400_000);
}
