// The Pinterest API v5 sandbox: a real HTTP server on 127.0.0.1 with deterministic data, ground truth and faults.
// It is the only stand-in for Pinterest anywhere in the test suite (docs/sandbox.md).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { agencyAccounts } from './agency.ts';
import { accountAnalytics } from './analytics.ts';
import { SandboxClock } from './clock.ts';
import type { SandboxContext } from './context.ts';
import { todayDay } from './context.ts';
import * as control from './control.ts';
import { CONTROL_ROUTES } from './control-routes.ts';
import { clampEntityTimes, sandboxAccounts } from './data.ts';
import { accountJson, findAccount, listEntities, page } from './entities.ts';
import { EXTRA_ROUTES } from './extra-routes.ts';
import { type FaultKind, Faults, type Injected, REPORT_CREATE_ROUTE } from './faults.ts';
import { mix } from './hash.ts';
import { ApiError, readBody, readJson, sendError, sendJson } from './http.ts';
import { Ledger } from './ledger.ts';
import { MORE_ROUTES } from './more-routes.ts';
import { OAuthState } from './oauth.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limits.ts';
import { metricsReadyState } from './readiness.ts';
import { parseReportRequest } from './report-request.ts';
import { ReportStore } from './reports.ts';

export type { FaultKind } from './faults.ts';

export interface SandboxOptions {
  port?: number;
  seed?: number;
  faults?: { rate: number; kinds?: FaultKind[]; seed?: number; reset_seconds?: number };
  accessTokenTtlSeconds?: number;
  downloadTtlSeconds?: number;
  reportPollsUntilFinished?: number;
  now?: () => Date;
  bigAccountAds?: number;
  /** N more small ad accounts on the same login (agency mode). */
  agencyAccounts?: number;
  /** Apply Pinterest's per-login category limits (sliding minute); options shrink the window for benches. */
  enforceRateLimits?: boolean | RateLimitOptions;
}

export interface SandboxInfo {
  url: string;
  api_url: string;
  oauth_url: string;
  client_id: string;
  client_secret: string;
  refresh_token: string;
  ad_accounts: { id: string; currency: string; time_zone: string }[];
}

export interface Sandbox {
  info: SandboxInfo;
  /** A new grant; `scope` (comma-separated) narrows or widens what it was granted (default: what pinads asks for). */
  mintRefreshToken(scope?: string): string;
  close(): Promise<void>;
}

type Kind = 'api' | 'public' | 'download' | 'control';
interface Call {
  ctx: SandboxContext;
  req: IncomingMessage;
  res: ServerResponse;
  params: string[];
  q: URLSearchParams;
  fault?: Injected;
  /** The JSON body, when dispatch read it first: a fault scoped to report levels needs a creation's level. */
  body?: Record<string, unknown>;
}
interface Route {
  method: string;
  template: string;
  kind: Kind;
  re: RegExp;
  handle: (c: Call) => Promise<unknown> | unknown;
}

const NO_BODY = Symbol('handled');
/** The /__sandbox/stats key of requests that matched no route (answered 404 or 405). */
export const UNROUTED = 'UNROUTED';

function route(method: string, template: string, kind: Kind, handle: Route['handle']): Route {
  const re = new RegExp(`^${template.replace(/\{[a-z_]+\}/g, '([^/]+)')}$`);
  return { method, template, kind, re, handle };
}

const acct = (c: Call) => findAccount(c.ctx.accountById, c.params[0]!);

/**
 * The OAuth scopes an API route requires, as the spec's `security` names them for pinterest_oauth2 tokens (checked
 * route by route against the vendored spec, test/unit/sandbox-scopes.test.ts).
 */
export function requiredScopes(template: string): readonly string[] {
  if (template.startsWith('/v5/user_account')) return ['user_accounts:read'];
  if (template.startsWith('/v5/boards')) return ['boards:read'];
  return ['ads:read'];
}

/** Every API route (method and template) the sandbox serves. */
export const apiRoutes = (): { method: string; template: string }[] =>
  ROUTES.filter((r) => r.kind === 'api').map(({ method, template }) => ({ method, template }));

