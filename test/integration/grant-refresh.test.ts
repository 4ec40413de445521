// Refreshing a grant on real Postgres against the sandbox: a rotated refresh token is never lost, even when the
// transaction that should store it fails, and short-lived access tokens are refreshed at half their lifetime.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantAccessToken, refreshAheadMs } from '../../core/grant-refresh.ts';
import { refreshAccessToken, tokenUrlFor } from '../../pinterest/oauth.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { SecretBox } from '../../warehouse/crypto.ts';
import { createCredential } from '../../warehouse/grants.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let sandbox: Sandbox;
let db: TestDatabase;
let wh: Warehouse;
const box = new SecretBox(randomBytes(32).toString('base64'));

beforeAll(async () => {
  sandbox = await startSandbox({ accessTokenTtlSeconds: 3600 });
  db = await createTestDatabase('pinads_grant');
  wh = await openWarehouse(db.url);
  await migrate(wh.pool);
});
afterAll(async () => {
  await wh?.close();
  await db?.drop();
  await sandbox?.close();
});

const deps = (warnings: string[]) => ({
  pool: wh.pool,
  box,
  pinterest: {
    apiUrl: sandbox.info.api_url,
    clientId: sandbox.info.client_id,
    clientSecret: sandbox.info.client_secret,
  },
  warn: (m: string) => warnings.push(m),
});

describe('refreshing a grant', () => {
  it('refreshes ahead at min(24 h, half the lifetime)', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    expect(refreshAheadMs(t, new Date(t.getTime() + 60_000))).toBe(30_000);
    expect(refreshAheadMs(t, new Date(t.getTime() + 30 * 86_400_000))).toBe(86_400_000);
    expect(refreshAheadMs(null, t)).toBe(86_400_000);
  });

  it('keeps the rotated refresh token when the transaction storing it fails, retrying on a fresh connection', async () => {
    const id = await createCredential(wh.pool, box, { refreshToken: sandbox.mintRefreshToken() });
    // A real failure inside the storing transaction: the first UPDATE of the row raises (a sequence is not rolled
    // back, so only the first attempt fails).
    await wh.pool.query(`
      CREATE SEQUENCE pinads.test_doom;
      CREATE FUNCTION pinads.test_doom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.access_token_enc IS NOT NULL AND nextval('pinads.test_doom') = 1 THEN
          RAISE EXCEPTION 'simulated failure while storing the rotated token';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_doom BEFORE UPDATE ON pinads.credentials FOR EACH ROW EXECUTE FUNCTION pinads.test_doom();
    `);
    try {
      const warnings: string[] = [];
      const got = await grantAccessToken(deps(warnings), id, { n: 0 });
      expect(got.refreshed).toBe(true);
      expect(warnings[0]).toMatch(/storing the rotated refresh token failed; retrying/);
      expect(warnings.at(-1)).toMatch(/stored on retry/);
      // What is stored is the live, rotated grant: Pinterest accepts it.
      const { rows } = await wh.pool.query('SELECT refresh_token_enc FROM pinads.credentials WHERE id = $1', [
        id,
      ]);
      const stored = box.decrypt(rows[0].refresh_token_enc, { credentialId: id, field: 'refresh_token' });
      await expect(
        refreshAccessToken({
          tokenUrl: tokenUrlFor(sandbox.info.api_url),
          clientId: sandbox.info.client_id,
          clientSecret: sandbox.info.client_secret,
          refreshToken: stored,
        }),
      ).resolves.toMatchObject({ accessToken: expect.stringMatching(/^pina_/) });
    } finally {
      await wh.pool.query(
        'DROP TRIGGER test_doom ON pinads.credentials; DROP FUNCTION pinads.test_doom(); DROP SEQUENCE pinads.test_doom',
      );
    }
  });

  it('serializes concurrent refreshes of one grant: one refresh, every caller gets a token', async () => {
    const id = await createCredential(wh.pool, box, { refreshToken: sandbox.mintRefreshToken() });
    const calls = { n: 0 };
    const tokens = await Promise.all(Array.from({ length: 5 }, () => grantAccessToken(deps([]), id, calls)));
    // One refresh, and one GET /user_account that learns whose login the grant is (for the pacing buckets).
    expect(calls.n).toBe(2);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    const { rows } = await wh.pool.query('SELECT pinterest_user_id FROM pinads.credentials WHERE id = $1', [
      id,
    ]);
    expect(rows[0].pinterest_user_id).toMatch(/^\d+$/);
  });
});
