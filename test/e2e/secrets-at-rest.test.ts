// Secrets at rest, through the real `pinads` command against the sandbox, a private Postgres database and real
// Temporal workers: a ciphertext copied into another row or column is refused by name, and key rotation re-seals
// every credential, accepting the old key until then and needing only the new one after.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../warehouse/crypto.ts';
import { grantCli } from '../helpers/grant-cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

let h: Harness;
const { pinads, accounts, q, connection } = grantCli(() => h);

beforeAll(async () => {
  // The sandbox's clock runs freely here: this file compares no facts with the truth.
  h = await startHarness({ sandbox: { bigAccountAds: 3, now: () => new Date() } });
  // One grant with two connections: the first account, and the big one the rotation test re-creates.
  const r = await pinads(
    [
      'connections',
      'create',
      '--ad-account',
      accounts()[0]!,
      '--ad-account',
      accounts()[3]!,
      '--refresh-token',
      '-',
    ],
    {},
    `${h.sandbox.mintRefreshToken()}\n`,
  );
  if (r.code !== 0) throw new Error(`connections create failed: ${r.stderr}`);
});
afterAll(async () => {
  await h?.close();
});

// Each step runs several pinads children; on a loaded 2-core machine one can take half a minute.
describe('secrets at rest', { timeout: 300_000 }, () => {
  it('refuses a ciphertext copied into another row or column', async () => {
    // A second grant, stored offline.
    const r = await pinads(
      ['connections', 'create', '--ad-account', '123456789', '--refresh-token', '-', '--no-verify'],
      {},
      h.sandbox.mintRefreshToken(),
    );
    expect(r.code, r.stderr).toBe(0);
    const other = (await connection(r.stdout.trim())).credential_id as string;
    const [main] = await q('SELECT id, credential_id FROM pinads.connections WHERE ad_account_id = $1', [
      accounts()[0],
    ]);
    const grant = main.credential_id as string;
    const swap = async () =>
      q(
        `UPDATE pinads.credentials c SET refresh_token_enc = o.refresh_token_enc FROM pinads.credentials o
         WHERE (c.id, o.id) IN (($1, $2), ($2, $1))`,
        [grant, other],
      );
    await swap();
    try {
      const rotate = await pinads(['keys', 'rotate', '--all']);
      expect(rotate.code).toBe(1);
      expect(rotate.stderr).toMatch(
        /^pinads: the stored refresh token of credential cred_\w+ cannot be decrypted: it was altered or copied from another row or column\n$/,
      );
      const use = await pinads([
        'connections',
        'create',
        '--ad-account',
        '987654321',
        '--grant-of',
        main.id ?? '',
      ]);
      expect(use.code).not.toBe(0);
    } finally {
      await swap();
    }
    // Another column of the same row: the access token's blob where the refresh token belongs.
    const [row] = await q(
      'SELECT refresh_token_enc, access_token_enc FROM pinads.credentials WHERE id = $1',
      [grant],
    );
    await q('UPDATE pinads.credentials SET refresh_token_enc = $2 WHERE id = $1', [
      grant,
      row.access_token_enc,
    ]);
    try {
      expect((await pinads(['keys', 'rotate', '--all'])).stderr).toMatch(
        /altered or copied from another row/,
      );
    } finally {
      await q('UPDATE pinads.credentials SET refresh_token_enc = $2 WHERE id = $1', [
        grant,
        row.refresh_token_enc,
      ]);
    }
    expect((await pinads(['keys', 'rotate', '--all'])).code).toBe(0);
  });

  it('rotates the key: re-sealed under the new one, the old one accepted until then, and not needed after', async () => {
    const newKey = randomBytes(32).toString('base64');
    const newBox = new SecretBox(newKey);
    const oldOnly = await pinads(['keys', 'rotate'], { PINADS_SECRET_KEY: newKey });
    expect(oldOnly.code).toBe(2);
    expect(oldOnly.stderr).toMatch(/sealed under key \w+, which is neither PINADS_SECRET_KEY/);

    const r = await pinads(['keys', 'rotate'], {
      PINADS_SECRET_KEY: newKey,
      PINADS_PREVIOUS_SECRET_KEYS: h.secretKey,
    });
    expect(r.code, r.stderr).toBe(0);
    const n = (await q('SELECT count(*)::int AS n FROM pinads.credentials'))[0].n;
    expect(r.stdout).toContain(`re-encrypted ${n} of ${n} credentials under key ${newBox.keyId}`);
    for (const c of await q('SELECT refresh_token_enc, access_token_enc FROM pinads.credentials')) {
      expect(c.refresh_token_enc.startsWith(`v2.${newBox.keyId}.`)).toBe(true);
      if (c.access_token_enc) expect(c.access_token_enc.startsWith(`v2.${newBox.keyId}.`)).toBe(true);
    }
    // The new key alone now reads everything: a verified --grant-of decrypts and uses the grant.
    const [main] = await q('SELECT id FROM pinads.connections WHERE ad_account_id = $1', [accounts()[0]]);
    const big = accounts()[3]!;
    await pinads([
      'connections',
      'delete',
      (await q('SELECT id FROM pinads.connections WHERE ad_account_id = $1', [big]))[0].id,
    ]);
    const use = await pinads(['connections', 'create', '--ad-account', big, '--grant-of', main.id], {
      PINADS_SECRET_KEY: newKey,
    });
    expect(use.code, use.stderr).toBe(0);
    // And the old key alone no longer does.
    const stale = await pinads(['keys', 'rotate', '--all']);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/sealed under key/);
  });
});
