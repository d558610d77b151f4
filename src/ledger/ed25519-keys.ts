/**
 * Raw Ed25519 keys (32-byte seed, 32-byte public key) with Node's `crypto`, which only speaks
 * KeyObjects: we wrap raw bytes in the fixed DER prefixes of PKCS#8 and SPKI (RFC 8410).
 */
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from 'node:crypto';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const ED25519_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

export interface Ed25519KeyPair {
  readonly seed: Buffer;
  readonly publicKey: Buffer;
  readonly privateKeyObject: KeyObject;
}

export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== ED25519_KEY_SIZE) throw new RangeError('an Ed25519 seed is 32 bytes');
  const privateKeyObject = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKeyObject).export({ format: 'der', type: 'spki' });
  return { seed: Buffer.from(seed), publicKey: spki.subarray(SPKI_ED25519_PREFIX.length), privateKeyObject };
}

export function generateEd25519(): Ed25519KeyPair {
  return ed25519FromSeed(randomBytes(ED25519_KEY_SIZE));
}

export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== ED25519_KEY_SIZE) throw new RangeError('an Ed25519 public key is 32 bytes');
  return createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
    format: 'der',
    type: 'spki',
  });
}

export function ed25519Sign(key: KeyObject, message: Uint8Array): Buffer {
  return sign(null, message, key);
}

export function ed25519Verify(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
