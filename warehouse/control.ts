// The control plane: connections, their OAuth credentials (encrypted), and the sync_runs log.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ConnectionSettings } from '../schemas/config.ts';
import { inTransaction } from './transaction.ts';

export type ConnectionStatus = 'active' | 'paused' | 'needs_reauth';
/** `dev_demo`: made by `pinads dev`, the only connection it may re-grant. */
export type ConnectionOrigin = 'user' | 'dev_demo';

export interface Connection {
  id: string;
  name: string;
  ad_account_id: string;
  credential_id: string;
  status: ConnectionStatus;
  status_reason: string | null;
  settings: ConnectionSettings;
  origin: ConnectionOrigin;
  created_at: Date;
  updated_at: Date;
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export const defaultConnectionName = (adAccountId: string) => `Pinterest Ads | ${adAccountId}`;

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

function toConnection(row: Record<string, unknown>): Connection {
  return { ...(row as unknown as Connection), settings: ConnectionSettings.parse(row.settings) };
}

export class DuplicateConnectionError extends Error {
  override name = 'DuplicateConnectionError';
}

export async function insertConnection(
  db: Queryable,
  input: {
    name?: string;
    adAccountId: string;
    credentialId: string;
    settings: ConnectionSettings;
    origin?: ConnectionOrigin;
  },
): Promise<Connection> {
  try {
    const { rows } = await db.query(
      `INSERT INTO pinads.connections (id, name, ad_account_id, credential_id, settings, origin)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [
        newId('conn'),
        input.name ?? defaultConnectionName(input.adAccountId),
        input.adAccountId,
        input.credentialId,
        input.settings,
        input.origin ?? 'user',
      ],
    );
    return toConnection(rows[0]);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new DuplicateConnectionError(
        `ad account ${input.adAccountId} already has a connection (one connection per ad account)`,
      );
    }
    throw err;
  }
}

export async function getConnection(db: Queryable, id: string): Promise<Connection | undefined> {
  const { rows } = await db.query('SELECT * FROM pinads.connections WHERE id = $1', [id]);
  return rows[0] ? toConnection(rows[0]) : undefined;
}

export async function listConnections(db: Queryable): Promise<Connection[]> {
  const { rows } = await db.query('SELECT * FROM pinads.connections ORDER BY created_at, id');
  return rows.map(toConnection);
}

export async function setConnectionStatus(
  db: Queryable,
  id: string,
  status: ConnectionStatus,
  reason: string | null,
): Promise<void> {
  await db.query(
    'UPDATE pinads.connections SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1',
    [id, status, reason],
  );
}

/** Changes a connection's name and/or settings; returns the updated row. */
export async function updateConnection(
  db: Queryable,
  id: string,
  change: { name?: string; settings?: ConnectionSettings },
): Promise<Connection | undefined> {
  const { rows } = await db.query(
    `UPDATE pinads.connections SET name = coalesce($2, name), settings = coalesce($3, settings), updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, change.name ?? null, change.settings ?? null],
  );
  return rows[0] ? toConnection(rows[0]) : undefined;
}

/** Marks every connection of a credential; returns their ids (their schedules must be paused too). */
export async function markCredentialNeedsReauth(
  db: Queryable,
  credentialId: string,
  reason: string,
): Promise<string[]> {
  const { rows } = await db.query(
    `UPDATE pinads.connections SET status = 'needs_reauth', status_reason = $2, updated_at = now()
     WHERE credential_id = $1 RETURNING id`,
    [credentialId, reason],
  );
  return rows.map((r) => r.id as string);
}

/** Deletes the connection and, when no other connection shares it, its credential. Warehouse data stays. */
export async function deleteConnection(pool: pg.Pool, id: string): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query(
      'DELETE FROM pinads.connections WHERE id = $1 RETURNING credential_id',
      [id],
    );
    if (rows[0]) {
      await client.query(
        `DELETE FROM pinads.credentials c WHERE c.id = $1
         AND NOT EXISTS (SELECT 1 FROM pinads.connections WHERE credential_id = c.id)`,
        [rows[0].credential_id],
      );
    }
    return rows.length > 0;
  });
}

export interface CredentialRow {
  id: string;
  refresh_token_enc: string;
  access_token_enc: string | null;
  access_token_expires_at: Date | null;
  access_token_issued_at: Date | null;
  /** Whose login the grant is (GET /user_account), once known: the key of its pacing buckets. */
  pinterest_user_id: string | null;
}

export async function getCredential(db: Queryable, id: string): Promise<CredentialRow | undefined> {
  const { rows } = await db.query('SELECT * FROM pinads.credentials WHERE id = $1', [id]);
  return rows[0];
}

/**
 * Runs fn with the credential row locked (SELECT … FOR UPDATE) and commits what fn stored. Pinterest rotates the
 * refresh token on every refresh, so refreshes of one grant must be serialized and the new token committed in the
 * same transaction: otherwise a second connection would refresh with a token that was just invalidated.
 */
export async function withLockedCredential<T>(
  pool: pg.Pool,
  id: string,
  fn: (row: CredentialRow, client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query('SELECT * FROM pinads.credentials WHERE id = $1 FOR UPDATE', [id]);
    if (!rows[0]) throw new Error(`credential ${id} not found`);
    return fn(rows[0], client);
  });
}
