// Issue 23 item 11: `pinads keys rotate` while other processes still hold only the old key. Before, they went on
// writing tokens under the old key after the rotation had reported everything re-sealed; once the old key left
// PINADS_PREVIOUS_SECRET_KEYS those grants were stranded. Now the rotation makes its key current in the database and
// every token writer on another key is refused before it trades or writes a token. Through the real CLI, a real
// worker (the harness's, still on the old key), Postgres and the sandbox.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../warehouse/crypto.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
const newKey = randomBytes(32).toString('base64');
/** A process still on the old key only (the harness's), and one configured for the rotation. */
const oldEnv = () => h.cliEnv({ PINTEREST_REFRESH_TOKEN: undefined, PINADS_LOG_LEVEL: 'error' });
const newEnv = () => ({ ...oldEnv(), PINADS_SECRET_KEY: newKey, PINADS_PREVIOUS_SECRET_KEYS: h.secretKey });
const account = (i: number) => h.sandbox.info.ad_accounts[i]!.id;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('keys rotate while a process still holds only the old key', () => {
  it('strands no grant: stale writers are refused, and the new key alone opens every stored token', async () => {
    const made = await runPinads(
      ['connections', 'create', '--ad-account', account(0), '--refresh-token', '-'],
      oldEnv(),
      h.sandbox.mintRefreshToken(),
    );
    expect(made.code, made.stderr).toBe(0);
    const id = made.stdout.trim();
    await h.sync(id);

    const rotated = await runPinads(['keys', 'rotate'], newEnv());
    expect(rotated.code, rotated.stderr).toBe(0);

    // A CLI still on the old key: refused before it trades the pasted token, which therefore still works.
    const pasted = h.sandbox.mintRefreshToken();
    const stale = await runPinads(
      ['connections', 'create', '--ad-account', account(1), '--refresh-token', '-'],
      oldEnv(),
      pasted,
    );
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/PINADS_SECRET_KEY .* is not the key stored tokens are sealed under/);
    const fresh = await runPinads(
      ['connections', 'create', '--ad-account', account(1), '--refresh-token', '-'],
      newEnv(),
      pasted,
    );
    expect(fresh.code, fresh.stderr).toBe(0);

    // The worker still on the old key: its refresh fails at once, as a configuration problem that keeps the
    // connection active and says to restart the worker, instead of writing under the old key.
    await h.wh.pool.query(
      "UPDATE pinads.credentials SET access_token_expires_at = now() - interval '1 minute'",
    );
    await expect(h.sync(id)).rejects.toThrow();
    const { rows } = await h.wh.pool.query(
      'SELECT status, status_reason FROM pinads.connections WHERE id = $1',
      [id],
    );
    expect(rows[0].status).toBe('active');
    expect(rows[0].status_reason).toMatch(/^configuration: .*PINADS_SECRET_KEY/);

    // Emptying PINADS_PREVIOUS_SECRET_KEYS now strands nothing: the new key alone opens every stored token.
    const box = new SecretBox(newKey);
    const creds = await h.wh.pool.query(
      'SELECT id, refresh_token_enc, access_token_enc FROM pinads.credentials',
    );
    expect(creds.rows.length).toBe(2);
    for (const c of creds.rows) {
      expect(() =>
        box.decrypt(c.refresh_token_enc, { credentialId: c.id, field: 'refresh_token' }),
      ).not.toThrow();
      if (c.access_token_enc)
        expect(() =>
          box.decrypt(c.access_token_enc, { credentialId: c.id, field: 'access_token' }),
        ).not.toThrow();
    }
  });
});
