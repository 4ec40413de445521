// Grants: one pinads.credentials row per Pinterest OAuth grant, shared by every connection made from it. A grant is
// recognised by the keyed fingerprints of every refresh token it has held, so pasting a stale copy of a rotated token
// joins the grant instead of creating a second credential whose first refresh would kill the first one's token.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ConfigError } from '../common/config-error.ts';
import type { SecretBox } from './crypto.ts';
import { inTransaction } from './transaction.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/**
 * This process's PINADS_SECRET_KEY is not the key `pinads keys rotate` made current: it may not write a token, nor
 * trade one at Pinterest (the answer would have to be stored under a key about to be dropped).
 */
export class StaleSecretKeyError extends ConfigError {
  override name = 'StaleSecretKeyError';
}

/**
 * Refuses, with a message that says what to do, when `pinads keys rotate` made another key current than this
 * process's PINADS_SECRET_KEY. Every writer of a token calls it before it writes, or before it asks Pinterest for a
 * token it must then store; run inside a credential's row lock, a concurrent rotation (which locks every
 * credential) cannot slip in between.
 */
export async function assertCurrentKey(db: Queryable, box: SecretBox): Promise<void> {
  // A warehouse migrated only up to an older layout (the bench's and tests' baselines) has no such table: never
  // rotated. Asked first, because a failing SELECT would abort the caller's transaction.
  const { rows: table } = await db.query("SELECT to_regclass('pinads.secret_key') IS NOT NULL AS present");
  if (!table[0]?.present) return;
  const { rows } = await db.query('SELECT key_id FROM pinads.secret_key');
  const current = rows[0]?.key_id as string | undefined;
  if (current === undefined || current === box.keyId) return;
  throw new StaleSecretKeyError(
    `this process's PINADS_SECRET_KEY (key ${box.keyId}) is not the key stored tokens are sealed under (key ${current}, made current by \`pinads keys rotate\`): restart it with the new PINADS_SECRET_KEY (and the old one in PINADS_PREVIOUS_SECRET_KEYS); nothing was written`,
  );
}

/** Advisory-lock key ("keys" in ASCII) between token writers (shared) and `pinads keys rotate` (exclusive). */
const KEY_LOCK = 1_801_812_339;

/**
 * Runs fn while no key rotation can start or finish, after checking this process's key is the current one: for
 * writers that first trade a token at Pinterest (create, connect, regrant), so the answer, already rotated there, is
 * never refused for a key that changed in between. The lock holds a connection of its own for the whole operation;
 * on PGlite (`embedded`) every connection shares one session and its pool has a single connection, so there the lock
 * would exclude nothing and starve fn: only the check runs.
 */
export async function withCurrentKey<T>(
  wh: { pool: pg.Pool; embedded?: boolean },
  box: SecretBox,
  fn: () => Promise<T>,
): Promise<T> {
  if (wh.embedded) {
    await assertCurrentKey(wh.pool, box);
    return fn();
  }
  const client = await wh.pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock_shared($1)', [KEY_LOCK]);
    try {
      await assertCurrentKey(client, box);
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock_shared($1)', [KEY_LOCK]).catch(() => {
        broken = true;
      });
    }
  } finally {
    client.release(broken);
  }
}

/** What a grant holds. Only the refresh token is required (a pasted token has no access token yet). */
export interface GrantTokens {
  refreshToken: string;
  refreshTokenExpiresAt?: Date;
  accessToken?: string;
  accessTokenExpiresAt?: Date;
  accessTokenIssuedAt?: Date;
  scope?: string;
}

/** The credential that holds, or once held, this refresh token; undefined for a token never seen. */
export async function grantOfToken(
  db: Queryable,
  box: SecretBox,
  token: string,
): Promise<string | undefined> {
  const { rows } = await db.query(
    'SELECT credential_id FROM pinads.credential_fingerprints WHERE fingerprint = ANY($1) LIMIT 1',
    [box.fingerprints(token)],
  );
  return rows[0]?.credential_id;
}

/** Remembers that the credential holds (or held) these tokens; a fingerprint known elsewhere moves here. */
async function rememberTokens(
  db: Queryable,
  box: SecretBox,
  credentialId: string,
  tokens: readonly string[],
): Promise<void> {
  const prints = [...new Set(tokens.filter((t) => t.trim()).map((t) => box.fingerprint(t)))];
  if (!prints.length) return;
  await db.query(
    `INSERT INTO pinads.credential_fingerprints (fingerprint, credential_id)
     SELECT unnest($2::text[]), $1
     ON CONFLICT (fingerprint) DO UPDATE SET credential_id = EXCLUDED.credential_id`,
    [credentialId, prints],
  );
}

/** A new credential for a grant never seen before; `alsoHeld` are older tokens of the same grant (the pasted one). */
export async function createCredential(
  db: Queryable,
  box: SecretBox,
  t: GrantTokens,
  alsoHeld: readonly string[] = [],
): Promise<string> {
  await assertCurrentKey(db, box);
  const id = `cred_${randomBytes(6).toString('hex')}`;
  await db.query('INSERT INTO pinads.credentials (id, refresh_token_enc) VALUES ($1, $2)', [
    id,
    box.encrypt(t.refreshToken, { credentialId: id, field: 'refresh_token' }),
  ]);
  await storeGrant(db, box, id, t, alsoHeld);
  return id;
}

