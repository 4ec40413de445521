// Tokens at rest: AES-256-GCM under PINADS_SECRET_KEY, bound to the row and column they are stored in.
// Format `v2.<key id>.<iv>.<tag>.<data>` (base64url). The key id says which key sealed a value, so old keys listed in
// PINADS_PREVIOUS_SECRET_KEYS still open it while `pinads keys rotate` re-seals everything under the current one.
// The AAD `pinads.credentials.<id>.<field>` makes a blob copied into another row or column fail to open.
// `v1.<iv>.<tag>.<data>` (no key id, no AAD) is what earlier versions wrote; it is still read, never written.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { ConfigError } from '../common/config-error.ts';

/** Where a sealed value lives: its AAD. */
export interface SealedAt {
  credentialId: string;
  field: 'refresh_token' | 'access_token';
}

const TAG_BYTES = 16;
const IV_BYTES = 12;

interface Key {
  id: string;
  raw: Buffer;
  /** HMAC key for refresh-token fingerprints, derived so the encryption key itself is never used twice. */
  mac: Buffer;
}

function parseKey(base64Key: string, name: string): Key {
  const raw = Buffer.from(base64Key.trim(), 'base64');
  if (raw.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64Key.trim()))
    throw new ConfigError(
      `${name} must be the base64 of exactly 32 bytes (e.g. \`openssl rand -base64 32\`)`,
    );
  return {
    id: createHash('sha256').update('pinads key id').update(raw).digest('hex').slice(0, 12),
    raw,
    mac: createHmac('sha256', raw).update('pinads refresh-token fingerprint v1').digest(),
  };
}

const aadOf = (at: SealedAt) => Buffer.from(`pinads.credentials.${at.credentialId}.${at.field}`);

/** A value sealed under a key this process does not hold: a configuration problem, not a broken value. */
export class UnknownSecretKeyError extends ConfigError {
  override name = 'UnknownSecretKeyError';
}

export class SecretBox {
  readonly #current: Key;
  readonly #keys: Key[];

  /** `previous`: PINADS_PREVIOUS_SECRET_KEYS, comma-separated (or a list); accepted for reading only. */
  constructor(base64Key: string | undefined, previous?: string | readonly string[]) {
    if (!base64Key)
      throw new ConfigError('PINADS_SECRET_KEY is not set: generate one with `openssl rand -base64 32`');
    this.#current = parseKey(base64Key, 'PINADS_SECRET_KEY');
    const old = typeof previous === 'string' ? previous.split(',') : (previous ?? []);
    this.#keys = [
      this.#current,
      ...old
        .map((k) => k.trim())
        .filter(Boolean)
        .map((k, i) => parseKey(k, `PINADS_PREVIOUS_SECRET_KEYS entry ${i + 1}`)),
    ];
  }

  /** The id of PINADS_SECRET_KEY as it appears in sealed values (not secret: a truncated hash). */
  get keyId(): string {
    return this.#current.id;
  }

  encrypt(plain: string, at: SealedAt): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current.raw, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadOf(at));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v2', this.#current.id, iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** True when the value is sealed in the current format under the current key (nothing for `keys rotate` to do). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v2.${this.#current.id}.`);
  }

  decrypt(sealed: string, at: SealedAt): string {
    const parts = sealed.split('.');
    const where = `the stored ${at.field.replace('_', ' ')} of credential ${at.credentialId}`;
    let keys: Key[];
    let iv: string | undefined;
    let tag: string | undefined;
    let data: string | undefined;
    let aad: Buffer | undefined;
    if (parts[0] === 'v2' && parts.length === 5) {
      [, , iv, tag, data] = parts;
      const key = this.#keys.find((k) => k.id === parts[1]);
      if (!key)
        throw new UnknownSecretKeyError(
          `${where} cannot be decrypted: it is sealed under key ${parts[1]}, which is neither PINADS_SECRET_KEY (${this.#current.id}) nor in PINADS_PREVIOUS_SECRET_KEYS`,
        );
      keys = [key];
      aad = aadOf(at);
    } else if (parts[0] === 'v1' && parts.length === 4) {
      [, iv, tag, data] = parts;
      keys = this.#keys;
    } else {
      throw new Error(`${where} has an unknown format`);
    }
    const tagBytes = Buffer.from(tag ?? '', 'base64url');
    const ivBytes = Buffer.from(iv ?? '', 'base64url');
    // GCM accepts truncated tags unless told otherwise; a short tag would make forgeries cheap.
    if (tagBytes.length !== TAG_BYTES || ivBytes.length !== IV_BYTES)
      throw new Error(`${where} is malformed`);
    for (const key of keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.raw, ivBytes, { authTagLength: TAG_BYTES });
        if (aad) decipher.setAAD(aad);
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([
          decipher.update(Buffer.from(data ?? '', 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        // Try the next key (v1 only); never echo the ciphertext.
      }
    }
    throw new Error(
      aad
        ? `${where} cannot be decrypted: it was altered or copied from another row or column`
        : `${where} cannot be decrypted: PINADS_SECRET_KEY and PINADS_PREVIOUS_SECRET_KEYS differ from the key it was stored with`,
    );
  }

  /** Keyed fingerprint of a refresh token under the current key: recognises a token without storing it. */
  fingerprint(token: string): string {
    return fingerprintWith(this.#current, token);
  }

  /** The token's fingerprints under every key this box knows, for lookups across a key rotation. */
  fingerprints(token: string): string[] {
    return this.#keys.map((k) => fingerprintWith(k, token));
  }
}

function fingerprintWith(key: Key, token: string): string {
  return `${key.id}:${createHmac('sha256', key.mac).update(token.trim()).digest('base64url')}`;
}
