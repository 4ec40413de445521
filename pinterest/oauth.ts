// OAuth 2.0 authorization-code flow and refresh for Pinterest v5 (spec operationId `oauth/token`).
// Pinterest rotates the refresh token on every refresh: callers must persist the returned one before using it.
import { TokenResponse } from '../schemas/pinterest.ts';
import { type HttpOptions, requestJson } from './http.ts';

/**
 * The scopes pinads asks for, and no more: `ads:read` for ad accounts, entities and reports, `user_accounts:read`
 * for GET /user_account, which names the login whose request budget a grant shares (docs/pinterest-api.md §2, §8.1).
 */
export const SCOPES = ['ads:read', 'user_accounts:read'] as const;

export interface Tokens {
  accessToken: string;
  /** Seconds the access token lives (ASSUMED_EXPIRES_IN_S when the answer gave no usable number). */
  expiresIn: number;
  /** Always set: Pinterest returns a new refresh token with every grant. */
  refreshToken: string;
  refreshTokenExpiresIn?: number;
  /** Unix seconds (the spec names no unit; Pinterest sends epoch seconds). */
  refreshTokenExpiresAt?: number;
  /** Absent when the answer named none: the scope stored before stays. */
  scope?: string;
  /** What was odd about the answer, one phrase each, for a warning; empty for a regular answer. */
  oddities: string[];
}

/**
 * A token answer with a new refresh token but no access token: nothing can be called with it, yet the refresh token
 * must be stored (the one sent is dead), so it travels with the error.
 */
export class AnswerWithoutAccessToken extends Error {
  override name = 'AnswerWithoutAccessToken';
  constructor(readonly tokens: Omit<Tokens, 'accessToken'>) {
    super(
      `Pinterest's token answer holds a new refresh token but no access token (${tokens.oddities.join('; ')})`,
    );
  }
}

/** The access-token lifetime assumed when an answer gives none: short enough to refresh within the day. */
export const ASSUMED_EXPIRES_IN_S = 86_400;

/** A whole number of seconds from a number or numeric text; the phrase says what was odd about it. */
function seconds(name: string, v: unknown): { value?: number; odd?: string } {
  if (v === undefined) return {};
  if (v === null) return { odd: `${name} is null` };
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) return { odd: `${name} ${JSON.stringify(v)} is not a number of seconds` };
  const value = Math.floor(n);
  if (typeof v === 'string') return { value, odd: `${name} is text (${JSON.stringify(v)})` };
  return Number.isInteger(v) ? { value } : { value, odd: `${name} ${v} is not a whole number` };
}

/**
 * Reads a successful token answer without throwing away what matters: the refresh token Pinterest just issued (it
 * has already invalidated the one sent). Fields of an unexpected shape are read as well as they can be and named
 * in `oddities`. Only an answer with no refresh token at all, and none sent to fall back on, is refused.
 */
export function readTokenResponse(r: TokenResponse, sentRefreshToken?: string): Tokens {
  const oddities: string[] = [];
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  let refreshToken = text(r.refresh_token);
  if (!refreshToken) {
    if (!sentRefreshToken) throw new Error("Pinterest's token answer holds no refresh token");
    oddities.push('no refresh_token (the one sent is kept)');
    refreshToken = sentRefreshToken;
  }
  const accessToken = text(r.access_token);
  const expires = seconds('expires_in', r.expires_in);
  if (expires.odd) oddities.push(expires.odd);
  if (expires.value === undefined)
    oddities.push(`access token lifetime unknown (taken as ${ASSUMED_EXPIRES_IN_S} s)`);
  const refreshIn = seconds('refresh_token_expires_in', r.refresh_token_expires_in);
  const refreshAt = seconds('refresh_token_expires_at', r.refresh_token_expires_at);
  for (const o of [refreshIn.odd, refreshAt.odd]) if (o) oddities.push(o);
  const scope = text(r.scope);
  if (!scope) oddities.push('no scope (the stored one is kept)');
  const tokens = {
    expiresIn: expires.value ?? ASSUMED_EXPIRES_IN_S,
    refreshToken,
    refreshTokenExpiresIn: refreshIn.value,
    refreshTokenExpiresAt: refreshAt.value,
    scope,
    oddities,
  };
  if (!accessToken)
    throw new AnswerWithoutAccessToken({ ...tokens, oddities: [...oddities, 'no access_token'] });
  return { accessToken, ...tokens };
}

/** The token endpoint lives under the API base: `https://api.pinterest.com/v5` → `…/v5/oauth/token`. */
export function tokenUrlFor(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/oauth/token`;
}

/** The page a user visits to grant access; Pinterest redirects back to `redirectUri` with `code` and `state`. */
export function buildAuthorizeUrl(p: {
  oauthUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
}): string {
  const url = new URL(p.oauthUrl);
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('response_type', 'code');
  // Pinterest's own quickstart joins scopes with commas.
  url.searchParams.set('scope', p.scopes.join(','));
  url.searchParams.set('state', p.state);
  return url.toString();
}

interface ClientAuth {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

async function postToken(
  auth: ClientAuth,
  form: URLSearchParams,
  secrets: string[],
  opts?: HttpOptions,
  sentRefreshToken?: string,
): Promise<Tokens> {
  const basic = Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64');
  const res = await requestJson(
    {
      endpoint: 'token',
      method: 'POST',
      url: auth.tokenUrl,
      headers: { authorization: `Basic ${basic}` },
      body: form,
      schema: TokenResponse,
      secrets: [auth.clientSecret, basic, ...secrets],
    },
    opts,
  );
  return readTokenResponse(res, sentRefreshToken);
}

/**
 * Exchanges the `code` from the authorize redirect for the first token pair (grant `authorization_code`). Asks for a
 * continuous refresh token (60 days, renewed by every refresh) unless `continuousRefresh` is false: apps created
 * before 2025-09-25 otherwise get a legacy token with a hard 365-day end (docs/pinterest-api.md §1.3).
 */
export function exchangeAuthorizationCode(
  p: ClientAuth & { code: string; redirectUri: string; continuousRefresh?: boolean },
  opts?: HttpOptions,
): Promise<Tokens> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: p.code,
    redirect_uri: p.redirectUri,
  });
  if (p.continuousRefresh !== false) form.set('continuous_refresh', 'true');
  return postToken(p, form, [p.code], opts);
}

/**
 * Trades a refresh token for a new access token AND a new refresh token (grant `refresh_token`). The old refresh
 * token is dead afterwards; reusing it answers 401 code 283, which the error table maps to `reauth`.
 */
export function refreshAccessToken(
  p: ClientAuth & { refreshToken: string },
  opts?: HttpOptions,
): Promise<Tokens> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: p.refreshToken });
  return postToken(p, form, [p.refreshToken], opts, p.refreshToken);
}
