import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../warehouse/crypto.ts';

const key = () => randomBytes(32).toString('base64');
const at = { credentialId: 'cred_a', field: 'refresh_token' } as const;

/** What earlier versions wrote: `v1.<iv>.<tag>.<data>`, no key id, no AAD. */
function sealV1(base64Key: string, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', Buffer.from(base64Key, 'base64'), iv);
  const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv, c.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

describe('SecretBox', () => {
  it('round-trips under its key id, and never shows the plaintext', () => {
    const box = new SecretBox(key());
    const sealed = box.encrypt('pinr_secret', at);
    expect(sealed.startsWith(`v2.${box.keyId}.`)).toBe(true);
    expect(sealed).not.toContain('pinr_secret');
    expect(box.decrypt(sealed, at)).toBe('pinr_secret');
    expect(box.isCurrent(sealed)).toBe(true);
  });

  it('refuses a blob moved to another row or another column', () => {
    const box = new SecretBox(key());
    const sealed = box.encrypt('pinr_secret', at);
    expect(() => box.decrypt(sealed, { ...at, credentialId: 'cred_b' })).toThrow(
      /credential cred_b cannot be decrypted: it was altered or copied from another row or column/,
    );
    expect(() => box.decrypt(sealed, { ...at, field: 'access_token' })).toThrow(/copied from another row/);
  });

  it('enforces a 16-byte tag: a truncated tag is refused, not accepted as a weaker one', () => {
    const box = new SecretBox(key());
    const parts = box.encrypt('pinr_secret', at).split('.');
    parts[3] = Buffer.from(parts[3]!, 'base64url').subarray(0, 12).toString('base64url');
    expect(() => box.decrypt(parts.join('.'), at)).toThrow(/is malformed/);
  });

  it('reads values sealed under a previous key, and names an unknown key id', () => {
    const old = key();
    const sealed = new SecretBox(old).encrypt('pinr_secret', at);
    const rotated = new SecretBox(key(), `  ${old} ,`);
    expect(rotated.decrypt(sealed, at)).toBe('pinr_secret');
    expect(rotated.isCurrent(sealed)).toBe(false);
    expect(() => new SecretBox(key()).decrypt(sealed, at)).toThrow(
      /sealed under key \w{12}, which is neither PINADS_SECRET_KEY \(\w{12}\) nor in PINADS_PREVIOUS_SECRET_KEYS/,
    );
  });

  it('still reads the v1 format of earlier versions', () => {
    const k = key();
    expect(new SecretBox(k).decrypt(sealV1(k, 'pinr_old'), at)).toBe('pinr_old');
    expect(new SecretBox(key(), k).decrypt(sealV1(k, 'pinr_old'), at)).toBe('pinr_old');
  });

  it('fingerprints tokens by key, and finds them under previous keys', () => {
    const old = key();
    const a = new SecretBox(old);
    const b = new SecretBox(key(), old);
    expect(a.fingerprint('pinr_x')).toBe(a.fingerprint('pinr_x'));
    expect(a.fingerprint('pinr_x')).not.toBe(a.fingerprint('pinr_y'));
    expect(a.fingerprint('pinr_x')).not.toContain('pinr_x');
    expect(b.fingerprints('pinr_x')).toContain(a.fingerprint('pinr_x'));
    expect(b.fingerprint('pinr_x')).not.toBe(a.fingerprint('pinr_x'));
  });

  it('rejects a malformed previous key with the entry it is', () => {
    expect(() => new SecretBox(key(), `${key()},c2hvcnQ=`)).toThrow(
      /PINADS_PREVIOUS_SECRET_KEYS entry 2 must be the base64 of exactly 32 bytes/,
    );
  });
});
