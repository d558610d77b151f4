/**
 * Strict base64 (RFC 4648 §4, with padding) and hash inputs given as base64 or bytes.
 *
 * `Buffer.from(text, 'base64')` silently skips characters outside the alphabet and accepts
 * missing padding, so two different strings could decode to the same hash. Proofs, checkpoints
 * and signatures are security-relevant text, so we accept only the canonical encoding: the
 * decoded bytes must re-encode to exactly the input.
 */
import { LedgerError, type LedgerErrorCode } from './errors.ts';

/** A hash given either as bytes or as standard base64 text. */
export type HashLike = Uint8Array | string;

const BASE64_SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes canonical standard base64 or returns undefined. */
export function tryDecodeBase64(text: string): Buffer | undefined {
  if (!BASE64_SHAPE.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // The shape check leaves one ambiguity: non-zero bits in the padding position ("QR==").
  return bytes.toString('base64') === text ? bytes : undefined;
}

export function decodeBase64(
  text: string,
  what: string,
  code: LedgerErrorCode = 'LEDGER_INVALID_ARGUMENT',
): Buffer {
  const bytes = tryDecodeBase64(text);
  if (bytes === undefined) throw new LedgerError(code, `${what} is not canonical base64`);
  return bytes;
}

/** Bytes of a hash-like value without checking its length (proof verification checks lengths itself). */
export function hashBytes(
  value: HashLike,
  what: string,
  code: LedgerErrorCode = 'LEDGER_INVALID_ARGUMENT',
): Buffer {
  if (typeof value === 'string') return decodeBase64(value, what, code);
  if (value instanceof Uint8Array)
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.length);
  throw new LedgerError(code, `${what} must be bytes or base64 text`);
}

export function isSafeCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function requireSafeCount(value: unknown, what: string): number {
  if (!isSafeCount(value)) {
    throw new LedgerError('LEDGER_INVALID_ARGUMENT', `${what} must be a non-negative safe integer`);
  }
  return value;
}
