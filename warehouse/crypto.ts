// Tokens at rest: AES-256-GCM under PINADS_SECRET_KEY. The ciphertext format is `v1.<iv>.<tag>.<data>` (base64url).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../schemas/config.ts';

export class SecretBox {
  readonly #key: Buffer;

  constructor(base64Key: string | undefined) {
    if (!base64Key)
      throw new ConfigError('PINADS_SECRET_KEY is not set: generate one with `openssl rand -base64 32`');
    const key = Buffer.from(base64Key, 'base64');
    if (key.length !== 32) throw new ConfigError('PINADS_SECRET_KEY must be the base64 of exactly 32 bytes');
    this.#key = key;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      data.toString('base64url'),
    ].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined)
      throw new Error('stored token has an unknown format');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      // Never echo the ciphertext: say what to check instead.
      throw new Error(
        'stored token cannot be decrypted: PINADS_SECRET_KEY differs from the key it was stored with',
      );
    }
  }
}
