// The /__sandbox/* control endpoints (docs/sandbox.md): ground truth, faults, restatement, stats, fresh grants.
import type { ServerResponse } from 'node:http';
import { SERVED_TARGETING_TYPES, type TargetingType } from './breakdowns.ts';
import { type SandboxContext, todayDay } from './context.ts';
import { FAULT_KINDS, type FaultConfig, type FaultKind } from './faults.ts';
import { ApiError, invalid } from './http.ts';
import { CATEGORY_LIMITS, type Category, categoryOf, RateLimiter } from './rate-limits.ts';
import { parseAttribution, parseZone } from './report-request.ts';
import { isDate } from './time.ts';
import { TRUTH_KINDS, type TruthKind, truthOf } from './truth.ts';

/** GET /__sandbox/truth?ad_account_id=&start_date=&end_date=[&windows…][&kind=…][&targeting_type=…] */
export function truth(ctx: SandboxContext, q: URLSearchParams) {
  const id = q.get('ad_account_id');
  const acct = id === null ? undefined : ctx.accountById.get(id);
  if (!acct) throw new ApiError(404, 2, 'AdAccount not found.');
  const start = q.get('start_date');
  const end = q.get('end_date');
  if (!isDate(start) || !isDate(end))
    throw invalid('start_date and end_date must be dates in YYYY-MM-DD format.');
  if (start > end) throw invalid('start_date must not be after end_date.');
  const kind = (q.get('kind') ?? 'ad') as TruthKind;
  if (!TRUTH_KINDS.includes(kind)) throw invalid(`kind must be one of ${TRUTH_KINDS.join(', ')}.`);
  const targetingType = q.get('targeting_type');
  if (kind === 'targeting' && !(SERVED_TARGETING_TYPES as readonly (string | null)[]).includes(targetingType))
    throw invalid(`kind=targeting needs targeting_type, one of ${SERVED_TARGETING_TYPES.join(', ')}.`);
  if (kind !== 'targeting' && targetingType !== null)
    throw invalid('targeting_type goes with kind=targeting.');
  const src = Object.fromEntries(q.entries());
  const t = {
    startDate: start,
    endDate: end,
    attr: parseAttribution(src),
    zone: parseZone(src, acct),
    kind,
    ...(targetingType ? { targetingType: targetingType as TargetingType } : {}),
  };
  return { rows: truthOf(ctx.ledger, acct, t, ctx.nowMs()) };
}

/** POST /__sandbox/faults {"rate", "kinds"?, "seed"?, "reset_seconds"?, "paths"?, "levels"?}; {"rate":0} clears. */
export function faults(ctx: SandboxContext, body: Record<string, unknown>) {
  const { rate, kinds, seed, reset_seconds, paths, levels } = body;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw invalid('rate must be a number in 0..1.');
  if (
    kinds !== undefined &&
    (!Array.isArray(kinds) || kinds.some((k) => !(FAULT_KINDS as readonly string[]).includes(k)))
  ) {
    throw invalid(`kinds must be an array of ${FAULT_KINDS.join(', ')}.`);
  }
  if (seed !== undefined && !Number.isInteger(seed)) throw invalid('seed must be an integer.');
  if (reset_seconds !== undefined && (typeof reset_seconds !== 'number' || reset_seconds < 0))
    throw invalid('reset_seconds must be a number ≥ 0.');
  if (paths !== undefined && (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')))
    throw invalid('paths must be an array of route templates.');
  if (levels !== undefined && (!Array.isArray(levels) || levels.some((l) => typeof l !== 'string')))
    throw invalid('levels must be an array of report levels.');
  const cfg: FaultConfig = {
    rate,
    ...(kinds ? { kinds: kinds as FaultKind[] } : {}),
    ...(seed !== undefined ? { seed: seed as number } : {}),
    ...(reset_seconds !== undefined ? { reset_seconds: reset_seconds as number } : {}),
    ...(paths ? { paths: paths as string[] } : {}),
    ...(levels ? { levels: levels as string[] } : {}),
  };
  ctx.faults.configure(cfg);
  return cfg;
}

/** POST /__sandbox/restate {"days_back": N} */
export function restate(ctx: SandboxContext, body: Record<string, unknown>) {
  const n = body.days_back;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 914)
    throw invalid('days_back must be an integer 1..914.');
  const r = ctx.ledger.restate(n, ctx.nowMs());
  return {
    restated_from: new Date(r.fromDay * 86_400_000).toISOString().slice(0, 10),
    restated_to: new Date(todayDay(ctx) * 86_400_000).toISOString().slice(0, 10),
  };
}

export function stats(ctx: SandboxContext) {
  let total = 0;
  const requests: Record<string, number> = {};
  for (const [k, v] of [...ctx.stats.entries()].sort()) {
    requests[k] = v;
    total += v;
  }
  const responses_by_status = Object.fromEntries([...ctx.responses.entries()].sort(([a], [b]) => a - b));
  const by_category = Object.fromEntries([...ctx.categories.entries()].sort());
  return { total, requests, responses_by_status, by_category, rate_limits_enforced: !!ctx.rateLimits };
}

/**
 * POST /__sandbox/rate_limits {"enabled", "window_ms"?, "limits"?: {category: n}}: turns the per-login limits on or
 * off, or rescales them (a bench that compresses an hour shrinks the window); budgets start empty.
 */
export function rateLimits(ctx: SandboxContext, body: Record<string, unknown>) {
  const { enabled, window_ms, limits } = body;
  if (typeof enabled !== 'boolean') throw invalid('enabled must be a boolean.');
  if (window_ms !== undefined && !(typeof window_ms === 'number' && window_ms >= 100))
    throw invalid('window_ms must be a number ≥ 100.');
  const cats = Object.keys(CATEGORY_LIMITS);
  const given = (limits ?? {}) as Record<string, unknown>;
  if (
    typeof given !== 'object' ||
    Object.entries(given).some(([k, v]) => !cats.includes(k) || !(Number(v) >= 1))
  )
    throw invalid(`limits must map ${cats.join(', ')} to numbers ≥ 1.`);
  ctx.rateLimits = enabled
    ? new RateLimiter(() => Date.now(), {
        ...(window_ms !== undefined ? { windowMs: window_ms as number } : {}),
        limits: given as Partial<Record<Category, number>>,
      })
    : undefined;
  return { enabled, window_ms: window_ms ?? 60_000, limits: { ...CATEGORY_LIMITS, ...given } };
}

/** Counts the response of a Pinterest-compatible request by status, and by category, once it has been sent. */
export function countResponse(ctx: SandboxContext, route: string, res: ServerResponse): void {
  const category = categoryOf(route);
  res.once('finish', () => {
    ctx.responses.set(res.statusCode, (ctx.responses.get(res.statusCode) ?? 0) + 1);
    if (!category) return;
    const c = ctx.categories.get(category) ?? { requests: 0, rate_limited: 0 };
    c.requests++;
    if (res.statusCode === 429) c.rate_limited++;
    ctx.categories.set(category, c);
  });
}

export function clearStats(ctx: SandboxContext): void {
  ctx.stats.clear();
  ctx.responses.clear();
  ctx.categories.clear();
}
