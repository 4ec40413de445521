// Access tokens live only here, inside activities (and the CLI's verification): read from the encrypted store,
// refreshed when due under the grant's row lock, and the rotated refresh token committed before anything else.
import { ApplicationFailure } from '@temporalio/activity';
import type pg from 'pg';
import { CONFIG_ERROR, REAUTH_REQUIRED, UNKNOWN_CONNECTION } from '../common/failure-types.ts';
import { activityLog, recordApiRequest } from '../observability/observe.ts';
import { createPinterestClient, type PinterestClient } from '../pinterest/client.ts';
import { PinterestError } from '../pinterest/errors.ts';
import { refreshAccessToken, type Tokens, tokenUrlFor } from '../pinterest/oauth.ts';
import { pauseSchedule } from '../temporal/schedules.ts';
import {
  type Connection,
  type CredentialRow,
  getConnection,
  getCredential,
  markCredentialNeedsReauth,
  withLockedCredential,
} from '../warehouse/control.ts';
import type { SecretBox } from '../warehouse/crypto.ts';
import { type GrantTokens, noteGrantProblem, storeGrant } from '../warehouse/grants.ts';
import { type ActivityDeps, nowOf } from './deps.ts';

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
  /** Where a rotated token that was hard to persist is reported loudly. */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

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
  try {
    return await withLockedCredential(d.pool, credentialId, async (row, tx) => {
      // Another connection of the same grant may have refreshed while we waited for the lock.
      const again = fresh(row);
      if (again) return { token: again, refreshed: false };
      if (!d.pinterest.clientId || !d.pinterest.clientSecret)
        throw new MissingAppCredentialsError(
          'PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET must be set to refresh tokens',
        );
      calls.n += 1;
      const t = await refreshAccessToken(
        {
          tokenUrl: tokenUrlFor(d.pinterest.apiUrl),
          clientId: d.pinterest.clientId,
          clientSecret: d.pinterest.clientSecret,
          refreshToken: d.box.decrypt(row.refresh_token_enc, {
            credentialId: row.id,
            field: 'refresh_token',
          }),
        },
        { onRequest: recordApiRequest },
      );
      rotated = grantTokensOf(t, now());
      await storeGrant(tx, d.box, row.id, rotated);
      // A run that gets a token proves the app credentials work again: clear a configuration note.
      await noteGrantProblem(tx, row.id, null);
      return { token: t.accessToken, refreshed: true };
    });
  } catch (err) {
    // Pinterest already rotated the grant: the old token is dead, so losing the new one would lose the grant.
    if (rotated) return { token: await persistRotated(d, credentialId, rotated, err), refreshed: true };
    throw err;
  }
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
        recordApiRequest(event);
      },
    });
    const user = await api.getUserAccount();
    await d.pool.query(
      'UPDATE pinads.credentials SET pinterest_user_id = $2 WHERE id = $1 AND pinterest_user_id IS NULL',
      [credentialId, user.id],
    );
  } catch (err) {
    const warn = d.warn ?? ((m, f) => activityLog().warn(f, m));
    warn(
      "could not read the grant's Pinterest user; its requests are paced per grant until it is read again, within the hour",
      {
        credentialId,
        error: String((err as Error)?.message ?? err),
      },
    );
  }
}

