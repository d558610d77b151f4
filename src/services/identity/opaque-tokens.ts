/** Random opaque secrets (refresh tokens, API tokens, reset codes) and the hashes we store instead. */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { API_TOKEN_PREFIX } from '../../platform/auth/verifier.ts';

export const newRefreshToken = (): string => `rt_${randomBytes(32).toString('base64url')}`;
export const newApiToken = (): string => `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
export const newStateToken = (): string => randomBytes(32).toString('base64url');

/** A reset code people can type: 10 characters from an alphabet without look-alikes (~50 bits). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function newResetCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export function normaliseResetCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

export const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
