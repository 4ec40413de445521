// Who may see the dashboard, and which POSTs are really from its own pages.
//
// Token gate: on any host but 127.0.0.1 (or whenever PINADS_UI_TOKEN is set) a request needs the token, either as
// `Authorization: Bearer <token>` or as the session cookie the login form sets. The cookie holds an HMAC of the
// token, not the token: it is HttpOnly and SameSite=Strict, and rotating the token logs every browser out.
//
// CSRF: signed double submit. Each browser gets a random HttpOnly cookie; every form carries HMAC(server key,
// cookie), which a page on another origin can neither read nor compute. POSTs also need a same-origin Origin or
// Sec-Fetch-Site header when the browser sends one.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'pinads_session';
const CSRF_COOKIE = 'pinads_csrf';

export const LOOPBACK_HOST = '127.0.0.1';

/** The hosts a loopback dashboard answers to: a DNS-rebinding page arrives with its own name in Host. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class TokenRequiredError extends Error {
  override name = 'TokenRequiredError';
}

/** Decides whether the gate is on; a non-loopback host without a token is refused before anything listens. */
export function gateFor(host: string, token: string | undefined): { token?: string } {
  const t = token?.trim() || undefined;
  if (host !== LOOPBACK_HOST && !t) {
    throw new TokenRequiredError(
      `--host ${host} exposes the dashboard beyond this machine: set PINADS_UI_TOKEN (a long random secret) first`,
    );
  }
  return { token: t };
}

const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data).digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The request's cookies. Every app on 127.0.0.1 shares the host's cookies, so a value this dashboard cannot decode
 * (another app's, or a mangled one) is skipped, never an error: ours are always encoded by cookie() below.
 */
export function parseCookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // Malformed percent-encoding (URIError): not a cookie of ours.
    }
  }
  return out;
}

export function cookie(name: string, value: string, opts: { maxAge?: number } = {}): string {
  const age = opts.maxAge === undefined ? '' : `; Max-Age=${opts.maxAge}`;
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict${age}`;
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

export class Guard {
  /** Signs CSRF values; new per process, so a form from before a restart asks for a reload. */
  private readonly key = randomBytes(32);
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly token: string | undefined,
    private readonly host: string,
    private readonly port: () => number,
  ) {}

  get gated(): boolean {
    return this.token !== undefined;
  }

  /** The session cookie value for a correct token. */
  sessionValue(): string {
    return hmac(this.token ?? '', 'pinads-ui-session-v1');
  }

  checkToken(candidate: string): boolean {
    return this.token !== undefined && same(hmac('cmp', candidate), hmac('cmp', this.token));
  }

  /** True when the request may read the dashboard. */
  authorized(req: IncomingMessage): boolean {
    if (!this.token) return true;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && this.checkToken(auth.slice(7).trim())) return true;
    const session = parseCookies(req)[SESSION_COOKIE];
    return session !== undefined && same(session, this.sessionValue());
  }

  /** False for a Host header that is not this server's own name (DNS rebinding against a loopback dashboard). */
  hostAllowed(req: IncomingMessage): boolean {
    if (this.gated && this.host !== LOOPBACK_HOST) return true;
    const host = req.headers.host ?? '';
    const m = /^(.*):(\d+)$/.exec(host);
    return m !== null && LOOPBACK_NAMES.has(m[1]!) && Number(m[2]) === this.port();
  }

  /** The browser's CSRF cookie, and a Set-Cookie header when it has none yet. */
  csrfCookie(req: IncomingMessage): { value: string; setCookie?: string } {
    const existing = parseCookies(req)[CSRF_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{20,}$/.test(existing)) return { value: existing };
    const value = randomBytes(24).toString('base64url');
    return { value, setCookie: cookie(CSRF_COOKIE, value) };
  }

  csrfToken(cookieValue: string): string {
    return hmac(this.key, `csrf:${cookieValue}`);
  }

  /** Whether a POST carries this browser's CSRF token and comes from this origin. */
  csrfValid(req: IncomingMessage, submitted: string | undefined): boolean {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
    const origin = req.headers.origin;
    if (origin !== undefined && originHost(origin) !== req.headers.host) return false;
    const c = parseCookies(req)[CSRF_COOKIE];
    return c !== undefined && submitted !== undefined && same(submitted, this.csrfToken(c));
  }

  /** At most 5 wrong tokens per client per minute: the gate must not be a guessing oracle. */
  loginThrottled(client: string): boolean {
    const now = Date.now();
    const recent = (this.failures.get(client) ?? []).filter((t) => now - t < 60_000);
    this.failures.set(client, recent);
    return recent.length >= 5;
  }

  loginFailed(client: string): void {
    this.failures.set(client, [...(this.failures.get(client) ?? []), Date.now()]);
  }
}