const ROUTES: Route[] = [
  route('GET', '/oauth/', 'public', (c) => {
    c.res.writeHead(302, { location: c.ctx.oauth.authorize(c.q) }).end();
    return NO_BODY;
  }),
  route('POST', '/v5/oauth/token', 'public', async (c) =>
    c.ctx.oauth.token(c.req.headers.authorization, new URLSearchParams(await readBody(c.req))),
  ),
  route('GET', '/v5/ad_accounts', 'api', (c) => page(c.ctx.accounts.map(accountJson), c.q)),
  route('GET', '/v5/ad_accounts/{ad_account_id}', 'api', (c) => accountJson(acct(c))),
  route('GET', '/v5/ad_accounts/{ad_account_id}/campaigns', 'api', (c) =>
    listEntities(acct(c), 'campaigns', c.q),
  ),
  route('GET', '/v5/ad_accounts/{ad_account_id}/ad_groups', 'api', (c) =>
    listEntities(acct(c), 'ad_groups', c.q),
  ),
  route('GET', '/v5/ad_accounts/{ad_account_id}/ads', 'api', (c) => listEntities(acct(c), 'ads', c.q)),
  route('POST', '/v5/ad_accounts/{ad_account_id}/reports', 'api', async (c) => {
    const a = acct(c);
    const query = parseReportRequest(c.body ?? (await readJson(c.req)), a, todayDay(c.ctx));
    return {
      report_status: 'IN_PROGRESS',
      token: c.ctx.reports.create(a, query, c.ctx.nowMs(), c.fault?.kind === 'report_stuck'),
      message: null,
    };
  }),
  route('GET', '/v5/ad_accounts/{ad_account_id}/reports', 'api', (c) => {
    const a = acct(c);
    const token = c.q.get('token');
    if (!token) throw new ApiError(400, 1, 'Invalid parameters. token is required.');
    const f =
      c.fault?.kind === 'report_failed' || c.fault?.kind === 'report_expired' ? c.fault.kind : undefined;
    return c.ctx.reports.poll(a, token, c.ctx.nowMs(), f);
  }),
  route('GET', '/v5/ad_accounts/{ad_account_id}/analytics', 'api', (c) =>
    accountAnalytics(c.ctx.ledger, acct(c), c.q, c.ctx.nowMs()),
  ),
  route('GET', '/v5/resources/metrics_ready_state', 'api', (c) => metricsReadyState(c.q, c.ctx.nowMs())),
  ...[...MORE_ROUTES, ...EXTRA_ROUTES].map((m) =>
    route(m.method, m.template, 'api', (c) => m.handle({ ...c, acct: () => acct(c) })),
  ),
  route('GET', '/__sandbox/download/{token}/metrics_report.txt', 'download', async (c) => {
    await c.ctx.reports.download(c.res, c.params[0]!, c.q, c.ctx.nowMs());
    return NO_BODY;
  }),
  ...CONTROL_ROUTES.map((m) => route(m.method, m.template, 'control', (c) => m.handle(c))),
];

async function dispatch(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  let path = url.pathname;
  if (path === '/oauth') path = '/oauth/';
  const matches = ROUTES.filter((r) => r.re.test(path));
  const r = matches.find((m) => m.method === req.method);
  if (!r) {
    // A client calling an endpoint we don't serve must show up in the stats, not vanish.
    if (!path.startsWith('/__sandbox/')) ctx.stats.set(UNROUTED, (ctx.stats.get(UNROUTED) ?? 0) + 1);
    if (matches.length > 0) throw new ApiError(405, 405, `Method ${req.method} not allowed on ${path}.`);
    throw new ApiError(404, 404, `No route for ${req.method} ${path}.`);
  }
  const key = `${r.method} ${r.template}`;
  const call: Call = { ctx, req, res, params: r.re.exec(path)!.slice(1), q: url.searchParams };
  if (r.kind !== 'control') {
    ctx.stats.set(key, (ctx.stats.get(key) ?? 0) + 1);
    control.countResponse(ctx, key, res);
    ctx.rateLimits?.check(key);
    if (key === REPORT_CREATE_ROUTE && ctx.faults.config.levels) call.body = await readJson(req);
    const fault = ctx.faults.pick(key, typeof call.body?.level === 'string' ? call.body.level : undefined);
    if (fault?.kind === 'error') {
      req.resume();
      throw fault.error;
    }
    if (fault?.kind === 'slow') await sleep(fault.ms);
    else if (fault) call.fault = fault;
  }
  if (r.kind === 'api') ctx.oauth.checkBearer(req.headers.authorization, requiredScopes(r.template));
  const body = await r.handle(call);
  if (body !== NO_BODY) sendJson(res, 200, body);
}

