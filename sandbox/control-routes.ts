// The /__sandbox/* routes (docs/sandbox.md): how tests and benches steer the sandbox from outside. Their handlers
// live beside the state they change (control.ts, oauth.ts, clock.ts); this is only the table.
import type { IncomingMessage } from 'node:http';
import type { SandboxContext } from './context.ts';
import * as control from './control.ts';
import { invalid, readJson } from './http.ts';
import { OAUTH_QUIRKS, parseQuirks } from './oauth-quirks.ts';
import { CONVERSION_READY_HOURS, NON_CONVERSION_READY_HOURS } from './readiness.ts';

/** GET/POST /__sandbox/clock answer: the clock plus the readiness delays, so a test knows where to move it. */
function clockState(ctx: SandboxContext) {
  return {
    ...ctx.clock.state(),
    readiness: {
      non_conversion_ready_hours_after_day: NON_CONVERSION_READY_HOURS,
      conversion_ready_hours_after_day: CONVERSION_READY_HOURS,
    },
  };
}

export interface ControlRoute {
  method: 'GET' | 'POST';
  template: string;
  handle: (c: { ctx: SandboxContext; req: IncomingMessage; q: URLSearchParams }) => unknown;
}

const body = (req: IncomingMessage) => readJson(req);

export const CONTROL_ROUTES: ControlRoute[] = [
  { method: 'GET', template: '/__sandbox/truth', handle: ({ ctx, q }) => control.truth(ctx, q) },
  {
    method: 'POST',
    template: '/__sandbox/faults',
    handle: async ({ ctx, req }) => control.faults(ctx, await body(req)),
  },
  { method: 'GET', template: '/__sandbox/faults', handle: ({ ctx }) => ctx.faults.config },
  {
    method: 'POST',
    template: '/__sandbox/restate',
    handle: async ({ ctx, req }) => control.restate(ctx, await body(req)),
  },
  { method: 'GET', template: '/__sandbox/stats', handle: ({ ctx }) => control.stats(ctx) },
  {
    method: 'POST',
    template: '/__sandbox/stats/reset',
    handle: ({ ctx }) => {
      control.clearStats(ctx);
      return control.stats(ctx);
    },
  },
  {
    method: 'POST',
    template: '/__sandbox/rate_limits',
    handle: async ({ ctx, req }) => control.rateLimits(ctx, await body(req)),
  },
  {
    method: 'POST',
    template: '/__sandbox/refresh_tokens',
    // {"scope": "user_accounts:read"}: a grant with other scopes than pinads asks for (e.g. a pasted token).
    handle: async ({ ctx, req }) => {
      const { scope } = (await body(req)) as { scope?: unknown };
      if (scope !== undefined && (typeof scope !== 'string' || scope.trim() === ''))
        throw invalid('scope must be a non-empty string of comma-separated scopes.');
      return { refresh_token: ctx.oauth.mintRefreshToken(scope) };
    },
  },
  {
    method: 'POST',
    template: '/__sandbox/oauth_quirks',
    handle: async ({ ctx, req }) => {
      ctx.oauth.quirks = new Set(parseQuirks(await body(req)));
      return { quirks: [...ctx.oauth.quirks], known: OAUTH_QUIRKS };
    },
  },
  {
    method: 'GET',
    template: '/__sandbox/oauth_quirks',
    handle: ({ ctx }) => ({ quirks: [...ctx.oauth.quirks], known: OAUTH_QUIRKS }),
  },
  { method: 'GET', template: '/__sandbox/clock', handle: ({ ctx }) => clockState(ctx) },
  {
    method: 'POST',
    template: '/__sandbox/clock',
    handle: async ({ ctx, req }) => {
      ctx.clock.set(await body(req));
      return clockState(ctx);
    },
  },
  {
    method: 'POST',
    template: '/__sandbox/beta',
    handle: async ({ ctx, req }) => {
      const v = (await body(req)).keywords_ad_group_ids;
      if (v !== 'on' && v !== 'refuse' && v !== 'ignore')
        throw invalid('keywords_ad_group_ids must be "on", "refuse" (400) or "ignore" (filter dropped).');
      ctx.beta.keywordsAdGroupIds = v;
      return { keywords_ad_group_ids: v };
    },
  },
  {
    method: 'POST',
    template: '/__sandbox/revoke',
    handle: async ({ ctx, req }) => {
      const b = await body(req);
      if (b.all !== true)
        throw invalid('revoke takes {"all": true}: every token of the login stops working.');
      return { revoked: ctx.oauth.revokeAll() };
    },
  },
];
