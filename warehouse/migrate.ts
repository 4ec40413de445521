// Applies the versioned SQL files in warehouse/migrations, in order, once each.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { withinTransaction } from './transaction.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Session advisory-lock key ("pinads" in ASCII) that serializes migrators across workers and CLIs. */
const MIGRATION_LOCK_KEY = '123598125753459';

export interface Migration {
  version: string;
  sql: string;
}

/** The migration files, sorted; the version is the file name without `.sql` (e.g. `003_facts`). */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (f) => ({ version: f.slice(0, -4), sql: await readFile(dir + f, 'utf8') })),
  );
}

/**
 * Applies the pending migrations and returns the versions it applied (empty when up to date). Each file runs in
 * its own transaction together with its schema_migrations row, so a failed file leaves no trace. Concurrent callers
 * wait on an advisory lock; the applied-check is repeated inside each transaction because on PGlite all connections
 * share one session, where a session lock does not exclude anyone (its transactions are serialized instead).
 */
export async function migrate(pool: pg.Pool, opts: { before?: string } = {}): Promise<string[]> {
  // `before` stops short of a version (e.g. '010'): tests and the bench build the previous layout with it.
  const migrations = (await listMigrations()).filter((m) => !opts.before || m.version < opts.before);
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      await client.query(`
        CREATE SCHEMA IF NOT EXISTS pinads;
        CREATE TABLE IF NOT EXISTS pinads.schema_migrations (
          version text PRIMARY KEY,
          applied_at timestamptz NOT NULL DEFAULT now()
        );`);
      const applied: string[] = [];
      for (const m of migrations) {
        if (await applyOne(client, m)) applied.push(m.version);
      }
      return applied;
    } finally {
      // If the unlock fails the session is suspect; destroying it (release(true)) frees the lock anyway.
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => {
        broken = true;
      });
    }
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    client.release(broken);
  }
}

async function applyOne(client: pg.PoolClient, m: Migration): Promise<boolean> {
  try {
    return await withinTransaction(client, async () => {
      const done = await client.query('SELECT 1 FROM pinads.schema_migrations WHERE version = $1', [
        m.version,
      ]);
      if (done.rowCount) return false;
      await client.query(m.sql);
      await client.query('INSERT INTO pinads.schema_migrations (version) VALUES ($1)', [m.version]);
      return true;
    });
  } catch (err) {
    throw new Error(`migration ${m.version} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
