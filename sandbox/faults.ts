// Fault injection for Pinterest-compatible requests. Faults are decided BEFORE a handler runs, so an injected error
// never leaves half-applied state behind (a failed token refresh does not rotate the token).
import { prng } from './hash.ts';
import { ApiError } from './http.ts';

export const FAULT_KINDS = [
  '429_code8',
  '429_code2726',
  '500',
  '400_code12',
  'report_failed',
  'report_expired',
  'report_stuck',
  'slow',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultConfig {
  rate: number;
  kinds?: FaultKind[];
  seed?: number;
  reset_seconds?: number;
  /** Route templates ("/v5/…" or "GET /v5/…") the faults apply to; default every /v5 route. */
  paths?: string[];
  /**
   * Report levels (PIN_PROMOTION, PIN_PROMOTION_TARGETING, KEYWORD): the faults apply only to creating reports of
   * these levels, so one report of a sync can fail while the others go through.
   */
  levels?: string[];
}

/** The report poll is the only place FAILED / EXPIRED statuses make sense. */
export const REPORT_POLL_ROUTE = 'GET /v5/ad_accounts/{ad_account_id}/reports';
/** A stuck report is decided when it is created: that report never leaves IN_PROGRESS. */
export const REPORT_CREATE_ROUTE = 'POST /v5/ad_accounts/{ad_account_id}/reports';

export type Injected =
  | { kind: 'error'; error: ApiError }
  | { kind: 'slow'; ms: number }
  | { kind: 'report_failed' | 'report_expired' | 'report_stuck' };

export class Faults {
  private cfg: FaultConfig = { rate: 0 };
  private rand = prng(1);

  configure(cfg: FaultConfig): void {
    this.cfg = cfg;
    this.rand = prng(cfg.seed ?? 1);
  }

  get config(): FaultConfig {
    return this.cfg;
  }

  /** Draws whether request `route` ("METHOD /template") fails, and how; `level` is a report creation's. */
  pick(route: string, level?: string): Injected | null {
    const { rate, paths, levels } = this.cfg;
    if (rate <= 0) return null;
    if (levels && !(route === REPORT_CREATE_ROUTE && level !== undefined && levels.includes(level)))
      return null;
    const template = route.slice(route.indexOf(' ') + 1);
    const eligible = paths ? paths.includes(route) || paths.includes(template) : template.startsWith('/v5/');
    if (!eligible) return null;
    const kinds = (this.cfg.kinds ?? [...FAULT_KINDS]).filter((k) =>
      k === 'report_failed' || k === 'report_expired'
        ? route === REPORT_POLL_ROUTE
        : k === 'report_stuck'
          ? route === REPORT_CREATE_ROUTE
          : true,
    );
    if (kinds.length === 0 || this.rand() >= rate) return null;
    const kind = kinds[Math.floor(this.rand() * kinds.length)]!;
    switch (kind) {
      case '429_code8':
        return {
          kind: 'error',
          error: new ApiError(
            429,
            8,
            'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.',
            { 'X-RateLimit-Reset': String(this.cfg.reset_seconds ?? 2), 'x-envoy-ratelimited': 'true' },
          ),
        };
      case '429_code2726':
        return {
          kind: 'error',
          error: new ApiError(429, 2726, 'Reporting query cost limit exceeded. Retry after 1 seconds'),
        };
      case '400_code12':
        return {
          kind: 'error',
          error: new ApiError(400, 12, 'Something went wrong on our end. Sorry about that.'),
        };
      case '500':
        return {
          kind: 'error',
          error: new ApiError(500, 12, 'Something went wrong on our end. Sorry about that.'),
        };
      case 'slow':
        return { kind: 'slow', ms: 1000 + Math.floor(this.rand() * 2000) };
      default:
        return { kind };
    }
  }
}
