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
  /** Seconds the access token lives. */
  expiresIn: number;
  /** Always set: Pinterest returns a new refresh token with every grant. */
  refreshToken: string;
  refreshTokenExpiresIn?: number;
  /** Unix seconds (the spec names no unit; Pinterest sends epoch seconds). */
  refreshTokenExpiresAt?: number;
  scope: string;
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

function toTokens(r: TokenResponse): Tokens {
  return {
    accessToken: r.access_token,
    expiresIn: r.expires_in,
    refreshToken: r.refresh_token,
    refreshTokenExpiresIn: r.refresh_token_expires_in,
    refreshTokenExpiresAt: r.refresh_token_expires_at,
    scope: r.scope,
  };
}

async function postToken(
  auth: ClientAuth,
  form: URLSearchParams,
  secrets: string[],
  opts?: HttpOptions,
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
  return toTokens(res);
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
  return postToken(p, form, [p.refreshToken], opts);
}
