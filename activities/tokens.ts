// Access tokens live only here, inside activities: read from the encrypted store, refreshed when due, and the
// rotated refresh token committed before anything else happens.
import { ApplicationFailure } from '@temporalio/activity';
import { recordApiRequest } from '../observability/observe.ts';
import { createPinterestClient, type PinterestClient } from '../pinterest/client.ts';
import { PinterestError } from '../pinterest/errors.ts';
import { refreshAccessToken, tokenUrlFor } from '../pinterest/oauth.ts';
import { pauseSchedule } from '../temporal/schedules.ts';
import {
  type Connection,
  getConnection,
  getCredential,
  markCredentialNeedsReauth,
  storeTokens,
  withLockedCredential,
} from '../warehouse/control.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import { REAUTH_REQUIRED } from './failures.ts';

/** Refresh when the access token expires within this window (DESIGN §2). */
const REFRESH_AHEAD_MS = 24 * 3600 * 1000;

export async function loadConnection(deps: ActivityDeps, connectionId: string): Promise<Connection> {
  const c = await getConnection(deps.wh.pool, connectionId);
  if (!c)
    throw ApplicationFailure.create({
      message: `connection ${connectionId} does not exist`,
      type: 'UnknownConnection',
      nonRetryable: true,
    });
  return c;
}

function reconnectHint(c: Connection): string {
  return (
    `Pinterest rejected the stored refresh token for connection ${c.id} (ad account ${c.ad_account_id}). ` +
    `Reconnect with \`pinads connect --ad-account ${c.ad_account_id}\`, or delete it and run ` +
    `\`pinads connections create --ad-account ${c.ad_account_id} --refresh-token <new token>\`.`
  );
}

/** The grant is gone: mark every connection sharing it, pause their schedules, and fail without retrying. */
async function needsReauth(deps: ActivityDeps, c: Connection): Promise<never> {
  const message = reconnectHint(c);
  const affected = await markCredentialNeedsReauth(deps.wh.pool, c.credential_id, message);
  if (deps.temporal) for (const id of affected) await pauseSchedule(deps.temporal, id, message);
  throw ApplicationFailure.create({ message, type: REAUTH_REQUIRED, nonRetryable: true });
}

/**
 * Returns a usable access token, refreshing under the credential's row lock when it is due or when `rejected` (the
 * token the API just refused) is still the stored one. Counts API calls into `calls`.
 */
export async function accessToken(
  deps: ActivityDeps,
  c: Connection,
  calls: { n: number },
  rejected?: string,
): Promise<{ token: string; refreshed: boolean }> {
  const { box } = deps;
  const fresh = (row: { access_token_enc: string | null; access_token_expires_at: Date | null }) => {
    if (!row.access_token_enc || !row.access_token_expires_at) return undefined;
    if (row.access_token_expires_at.getTime() - nowOf(deps).getTime() < REFRESH_AHEAD_MS) return undefined;
    const token = box.decrypt(row.access_token_enc);
    return token === rejected ? undefined : token;
  };
  const seen = await getCredential(deps.wh.pool, c.credential_id);
  const cached = seen && fresh(seen);
  if (cached) return { token: cached, refreshed: false };
  try {
    return await withLockedCredential(deps.wh.pool, c.credential_id, async (row, tx) => {
      // Another connection of the same grant may have refreshed while we waited for the lock.
      const again = fresh(row);
      if (again) return { token: again, refreshed: false };
      if (!deps.pinterest.clientId || !deps.pinterest.clientSecret) {
        throw ApplicationFailure.create({
          message:
            'PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET must be set on the worker to refresh tokens',
          type: 'ConfigError',
          nonRetryable: true,
        });
      }
      calls.n += 1;
      const t = await refreshAccessToken(
        {
          tokenUrl: tokenUrlFor(deps.pinterest.apiUrl),
          clientId: deps.pinterest.clientId,
          clientSecret: deps.pinterest.clientSecret,
          refreshToken: box.decrypt(row.refresh_token_enc),
        },
        { onRequest: recordApiRequest },
      );
      const now = nowOf(deps).getTime();
      await storeTokens(tx, row.id, {
        refreshTokenEnc: box.encrypt(t.refreshToken),
        refreshTokenExpiresAt: t.refreshTokenExpiresIn
          ? new Date(now + t.refreshTokenExpiresIn * 1000)
          : undefined,
        accessTokenEnc: box.encrypt(t.accessToken),
        accessTokenExpiresAt: new Date(now + t.expiresIn * 1000),
        scope: t.scope,
      });
      return { token: t.accessToken, refreshed: true };
    });
  } catch (err) {
    if (err instanceof PinterestError && err.action.kind === 'reauth') return needsReauth(deps, c);
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
