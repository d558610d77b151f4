/**
 * AES-256-GCM for secrets at rest (Box tokens, queued email bodies). Ciphertexts carry the id of the
 * key that made them (`v1.<keyId>.<iv>.<tag>.<data>`), so keys rotate: the first key of
 * AUDITOR_ENCRYPTION_KEYS encrypts, every listed key decrypts, and `reencrypt` moves old values over.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../config.ts';

export interface Encryptor {
  encrypt(plaintext: string, associatedData?: string): string;
  decrypt(ciphertext: string, associatedData?: string): string;
  /** True when the value was made with an older key. */
  needsRotation(ciphertext: string): boolean;
}

export function parseKeyRing(entries: string[]): { id: string; key: Buffer }[] {
  return entries.map((entry) => {
    const i = entry.indexOf(':');
    const id = entry.slice(0, i);
    const key = Buffer.from(entry.slice(i + 1), 'base64');
    if (i <= 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
      throw new ConfigError('AUDITOR_ENCRYPTION_KEYS', 'entries must look like `<id>:<base64 of 32 bytes>`');
    }
    return { id, key };
  });
}

export function generateKeyRingEntry(id = 'k1'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export function createEncryptor(entries: string[]): Encryptor {
  const ring = parseKeyRing(entries);
  const active = ring[0];
  if (!active) throw new ConfigError('AUDITOR_ENCRYPTION_KEYS', 'needs at least one key');
  const byId = new Map(ring.map((k) => [k.id, k.key]));
  return {
    encrypt(plaintext, aad = '') {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', active.key, iv);
      cipher.setAAD(Buffer.from(aad));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v1',
        active.id,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        data.toString('base64url'),
      ].join('.');
    },
    decrypt(ciphertext, aad = '') {
      const [version, id, iv, tag, data] = ciphertext.split('.');
      const key = id ? byId.get(id) : undefined;
      if (version !== 'v1' || !key || !iv || !tag || data === undefined)
        throw new Error('cannot decrypt: unknown format or key');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
    needsRotation(ciphertext) {
      return ciphertext.split('.')[1] !== active.id;
    },
  };
}