export function grantTokensOf(t: Tokens, issuedAt: Date): GrantTokens {
  const at = issuedAt.getTime();
  return {
    refreshToken: t.refreshToken,
    refreshTokenExpiresAt: t.refreshTokenExpiresIn
      ? new Date(at + t.refreshTokenExpiresIn * 1000)
      : undefined,
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
  const warn = d.warn ?? ((m, f) => activityLog().error(f, m));
  let last = first;
  for (let attempt = 1; attempt <= PERSIST_ATTEMPTS; attempt++) {
    warn('storing the rotated refresh token failed; retrying on a fresh database connection', {
      credentialId,
      attempt,
      error: String((last as Error)?.message ?? last),
    });
    await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
    try {
      await storeGrant(d.pool, d.box, credentialId, t);
      warn('the rotated refresh token was stored on retry', { credentialId, attempt });
      return t.accessToken!;
    } catch (err) {
      last = err;
    }
  }
  warn('LOST a rotated refresh token: the grant will need `pinads connections regrant`', { credentialId });
  throw last;
}

export async function loadConnection(deps: ActivityDeps, connectionId: string): Promise<Connection> {
  const c = await getConnection(deps.wh.pool, connectionId);
  if (!c)
    throw ApplicationFailure.create({
      message: `connection ${connectionId} does not exist`,
      type: UNKNOWN_CONNECTION,
      nonRetryable: true,
    });
  return c;
}

function reconnectHint(c: Connection): string {
  return (
    `Pinterest rejected the stored refresh token for connection ${c.id} (ad account ${c.ad_account_id}). ` +
    `Repair it in place with \`pinads connect --ad-account ${c.ad_account_id}\` or ` +
    `\`pinads connections regrant ${c.id} --refresh-token -\` (token on stdin); ids and history are kept.`
  );
}

/** The grant is gone: mark every connection sharing it, pause their schedules, and fail without retrying. */
async function needsReauth(deps: ActivityDeps, c: Connection): Promise<never> {
  const message = reconnectHint(c);
  const affected = await markCredentialNeedsReauth(deps.wh.pool, c.credential_id, message);
  if (deps.temporal) for (const id of affected) await pauseSchedule(deps.temporal, id, message);
  throw ApplicationFailure.create({ message, type: REAUTH_REQUIRED, nonRetryable: true });
}

/** The app's credentials are wrong or missing: note it on the grant's connections, keep them active, fail this run. */
async function configFailure(deps: ActivityDeps, c: Connection, why: string): Promise<never> {
  const message =
    `${why}: check PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET on the worker (the app id and secret from ` +
    'https://developers.pinterest.com/apps/). The grant itself is fine: the next run after the fix succeeds.';
  await noteGrantProblem(deps.wh.pool, c.credential_id, `configuration: ${message}`);
  throw ApplicationFailure.create({ message, type: CONFIG_ERROR, nonRetryable: true });
}

const grantDeps = (deps: ActivityDeps): GrantDeps => ({
  pool: deps.wh.pool,
  box: deps.box,
  pinterest: deps.pinterest,
  now: () => nowOf(deps),
});

/** grantAccessToken for a connection, with the token endpoint's failures turned into what the workflow must do. */
export async function accessToken(
  deps: ActivityDeps,
  c: Connection,
  calls: { n: number },
  rejected?: string,
): Promise<{ token: string; refreshed: boolean }> {
  try {
    return await grantAccessToken(grantDeps(deps), c.credential_id, calls, rejected);
  } catch (err) {
    if (err instanceof MissingAppCredentialsError) return configFailure(deps, c, err.message);
    if (err instanceof PinterestError && err.action.kind === 'reauth') return needsReauth(deps, c);
    if (err instanceof PinterestError && err.action.kind === 'config')
      return configFailure(deps, c, `Pinterest rejected the app credentials (${err.message})`);
    throw err;
  }
}

/**
 * Runs fn with an API client for the connection. A 401 from the API refreshes once and runs fn again; a second
 * 401 means the grant no longer works (DESIGN §2 error table).
 */
export async function withApi<T>(
  deps: ActivityDeps,
  c: Connection,
  fn: (api: PinterestClient) => Promise<T>,
): Promise<{ result: T; apiCalls: number }> {
  const calls = { n: 0 };
  let token = (await accessToken(deps, c, calls)).token;
  const api = createPinterestClient({
    apiUrl: deps.pinterest.apiUrl,
    getAccessToken: async () => token,
    onRequest: (event) => {
      calls.n++;
      recordApiRequest(event);
    },
  });
  try {
    return { result: await fn(api), apiCalls: calls.n };
  } catch (err) {
    if (!(err instanceof PinterestError) || err.action.kind !== 'refresh') throw err;
    token = (await accessToken(deps, c, calls, token)).token;
    try {
      return { result: await fn(api), apiCalls: calls.n };
    } catch (again) {
      if (again instanceof PinterestError && again.action.kind === 'refresh') return needsReauth(deps, c);
      throw again;
    }
  }
}
