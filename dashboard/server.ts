// The dashboard's HTTP server (node:http): routes, security headers, the token gate, CSRF, and error pages that
// say what to do. Read-only except the three actions (core operations), which are POSTs.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type pg from 'pg';
import type { Env } from '../schemas/config.ts';
import { type ActionName, runAction } from './actions.ts';
import { cookie, Guard, parseCookies, SESSION_COOKIE } from './auth.ts';
import { BadRequest } from './data.ts';
import { type Html, html } from './html.ts';
import { emptyState, layout, type PageContext } from './pages/layout.ts';
import { loginPage, safeNext } from './pages/login.ts';
import { Routes } from './routes.ts';
import { loadStatic, type StaticAssets } from './static.ts';
import { TemporalLink } from './temporal.ts';

export interface DashboardOptions {
  pool: pg.Pool;
  env: Env;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** PINADS_UI_TOKEN; required (by the caller, see gateFor) on any host but 127.0.0.1. */
  token?: string;
  log?: (line: string) => void;
}

export interface Dashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

// No inline script or style anywhere; nothing from another origin; no framing; forms post only here.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // Not no-referrer: under it a browser sends `Origin: null` on form posts, and the CSRF check needs the origin.
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

const FLASH_COOKIE = 'pinads_flash';

export class Reply {
  readonly headers: Record<string, string | string[]> = { ...SECURITY_HEADERS };
  private readonly cookies: string[] = [];
  constructor(
    readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  setCookie(c: string): void {
    this.cookies.push(c);
  }

  send(status: number, body: string | Buffer, type: string, cache = 'no-store'): void {
    let data = typeof body === 'string' ? Buffer.from(body) : body;
    const headers: Record<string, string | string[] | number> = {
      ...this.headers,
      'Content-Type': type,
      'Cache-Control': cache,
      Vary: 'Accept-Encoding',
    };
    if (this.cookies.length) headers['Set-Cookie'] = this.cookies;
    if (data.length > 1024 && /\bgzip\b/.test(String(this.req.headers['accept-encoding'] ?? ''))) {
      data = gzipSync(data);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = data.length;
    this.res.writeHead(status, headers);
    this.res.end(this.req.method === 'HEAD' ? undefined : data);
  }

  page(status: number, h: Html): void {
    this.send(status, h.text, 'text/html; charset=utf-8');
  }

  redirect(location: string): void {
    this.headers.Location = location;
    this.send(303, '', 'text/plain; charset=utf-8');
  }
}

async function readForm(req: IncomingMessage, limit = 16_384): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BadRequest('the form is too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** What went wrong, for people: a database that is down or unmigrated is not a bug in the page. */
function errorPage(err: unknown): { status: number; title: string; text: string } {
  const e = err as { code?: string; message?: string };
  if (err instanceof BadRequest) return { status: 400, title: 'That link has a problem', text: e.message! };
  if (e.code === 'ECONNREFUSED' || e.code === '57P01' || e.code === '57P03' || e.code === 'ENOTFOUND')
    return {
      status: 503,
      title: 'The warehouse is not reachable',
      text: 'Postgres at DATABASE_URL did not answer. Start it (or `npm start` for the embedded one) and reload.',
    };
  if (e.code === '42P01' || e.code === '3F000')
    return {
      status: 503,
      title: 'The warehouse has no pinads tables yet',
      text: 'Run `pinads migrate` against DATABASE_URL (the worker and `pinads dev` do it on start), then reload.',
    };
  return {
    status: 500,
    title: 'Something went wrong',
    text: `${String(e.message ?? err).split('\n')[0]}. The dashboard log has the details.`,
  };
}

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[pinads ui] ${line}\n`));
  const assets: StaticAssets = await loadStatic();
  const temporal = new TemporalLink(opts.env);
  let port = opts.port;
  const guard = new Guard(opts.token, opts.host, () => port);
  const flashes = new Map<string, { kind: 'ok' | 'error'; text: string; at: number }>();
  const routes = new Routes(opts.pool, temporal);

  const context = (reply: Reply): PageContext => {
    const csrf = guard.csrfCookie(reply.req);
    if (csrf.setCookie) reply.setCookie(csrf.setCookie);
    const id = parseCookies(reply.req)[FLASH_COOKIE];
    const flash = id ? flashes.get(id) : undefined;
    if (id) {
      flashes.delete(id);
      reply.setCookie(cookie(FLASH_COOKIE, '', { maxAge: 0 }));
    }
    return {
      csrf: guard.csrfToken(csrf.value),
      gated: guard.gated,
      assets: { css: assets.version('style.css'), js: assets.version('app.js') },
      flash: flash && Date.now() - flash.at < 120_000 ? flash : undefined,
    };
  };
  const flashThen = (reply: Reply, kind: 'ok' | 'error', text: string, location: string) => {
    const id = Math.random().toString(36).slice(2) + Date.now().toString(36);
    flashes.set(id, { kind, text, at: Date.now() });
    reply.setCookie(cookie(FLASH_COOKIE, id, { maxAge: 120 }));
    reply.redirect(location);
  };

  async function handle(reply: Reply, path: string, q: URLSearchParams): Promise<void> {
    const req = reply.req;
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    if (path.startsWith('/static/')) return assets.serve(reply, path.slice('/static/'.length));
    // Browsers ask for it on pages that name no icon (plain-text errors, downloads).
    if (path === '/favicon.ico') return assets.serve(reply, 'favicon.svg');
    if (path === '/healthz') return reply.send(200, 'ok\n', 'text/plain; charset=utf-8');

    if (path === '/login' && guard.gated) {
      const ctx = context(reply);
      if (method === 'GET') return reply.page(200, loginPage(ctx, safeNext(q.get('next'))));
      if (method !== 'POST') return reply.send(405, 'method not allowed\n', 'text/plain; charset=utf-8');
      const form = await readForm(req);
      const client = req.socket.remoteAddress ?? '?';
      if (!guard.csrfValid(req, form.get('csrf') ?? undefined))
        return reply.page(403, loginPage(ctx, safeNext(form.get('next')), 'The form expired: try again.'));
      if (guard.loginThrottled(client))
        return reply.page(429, loginPage(ctx, '/', 'Too many wrong tokens: wait a minute and try again.'));
      if (!guard.checkToken(form.get('token') ?? '')) {
        guard.loginFailed(client);
        log(`sign-in with a wrong token from ${client}`);
        return reply.page(401, loginPage(ctx, safeNext(form.get('next')), 'That token is not right.'));
      }
      reply.setCookie(cookie(SESSION_COOKIE, guard.sessionValue(), { maxAge: 30 * 86_400 }));
      return reply.redirect(safeNext(form.get('next')));
    }

    if (!guard.authorized(req)) {
      reply.headers['WWW-Authenticate'] = 'Bearer realm="pinads"';
      const wantsPage = method === 'GET' && /text\/html/.test(String(req.headers.accept ?? ''));
      if (wantsPage)
        return reply.redirect(`/login?next=${encodeURIComponent(path + (q.size ? `?${q}` : ''))}`);
      return reply.send(
        401,
        'sign in first: a PINADS_UI_TOKEN bearer token or the /login form\n',
        'text/plain',
      );
    }

    if (method === 'POST') {
      const form = await readForm(req);
      if (!guard.csrfValid(req, form.get('csrf') ?? undefined))
        return reply.send(
          403,
          'the form is stale or came from another site: reload the page\n',
          'text/plain',
        );
      if (path === '/logout') {
        reply.setCookie(cookie(SESSION_COOKIE, '', { maxAge: 0 }));
        return reply.redirect('/login');
      }
      const m = /^\/connections\/([A-Za-z0-9_-]{1,64})\/(sync|backfill|resume)$/.exec(path);
      if (!m) return reply.send(404, 'not found\n', 'text/plain; charset=utf-8');
      const [, id, name] = m as unknown as [string, string, ActionName];
      // A form may say where to come back to (the home page's Resume does); only a local path is accepted.
      const back = form.has('back') ? safeNext(form.get('back')) : `/connections/${id}`;
      const client = await temporal.get();
      if (!client)
        return flashThen(
          reply,
          'error',
          `Temporal is not reachable at ${opts.env.TEMPORAL_ADDRESS}: start it (or \`npm start\`) and try again.`,
          back,
        );
      const r = await runAction(name, id, form, { env: opts.env, wh: { pool: opts.pool }, temporal: client });
      log(`${name} ${id}: ${r.ok ? 'started' : r.message}`);
      return flashThen(reply, r.ok ? 'ok' : 'error', r.message, back);
    }
    if (method !== 'GET') return reply.send(405, 'method not allowed\n', 'text/plain; charset=utf-8');
    return routes.get(reply, path, q, () => context(reply));
  }

  const server = createServer((req, res) => {
    const reply = new Reply(req, res);
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (!guard.hostAllowed(req)) {
      return reply.send(421, 'this dashboard answers only to its own address\n', 'text/plain; charset=utf-8');
    }
    handle(reply, url.pathname, url.searchParams).catch((err) => {
      const e = errorPage(err);
      if (e.status >= 500) log(`${req.method} ${url.pathname}: ${String((err as Error).stack ?? err)}`);
      if (res.headersSent) return res.destroy();
      try {
        const ctx = context(reply);
        reply.page(
          e.status,
          layout(ctx, {
            title: e.title,
            body: emptyState(e.title, e.text, html`<p><a class="btn" href="/">All connections</a></p>`),
          }),
        );
      } catch {
        reply.send(e.status, `${e.title}: ${e.text}\n`, 'text/plain; charset=utf-8');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.close();
    },
  };
}
