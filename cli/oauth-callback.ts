// The local end of the OAuth authorization-code flow: a one-shot HTTP server on 127.0.0.1 that receives the
// redirect, checks `state` before anything else, and hands back the code exactly once.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from './errors.ts';

export const CALLBACK_PATH = '/callback';
/**
 * A fixed port by default, because Pinterest only redirects to URIs registered in the app: register
 * `http://127.0.0.1:8719/callback` once and every `pinads connect` works. `--port` overrides it.
 */
export const DEFAULT_CALLBACK_PORT = 8719;
const DEFAULT_CALLBACK_TIMEOUT_MS = 5 * 60_000;

/** 256 random bits, URL-safe: far beyond the 128 bits that make a forged callback unguessable. */
export function newOAuthState(): string {
  return randomBytes(32).toString('base64url');
}

export class OAuthCallbackError extends Error {
  override name = 'OAuthCallbackError';
}

export interface OAuthCallback {
  redirectUri: string;
  /** Resolves with the authorization code of the first callback carrying the right state; rejects otherwise. */
  code: Promise<string>;
  close(): Promise<void>;
}

function sameState(expected: string, got: string | null): boolean {
  if (got === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(got);
  // Constant time, so the state cannot be guessed byte by byte from response timings.
  return a.length === b.length && timingSafeEqual(a, b);
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><meta charset="utf-8"><title>pinads: ${title}</title><h1>${title}</h1><p>${text}</p>\n`;
  res
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    .end(body);
}

/**
 * Listens on 127.0.0.1 (never a public interface) and settles on the first request to the callback path that
 * carries the right `state`. A missing or wrong `state` is answered 400 without ever looking at the code, because
 * the redirect did not come from the authorize URL this process built (a CSRF attempt, or a stale tab of an earlier
 * run); the flow keeps waiting for the right one, so such a request can neither steal nor end it.
 */
export async function startOAuthCallback(opts: {
  state: string;
  port?: number;
  timeoutMs?: number;
  /** Told about each callback refused for its state (the flow goes on waiting). */
  onRejected?: (message: string) => void;
}): Promise<OAuthCallback> {
  let settle!: { resolve: (code: string) => void; reject: (err: Error) => void };
  let settled = false;
  // Set on the first callback request, before its response is flushed, so a second request cannot race it.
  let decided = false;
  let timer: NodeJS.Timeout | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A rejection nobody awaits yet (e.g. the timeout while the caller is between steps) must not crash the process.
  code.catch(() => {});

  const finish = (err: Error | null, value?: string) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (err) settle.reject(err);
    else settle.resolve(value!);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      // Browsers also ask for /favicon.ico; that must not end the flow.
      return page(res, 404, 'Not found', 'This is the pinads OAuth callback.');
    }
    if (decided || settled) return page(res, 410, 'Already done', 'This authorization was already handled.');
    const q = url.searchParams;
    if (!sameState(opts.state, q.get('state'))) {
      opts.onRejected?.(
        `ignored an OAuth callback whose state ${q.has('state') ? 'differs from' : 'is missing, unlike'} the one this command sent; still waiting for the right one`,
      );
      return page(
        res,
        400,
        'Authorization rejected',
        'The state parameter does not match this pinads connect. Nothing was stored; pinads is still waiting.',
      );
    }
    decided = true;
    // Settle only once the page is flushed: the caller may exit right after, and the browser must still see it.
    const answer = (status: number, title: string, text: string, err: Error | null, value?: string) => {
      res.once('finish', () => finish(err, value));
      page(res, status, title, text);
    };
    const error = q.get('error');
    if (error) {
      const why =
        error === 'access_denied'
          ? 'access was denied on the Pinterest consent page'
          : `Pinterest answered error=${error.replace(/[^\w.-]/g, '').slice(0, 64)}`;
      return answer(
        400,
        'Authorization not granted',
        'Pinterest did not grant access. You can close this tab.',
        new OAuthCallbackError(`OAuth authorization failed: ${why}; nothing was stored`),
      );
    }
    const got = q.get('code');
    if (!got) {
      return answer(
        400,
        'Authorization rejected',
        'The callback carries no code.',
        new OAuthCallbackError('OAuth callback carried no code; run `pinads connect` again'),
      );
    }
    answer(
      200,
      'pinads received the authorization',
      'You can close this tab and return to the terminal.',
      null,
      got,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new UsageError(`cannot listen on 127.0.0.1:${opts.port}: ${err.code}; choose another --port`)
          : err,
      ),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });

  const timeoutMs = opts.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  timer = setTimeout(() => {
    const minutes = timeoutMs / 60_000;
    const span = minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${timeoutMs} ms`;
    finish(
      new OAuthCallbackError(
        `no OAuth callback within ${span}; nothing was stored, run \`pinads connect\` again`,
      ),
    );
  }, timeoutMs);

  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    code,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer);
        finish(new OAuthCallbackError('OAuth callback closed before a redirect arrived'));
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
