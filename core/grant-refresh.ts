// Grant refresh, for every door that needs an access token of a stored grant (the worker's activities, the CLI's
// verification): read from the encrypted store, refreshed when due under the grant's row lock, and the rotated
// refresh token committed before anything else. Pinterest rotates it on every refresh, so losing the new one loses
// the grant.
import type pg from 'pg';
import { createPinterestClient } from '../pinterest/client.ts';
import type { RequestEvent } from '../pinterest/http.ts';
import {
  AnswerWithoutAccessToken,
  refreshAccessToken,
  type Tokens,
  tokenUrlFor,
} from '../pinterest/oauth.ts';
import { type CredentialRow, getCredential, withLockedCredential } from '../warehouse/control.ts';
import type { SecretBox } from '../warehouse/crypto.ts';
import { assertCurrentKey, type GrantTokens, noteGrantProblem, storeGrant } from '../warehouse/grants.ts';

const MAX_REFRESH_AHEAD_MS = 24 * 3600 * 1000;
const PERSIST_ATTEMPTS = 5;

/** Refresh this long before expiry: min(24 h, half the token's lifetime), so short-lived tokens are not refreshed always. */
export function refreshAheadMs(issuedAt: Date | null, expiresAt: Date): number {
  if (!issuedAt) return MAX_REFRESH_AHEAD_MS;
  return Math.min(MAX_REFRESH_AHEAD_MS, Math.max(0, (expiresAt.getTime() - issuedAt.getTime()) / 2));
}

/** What refreshing a grant needs; activities pass their deps, the CLI its context. */
export interface GrantDeps {
  pool: pg.Pool;
  box: SecretBox;
  pinterest: { apiUrl: string; clientId?: string; clientSecret?: string };
  now?: () => Date;
  /**
   * Where trouble with a grant is reported: a rotated token that was hard to persist, an odd token response, an
   * unknown login. Default: one line on standard error.
   */
  warn?: (message: string, fields: Record<string, unknown>, severity?: 'warn' | 'error') => void;
  /** Told of every Pinterest request made on the grant's behalf (the worker counts them in its metrics). */
  onRequest?: (event: RequestEvent) => void;
}

const stderrWarn = (message: string, fields: Record<string, unknown>) =>
  process.stderr.write(`pinads: warning: ${message} ${JSON.stringify(fields)}\n`);

export class MissingAppCredentialsError extends Error {
  override name = 'MissingAppCredentialsError';
}

/**
 * Returns a usable access token for the grant, refreshing under the credential's row lock when it is due or when
 * `rejected` (the token the API just refused) is still the stored one. Throws the token endpoint's PinterestError
 * as it is: callers decide what an invalid grant or a wrong client secret means for them.
 */
export async function grantAccessToken(
  d: GrantDeps,
  credentialId: string,
  calls: { n: number },
  rejected?: string,
): Promise<{ token: string; refreshed: boolean }> {
  const now = () => (d.now ? d.now() : new Date());
  const fresh = (row: CredentialRow) => {
    if (!row.access_token_enc || !row.access_token_expires_at) return undefined;
    const ahead = refreshAheadMs(row.access_token_issued_at, row.access_token_expires_at);
    if (row.access_token_expires_at.getTime() - now().getTime() < ahead) return undefined;
    const token = d.box.decrypt(row.access_token_enc, { credentialId: row.id, field: 'access_token' });
    return token === rejected ? undefined : token;
  };
  const seen = await getCredential(d.pool, credentialId);
  if (!seen) throw new Error(`credential ${credentialId} not found`);
  const cached = fresh(seen);
  const result = cached
    ? { token: cached, refreshed: false }
    : await refreshed(d, credentialId, calls, fresh, now);
  if (seen.pinterest_user_id === null) await rememberLogin(d, credentialId, result.token, calls);
  return result;
}

/** The refresh itself, under the credential's row lock. */
async function refreshed(
  d: GrantDeps,
  credentialId: string,
  calls: { n: number },
  fresh: (row: CredentialRow) => string | undefined,
  now: () => Date,
): Promise<{ token: string; refreshed: boolean }> {
  let rotated: GrantTokens | undefined;
  let oddities: string[] = [];
  try {
    const r = await withLockedCredential(d.pool, credentialId, async (row, tx) => {
      // Another connection of the same grant may have refreshed while we waited for the lock.
      const again = fresh(row);
      if (again) return { token: again, refreshed: false };
      if (!d.pinterest.clientId || !d.pinterest.clientSecret)
        throw new MissingAppCredentialsError(
          'PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET must be set to refresh tokens',
        );
      // Under the row lock a key rotation (which locks every credential) cannot slip in before the store below.
      await assertCurrentKey(tx, d.box);
      calls.n += 1;
      let t: Tokens | AnswerWithoutAccessToken;
      try {
        t = await refreshAccessToken(
          {
            tokenUrl: tokenUrlFor(d.pinterest.apiUrl),
            clientId: d.pinterest.clientId,
            clientSecret: d.pinterest.clientSecret,
            refreshToken: d.box.decrypt(row.refresh_token_enc, {
              credentialId: row.id,
              field: 'refresh_token',
            }),
          },
          { onRequest: d.onRequest },
        );
      } catch (err) {
        // A new refresh token without an access token: store the refresh token all the same (below), then fail.
        if (!(err instanceof AnswerWithoutAccessToken)) throw err;
        t = err;
      }
      const tokens = t instanceof AnswerWithoutAccessToken ? t.tokens : t;
      oddities = tokens.oddities;
      rotated = grantTokensOf(tokens, now());
      await storeGrant(tx, d.box, row.id, rotated, [], { anyKey: true });
      // A run that gets a token proves the app credentials work again: clear a configuration note.
      if (rotated.accessToken) await noteGrantProblem(tx, row.id, null);
      return { token: rotated.accessToken, refreshed: true };
    });
    if (oddities.length) warnOdd(d, credentialId, oddities);
    return usable(r);
  } catch (err) {
    // Pinterest already rotated the grant: the old token is dead, so losing the new one would lose the grant.
    if (!rotated) throw err;
    if (oddities.length) warnOdd(d, credentialId, oddities);
    return usable({ token: await persistRotated(d, credentialId, rotated, err), refreshed: true });
  }
}

