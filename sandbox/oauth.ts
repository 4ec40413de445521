// OAuth as Pinterest does it: an auto-approving authorize page, code and refresh grants with HTTP Basic client auth,
// refresh tokens that ROTATE on every use (the old one then answers 401 code 283), and expiring access tokens.
import { randomBytes } from 'node:crypto';
import { ApiError, invalid, type RawJson } from './http.ts';
import { type OAuthQuirk, quirkyTokenResponse } from './oauth-quirks.ts';

export const DEFAULT_SCOPE = 'ads:read,user_accounts:read';
const REFRESH_TTL_S = 60 * 86_400; // continuous refresh tokens: 60 days, renewed by each refresh
const LEGACY_REFRESH_TTL_S = 365 * 86_400; // legacy tokens: a hard year from consent, never renewed
const CODE_TTL_MS = 10 * 60_000;

interface Grant {
  scope: string;
  expiresMs: number;
  /** false for a legacy grant (code exchanged without continuous_refresh=true): its end never moves. */
  continuous: boolean;
}

const authFailed = () => new ApiError(401, 2, 'Authentication failed.');
/** The spec's answer (L2691) to a token whose grant lacks a scope the operation requires. */
const insufficientScope = () =>
  new ApiError(
    403,
    3,
    'Your token does not have sufficient permissions to perform this operation. Please ensure your token is authorized with the correct set of scopes.',
  );

/** A grant's scopes: the token endpoint writes them comma-joined (as the request asked), spaces tolerated. */
const scopesOf = (scope: string) => new Set(scope.split(/[,\s]+/).filter(Boolean));
const invalidGrant = () => new ApiError(401, 283, 'The authorization grant is invalid');

export class OAuthState {
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, { expiresMs: number; scopes: Set<string> }>();
  private readonly codes = new Map<string, { redirectUri: string; scope: string; expiresMs: number }>();
  /** POST /__sandbox/oauth_quirks: how successful token responses are bent (see oauth-quirks.ts). */
  quirks: ReadonlySet<OAuthQuirk> = new Set();

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    private readonly accessTtlS: number,
    private readonly nowMs: () => number,
  ) {}

  /** A new grant for the sandbox's one user: what a completed consent would yield. */
  mintRefreshToken(scope = DEFAULT_SCOPE, legacyEndMs?: number): string {
    const token = `pinr_${randomBytes(24).toString('base64url')}`;
    this.refreshTokens.set(token, {
      scope,
      expiresMs: legacyEndMs ?? this.nowMs() + REFRESH_TTL_S * 1000,
      continuous: legacyEndMs === undefined,
    });
    return token;
  }

  /** GET /oauth/: approves at once and returns where to redirect, with `code` and `state`. */
  authorize(q: URLSearchParams): string {
    if (q.get('client_id') !== this.clientId) throw invalid('client_id is missing or unknown.');
    if (q.get('response_type') !== 'code') throw invalid('response_type must be code.');
    const redirectUri = q.get('redirect_uri');
    let target: URL;
    try {
      target = new URL(redirectUri ?? '');
    } catch {
      throw invalid('redirect_uri must be an absolute URL.');
    }
    const code = randomBytes(20).toString('hex');
    this.codes.set(code, {
      redirectUri: redirectUri!,
      scope: q.get('scope') || DEFAULT_SCOPE,
      expiresMs: this.nowMs() + CODE_TTL_MS,
    });
    target.searchParams.set('code', code);
    const state = q.get('state');
    if (state !== null) target.searchParams.set('state', state);
    return target.toString();
  }

  /** POST /v5/oauth/token. Validates everything before mutating, so a rejected request never rotates a token. */
  token(authorization: string | undefined, form: URLSearchParams): RawJson {
    this.checkClient(authorization);
    const grantType = form.get('grant_type');
    const now = this.nowMs();
    if (grantType === 'authorization_code') {
      const code = form.get('code');
      if (!code) throw invalid('code is required.');
      const entry = this.codes.get(code);
      this.codes.delete(code); // single use, even when the exchange below fails
      if (!entry || entry.expiresMs < now || entry.redirectUri !== form.get('redirect_uri'))
        throw invalidGrant();
      const continuous = form.get('continuous_refresh') === 'true';
      const refresh = this.mintRefreshToken(
        entry.scope,
        continuous ? undefined : now + LEGACY_REFRESH_TTL_S * 1000,
      );
      return this.issue(refresh, entry.scope, 'authorization_code');
    }
    if (grantType === 'refresh_token') {
      const old = form.get('refresh_token');
      if (!old) throw invalid('refresh_token is required.');
      const grant = this.refreshTokens.get(old);
      if (!grant || grant.expiresMs < now) throw invalidGrant();
      this.refreshTokens.delete(old);
      const refresh = this.mintRefreshToken(grant.scope, grant.continuous ? undefined : grant.expiresMs);
      return this.issue(refresh, grant.scope, 'refresh_token');
    }
    throw invalid('grant_type must be authorization_code or refresh_token.');
  }

  /**
   * POST /__sandbox/revoke {"all": true}: the user removed the app. Every refresh token, access token and pending
   * authorization code of the login stops working; grants minted afterwards (a new consent) work again.
   */
  revokeAll(): { refresh_tokens: number; access_tokens: number } {
    const counts = { refresh_tokens: this.refreshTokens.size, access_tokens: this.accessTokens.size };
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.codes.clear();
    return counts;
  }

  /**
   * Throws the API's 401 unless `authorization` is a live bearer token, and its 403 code 3 when the token's grant
   * lacks one of the scopes the operation requires.
   */
  checkBearer(authorization: string | undefined, required: readonly string[]): void {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = m ? this.accessTokens.get(m[1]!) : undefined;
    if (token === undefined || token.expiresMs <= this.nowMs()) throw authFailed();
    if (required.some((s) => !token.scopes.has(s))) throw insufficientScope();
  }

  private checkClient(authorization: string | undefined): void {
    const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    if (decoded !== `${this.clientId}:${this.clientSecret}`) throw authFailed();
  }

  private issue(refreshToken: string, scope: string, responseType: string): RawJson {
    const access = `pina_${randomBytes(32).toString('base64url')}`;
    const now = this.nowMs();
    this.accessTokens.set(access, { expiresMs: now + this.accessTtlS * 1000, scopes: scopesOf(scope) });
    const grant = this.refreshTokens.get(refreshToken)!;
    const body = {
      access_token: access,
      refresh_token: refreshToken,
      response_type: responseType,
      token_type: 'bearer',
      expires_in: this.accessTtlS,
      scope,
      refresh_token_expires_in: Math.round((grant.expiresMs - now) / 1000),
      refresh_token_expires_at: Math.floor(grant.expiresMs / 1000),
    };
    return quirkyTokenResponse(body, this.quirks);
  }
}