/** Starts a sandbox on 127.0.0.1 (random port unless `port` is given) and resolves once it accepts connections. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const seed = opts.seed ?? 1;
  const given = opts.now;
  const clock = new SandboxClock(
    given ? () => given().getTime() : () => Date.now(),
    given ? 'option' : 'real',
  );
  const nowMs = () => clock.nowMs();
  const anchorDay = Math.floor(nowMs() / 86_400_000);
  const accounts = sandboxAccounts(seed, { anchorDay, bigAccountAds: opts.bigAccountAds, nowMs: nowMs() });
  const agency = agencyAccounts(
    seed,
    opts.agencyAccounts ?? 0,
    anchorDay,
    new Set(accounts.map((a) => a.id)),
  );
  accounts.push(...clampEntityTimes(agency, nowMs()));
  const ledger = new Ledger(seed);
  let baseUrl = '';
  const ctx: SandboxContext = {
    seed,
    nowMs,
    clock,
    accounts,
    accountById: new Map(accounts.map((a) => [a.id, a])),
    ledger,
    oauth: new OAuthState(
      String(1_400_000 + (mix(seed, 0xc1) % 100_000)),
      `sandbox_secret_${mix(seed, 0xc2).toString(16)}${mix(seed, 0xc3).toString(16)}`,
      opts.accessTokenTtlSeconds ?? 2_592_000,
      nowMs,
    ),
    reports: new ReportStore(ledger, {
      pollsUntilFinished: opts.reportPollsUntilFinished ?? 2,
      downloadTtlSeconds: opts.downloadTtlSeconds ?? 300,
      baseUrl: () => baseUrl,
    }),
    faults: new Faults(),
    beta: { keywordsAdGroupIds: 'on' },
    stats: new Map(),
    responses: new Map(),
    categories: new Map(),
    ...(opts.enforceRateLimits
      ? {
          // Budgets run on the wall clock even when the data's clock is pinned (tests stop it at an hour's end).
          rateLimits: new RateLimiter(
            () => Date.now(),
            opts.enforceRateLimits === true ? {} : opts.enforceRateLimits,
          ),
        }
      : {}),
  };
  if (opts.faults) ctx.faults.configure(opts.faults);

  const server = createServer((req, res) => {
    res.setHeader('x-pinterest-rid', randomBytes(8).toString('hex'));
    dispatch(ctx, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ApiError) sendError(res, err);
      else sendError(res, new ApiError(500, 12, 'Something went wrong on our end. Sorry about that.'));
    });
  });
  // An idle connection lives 65 s, as behind common load balancers. In-process tests block this event loop while
  // they compute truth for seconds; with a short timeout, timers due during the block would close sockets just as
  // the client reuses them (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  const info: SandboxInfo = {
    url: baseUrl,
    api_url: `${baseUrl}/v5`,
    oauth_url: `${baseUrl}/oauth/`,
    client_id: ctx.oauth.clientId,
    client_secret: ctx.oauth.clientSecret,
    refresh_token: ctx.oauth.mintRefreshToken(),
    ad_accounts: accounts.map((a) => ({ id: a.id, currency: a.currency, time_zone: a.time_zone })),
  };
  return {
    info,
    mintRefreshToken: (scope?: string) => ctx.oauth.mintRefreshToken(scope),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }).finally(() => ctx.reports.close()),
  };
}