function warnOdd(d: GrantDeps, credentialId: string, oddities: string[]): void {
  (d.warn ?? stderrWarn)(
    `Pinterest's token answer was odd (${oddities.join('; ')}); the new refresh token was kept`,
    { credentialId, oddities },
  );
}

/** The access token of a refresh, or the error of one that returned none (its refresh token is stored). */
function usable(r: { token?: string; refreshed: boolean }): { token: string; refreshed: boolean } {
  if (r.token) return { token: r.token, refreshed: r.refreshed };
  throw new Error(
    "Pinterest's token answer held a new refresh token but no access token; the refresh token is stored and the next attempt refreshes again",
  );
}

/** Credential id → when this process last asked whose login it is (one ask per process, not one per sync). */
const loginAsked = new Map<string, number>();
const LOGIN_RETRY_MS = 3_600_000;

/**
 * Reads, once per grant, whose Pinterest login it is (GET /user_account, category org_read, not paced), so the
 * pacing buckets share one user's budget across all of that user's grants. Once per process: a thousand syncs of a
 * new grant starting together make one call, not a thousand. Best effort: a failure leaves the grant paced on its
 * own, and the process asks again an hour later.
 */
async function rememberLogin(d: GrantDeps, credentialId: string, token: string, calls: { n: number }) {
  const asked = loginAsked.get(credentialId);
  if (asked !== undefined && Date.now() - asked < LOGIN_RETRY_MS) return;
  loginAsked.set(credentialId, Date.now());
  try {
    const api = createPinterestClient({
      apiUrl: d.pinterest.apiUrl,
      getAccessToken: async () => token,
      onRequest: (event) => {
        calls.n++;
        d.onRequest?.(event);
      },
    });
    const user = await api.getUserAccount();
    await d.pool.query(
      'UPDATE pinads.credentials SET pinterest_user_id = $2 WHERE id = $1 AND pinterest_user_id IS NULL',
      [credentialId, user.id],
    );
  } catch (err) {
    const warn = d.warn ?? stderrWarn;
    warn(
      "could not read the grant's Pinterest user; its requests are paced per grant until it is read again, within the hour",
      {
        credentialId,
        error: String((err as Error)?.message ?? err),
      },
    );
  }
}

/** What to store of a token answer; without an access token, only the refresh token (and its expiry). */
export function grantTokensOf(
  t: Omit<Tokens, 'accessToken'> & { accessToken?: string },
  issuedAt: Date,
): GrantTokens {
  const at = issuedAt.getTime();
  const refreshTokenExpiresAt = t.refreshTokenExpiresIn
    ? new Date(at + t.refreshTokenExpiresIn * 1000)
    : t.refreshTokenExpiresAt
      ? new Date(t.refreshTokenExpiresAt * 1000)
      : undefined;
  if (!t.accessToken) return { refreshToken: t.refreshToken, refreshTokenExpiresAt, scope: t.scope };
  return {
    refreshToken: t.refreshToken,
    refreshTokenExpiresAt,
    accessToken: t.accessToken,
    accessTokenExpiresAt: new Date(at + t.expiresIn * 1000),
    accessTokenIssuedAt: issuedAt,
    scope: t.scope,
  };
}

/** The commit of a rotated token failed: store it on fresh connections, with backoff, before giving up. */
async function persistRotated(
  d: GrantDeps,
  credentialId: string,
  t: GrantTokens,
  first: unknown,
): Promise<string> {
  const warn = (m: string, f: Record<string, unknown>) => (d.warn ?? stderrWarn)(m, f, 'error');
  let last = first;
  for (let attempt = 1; attempt <= PERSIST_ATTEMPTS; attempt++) {
    warn('storing the rotated refresh token failed; retrying on a fresh database connection', {
      credentialId,
      attempt,
      error: String((last as Error)?.message ?? last),
    });
    await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
    try {
      await storeGrant(d.pool, d.box, credentialId, t, [], { anyKey: true });
      warn('the rotated refresh token was stored on retry', { credentialId, attempt });
      return t.accessToken!;
    } catch (err) {
      last = err;
    }
  }
  warn('LOST a rotated refresh token: the grant will need `pinads connections regrant`', { credentialId });
  throw last;
}
