// Checking a grant against Pinterest before pinads stores or uses it: trading a pasted token for its first
// rotation, getting a usable access token of a held grant, and reading each ad account with it. Every failure is one
// line a person can act on.

import { createPinterestClient } from '../pinterest/client.ts';
import { isMissingScope, PinterestError } from '../pinterest/errors.ts';
import {
  AnswerWithoutAccessToken,
  refreshAccessToken,
  SCOPES,
  type Tokens,
  tokenUrlFor,
} from '../pinterest/oauth.ts';
import type { Env } from '../schemas/config.ts';
import type { GrantTokens } from '../warehouse/grants.ts';
import { boxOf, type CoreDeps } from './deps.ts';
import { UsageError } from './errors.ts';
import { grantAccessToken, grantTokensOf, MissingAppCredentialsError } from './grant-refresh.ts';

const appCredentialsHint =
  'check PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET (the app id and secret from https://developers.pinterest.com/apps/)';

/** A token-endpoint failure as the one line a person can act on. */
function tokenProblem(err: unknown, subject: string): never {
  if (err instanceof MissingAppCredentialsError)
    throw new UsageError(
      `${err.message} to verify ${subject}; set them, or pass --no-verify to store it unchecked`,
    );
  if (err instanceof PinterestError && err.action.kind === 'reauth')
    throw new UsageError(
      `Pinterest rejects ${subject} (401 code 283: invalid, revoked, or already used; every refresh rotates it): authorize again with \`pinads connect\``,
    );
  if (err instanceof PinterestError && err.action.kind === 'config')
    throw new UsageError(`Pinterest rejected the app credentials (${err.message}): ${appCredentialsHint}`);
  throw err;
}

function requireApp(env: Env, subject: string): { clientId: string; clientSecret: string } {
  if (!env.PINTEREST_CLIENT_ID || !env.PINTEREST_CLIENT_SECRET)
    tokenProblem(
      new MissingAppCredentialsError('PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET must be set'),
      subject,
    );
  return { clientId: env.PINTEREST_CLIENT_ID, clientSecret: env.PINTEREST_CLIENT_SECRET };
}

/** A usable access token of a grant the project holds (refreshing it under its lock when due). */
export async function heldGrantToken(ctx: CoreDeps, credentialId: string): Promise<string> {
  requireApp(ctx.env, 'the grant');
  try {
    const deps = { pool: ctx.wh.pool, box: boxOf(ctx), pinterest: pinterestOf(ctx.env) };
    return (await grantAccessToken(deps, credentialId, { n: 0 })).token;
  } catch (err) {
    return tokenProblem(err, `the stored grant ${credentialId}`);
  }
}

const pinterestOf = (env: Env) => ({
  apiUrl: env.PINTEREST_API_URL,
  clientId: env.PINTEREST_CLIENT_ID,
  clientSecret: env.PINTEREST_CLIENT_SECRET,
});

/**
 * Trades a pasted token for its first rotation: proof it works, and the tokens to store. An odd but successful
 * answer is said on `warn` and kept; one without an access token still yields the new refresh token to store.
 */
export async function exchangePasted(
  env: Env,
  token: string,
  warn: (line: string) => void = (line) => process.stderr.write(`pinads: warning: ${line}\n`),
): Promise<GrantTokens> {
  const app = requireApp(env, 'the refresh token');
  let t: Omit<Tokens, 'accessToken'> & { accessToken?: string };
  try {
    t = await refreshAccessToken({
      tokenUrl: tokenUrlFor(env.PINTEREST_API_URL),
      ...app,
      refreshToken: token,
    });
  } catch (err) {
    if (!(err instanceof AnswerWithoutAccessToken)) return tokenProblem(err, 'this refresh token');
    t = err.tokens;
  }
  if (t.oddities.length)
    warn(`Pinterest's token answer was odd (${t.oddities.join('; ')}); the new refresh token was kept`);
  return grantTokensOf(t, new Date());
}

/** Up to this many accounts are read one by one (one request each); more come from the account list. */
const LIST_FROM = 5;

/**
 * Each account must be readable with the grant; says which one is not, and what was kept. Returns each account's
 * time zone as Pinterest reports it (null when the API version has none).
 */
export async function checkAccounts(
  env: Env,
  accessToken: string,
  accounts: readonly string[],
  kept: string,
): Promise<Map<string, string | null>> {
  const api = createPinterestClient({
    apiUrl: env.PINTEREST_API_URL,
    getAccessToken: async () => accessToken,
  });
  const zones = new Map<string, string | null>();
  // An agency names hundreds of accounts: one GET each would cross Pinterest's 100 requests/s per login (code 8),
  // so a long list is read from the login's account list (250 a page), and only accounts missing there, which
  // fail below with their own error, are asked for one by one.
  if (accounts.length > LIST_FROM) {
    const wanted = new Set(accounts);
    for await (const a of api.listAdAccounts()) if (wanted.has(a.id)) zones.set(a.id, a.time_zone ?? null);
  }
  for (const id of accounts) {
    if (zones.has(id)) continue;
    try {
      zones.set(id, (await api.getAdAccount(id)).time_zone ?? null);
    } catch (err) {
      if (isMissingScope(err))
        throw new UsageError(
          `this grant lacks a scope pinads needs (${SCOPES.join(', ')}; Pinterest answered 403 code 3 for ad account ${id}): authorize again with \`pinads connect\`, which asks for both; no connection was created${kept}`,
        );
      if (err instanceof PinterestError && err.action.kind === 'fatal')
        throw new UsageError(
          `ad account ${id} is not readable with this grant (Pinterest ${err.status ?? ''} code ${err.code ?? '?'}); no connection was created${kept}`,
        );
      throw err;
    }
  }
  return zones;
}