/**
 * Stores a grant's tokens on the credential (a refresh's rotation, or a new grant replacing a revoked one) and
 * remembers the refresh tokens' fingerprints. A grant given without an access token clears the cached one. Refused
 * under a stale key (assertCurrentKey), except with `anyKey`: a token Pinterest already rotated is stored whatever
 * the key, because the alternative is losing the grant.
 */
export async function storeGrant(
  db: Queryable,
  box: SecretBox,
  credentialId: string,
  t: GrantTokens,
  alsoHeld: readonly string[] = [],
  opts: { anyKey?: boolean } = {},
): Promise<void> {
  if (!opts.anyKey) await assertCurrentKey(db, box);
  const at = (field: 'refresh_token' | 'access_token') => ({ credentialId, field });
  await db.query(
    `UPDATE pinads.credentials SET refresh_token_enc = $2, refresh_token_expires_at = $3, access_token_enc = $4,
       access_token_expires_at = $5, access_token_issued_at = $6, scope = coalesce($7, scope),
       refreshed_at = CASE WHEN $4::text IS NULL THEN refreshed_at ELSE now() END, updated_at = now()
     WHERE id = $1`,
    [
      credentialId,
      box.encrypt(t.refreshToken, at('refresh_token')),
      t.refreshTokenExpiresAt ?? null,
      t.accessToken === undefined ? null : box.encrypt(t.accessToken, at('access_token')),
      t.accessToken === undefined ? null : (t.accessTokenExpiresAt ?? null),
      t.accessToken === undefined ? null : (t.accessTokenIssuedAt ?? new Date()),
      t.scope ?? null,
    ],
  );
  await rememberTokens(db, box, credentialId, [t.refreshToken, ...alsoHeld]);
}

/** Moves every connection and remembered token of `from` onto `into`, then drops `from`; returns the moved ids. */
export async function mergeGrant(db: Queryable, from: string, into: string): Promise<string[]> {
  if (from === into) return [];
  const { rows } = await db.query(
    'UPDATE pinads.connections SET credential_id = $2, updated_at = now() WHERE credential_id = $1 RETURNING id',
    [from, into],
  );
  await db.query('UPDATE pinads.credential_fingerprints SET credential_id = $2 WHERE credential_id = $1', [
    from,
    into,
  ]);
  await db.query('DELETE FROM pinads.credentials WHERE id = $1', [from]);
  return rows.map((r) => r.id as string);
}

/** Sets every connection of the grant `active` with no reason; returns all their ids (their schedules resume). */
export async function activateGrant(db: Queryable, credentialId: string): Promise<string[]> {
  const { rows } = await db.query(
    `UPDATE pinads.connections SET status = 'active', status_reason = NULL, updated_at = now()
     WHERE credential_id = $1 RETURNING id`,
    [credentialId],
  );
  return rows.map((r) => r.id as string).sort();
}

/** Notes a configuration problem on the grant's active connections without pausing them. */
export async function noteGrantProblem(
  db: Queryable,
  credentialId: string,
  reason: string | null,
): Promise<void> {
  await db.query(
    `UPDATE pinads.connections SET status_reason = $2, updated_at = now()
     WHERE credential_id = $1 AND status = 'active' AND status_reason IS DISTINCT FROM $2`,
    [credentialId, reason],
  );
}

/**
 * Re-seals every stored secret that is not in the current format under the current key, each bound to its row and
 * column, fingerprints each current refresh token under the current key, and makes the key current
 * (pinads.secret_key), so no process on another key writes a token afterwards. One transaction with every
 * credential locked: a refresh going on finishes first (and its token is re-sealed here), a later one sees the new
 * current key. A value that cannot be opened aborts it all. Returns the rows changed.
 */
export async function resealSecrets(
  pool: pg.Pool,
  box: SecretBox,
  opts: { all?: boolean } = {},
): Promise<number> {
  return inTransaction(pool, async (client) => {
    // Waits for writers inside withCurrentKey; the row locks below wait for refreshes going on.
    await client.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
    const { rows: locked } = await client.query(
      'SELECT id, refresh_token_enc, access_token_enc FROM pinads.credentials ORDER BY id FOR UPDATE',
    );
    const rows = locked.filter(
      (r) =>
        opts.all === true ||
        !box.isCurrent(r.refresh_token_enc) ||
        (r.access_token_enc !== null && !box.isCurrent(r.access_token_enc)),
    );
    for (const r of rows) {
      const refresh = box.decrypt(r.refresh_token_enc, { credentialId: r.id, field: 'refresh_token' });
      const access =
        r.access_token_enc === null
          ? null
          : box.decrypt(r.access_token_enc, { credentialId: r.id, field: 'access_token' });
      await client.query(
        'UPDATE pinads.credentials SET refresh_token_enc = $2, access_token_enc = $3, updated_at = now() WHERE id = $1',
        [
          r.id,
          box.encrypt(refresh, { credentialId: r.id, field: 'refresh_token' }),
          access === null ? null : box.encrypt(access, { credentialId: r.id, field: 'access_token' }),
        ],
      );
      await rememberTokens(client, box, r.id, [refresh]);
    }
    await client.query(
      `INSERT INTO pinads.secret_key (key_id) VALUES ($1)
       ON CONFLICT (singleton) DO UPDATE SET key_id = EXCLUDED.key_id, set_at = now()`,
      [box.keyId],
    );
    return rows.length;
  });
}
