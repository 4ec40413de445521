// The activity side of grants: a connection's access token for an activity (core/grant-refresh.ts refreshes it), and
// what a failing grant means for the workflow: needs_reauth with the schedule paused, or a configuration note.
import { ApplicationFailure } from '@temporalio/activity';
import { CONFIG_ERROR, REAUTH_REQUIRED, UNKNOWN_CONNECTION } from '../common/failure-types.ts';
import { type GrantDeps, grantAccessToken, MissingAppCredentialsError } from '../core/grant-refresh.ts';
import { activityLog, recordApiRequest } from '../observability/observe.ts';
import { createPinterestClient, type PinterestClient } from '../pinterest/client.ts';
import { isMissingScope, PinterestError } from '../pinterest/errors.ts';
import { SCOPES } from '../pinterest/oauth.ts';
import { pauseSchedule } from '../temporal/schedules.ts';
import { type Connection, getConnection, markCredentialNeedsReauth } from '../warehouse/control.ts';
import { UnknownSecretKeyError } from '../warehouse/crypto.ts';
import { noteGrantProblem, StaleSecretKeyError } from '../warehouse/grants.ts';
import { type ActivityDeps, nowOf } from './deps.ts';

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

function reconnectHint(c: Connection, why: 'rejected' | 'scope'): string {
  return why === 'scope'
    ? `The grant of connection ${c.id} (ad account ${c.ad_account_id}) lacks a scope pinads needs ` +
        `(${SCOPES.join(', ')}; Pinterest answered 403 code 3), and refreshing keeps a grant's scopes. ` +
        `Repair it in place with a new consent, \`pinads connect --ad-account ${c.ad_account_id}\` (it asks for both), or ` +
        `\`pinads connections regrant ${c.id} --refresh-token -\` with a token granted both (on stdin); ids and history are kept.`
    : `Pinterest rejected the stored refresh token for connection ${c.id} (ad account ${c.ad_account_id}). ` +
        `Repair it in place with \`pinads connect --ad-account ${c.ad_account_id}\` or ` +
        `\`pinads connections regrant ${c.id} --refresh-token -\` (token on stdin); ids and history are kept.`;
}

/** The grant is gone: mark every connection sharing it, pause their schedules, and fail without retrying. */
async function needsReauth(
  deps: ActivityDeps,
  c: Connection,
  why: 'rejected' | 'scope' = 'rejected',
): Promise<never> {
  const message = reconnectHint(c, why);
  const affected = await markCredentialNeedsReauth(deps.wh.pool, c.credential_id, message);
  if (deps.temporal) for (const id of affected) await pauseSchedule(deps.temporal, id, message);
  throw ApplicationFailure.create({ message, type: REAUTH_REQUIRED, nonRetryable: true });
}

/** The app's credentials are wrong or missing: note it on the grant's connections, keep them active, fail this run. */
async function configFailure(deps: ActivityDeps, c: Connection, why: string, fix = APP_FIX): Promise<never> {
  const message = `${why}: ${fix}. The grant itself is fine: the next run after the fix succeeds.`;
  await noteGrantProblem(deps.wh.pool, c.credential_id, `configuration: ${message}`);
  throw ApplicationFailure.create({ message, type: CONFIG_ERROR, nonRetryable: true });
}

const APP_FIX =
  'check PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET on the worker (the app id and secret from https://developers.pinterest.com/apps/)';
const KEY_FIX = 'restart the worker with the current PINADS_SECRET_KEY';

const grantDeps = (deps: ActivityDeps): GrantDeps => ({
  pool: deps.wh.pool,
  box: deps.box,
  pinterest: deps.pinterest,
  now: () => nowOf(deps),
  warn: (message, fields, severity = 'warn') => activityLog()[severity](fields, message),
  onRequest: recordApiRequest,
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
    // This worker's PINADS_SECRET_KEY is not the key the tokens are sealed under now (`pinads keys rotate`).
    if (err instanceof StaleSecretKeyError || err instanceof UnknownSecretKeyError)
      return configFailure(deps, c, err.message, KEY_FIX);
    if (err instanceof PinterestError && err.action.kind === 'reauth') return needsReauth(deps, c);
    if (err instanceof PinterestError && err.action.kind === 'config')
      return configFailure(deps, c, `Pinterest rejected the app credentials (${err.message})`);
    throw err;
  }
}

/**
 * Runs fn with an API client for the connection. A 401 from the API refreshes once and runs fn again; a second
 * 401 means the grant no longer works (the error table, pinterest/errors.ts).
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
    if (isMissingScope(err)) return needsReauth(deps, c, 'scope');
    if (!(err instanceof PinterestError) || err.action.kind !== 'refresh') throw err;
    token = (await accessToken(deps, c, calls, token)).token;
    try {
      return { result: await fn(api), apiCalls: calls.n };
    } catch (again) {
      if (again instanceof PinterestError && again.action.kind === 'refresh') return needsReauth(deps, c);
      if (isMissingScope(again)) return needsReauth(deps, c, 'scope');
      throw again;
    }
  }
}
