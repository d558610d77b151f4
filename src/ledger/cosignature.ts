/**
 * C2SP tlog-cosignature, Ed25519 "cosignature/v1" (c2sp.org/tlog-cosignature): a witness's
 * statement that, as of a time, the checkpoint is the largest consistent tree head it has seen.
 *
 *   signed message = "cosignature/v1\n" + "time <unix seconds>\n" + checkpoint note text
 *   signature line = "— <witness name> base64(key id || 8-byte big-endian time || Ed25519 sig)"
 *   key id         = SHA-256(name || "\n" || 0x04 || 32-byte public key)[:4]
 *
 * The signature type byte 0x04 (not 0x01) keeps cosignatures and plain note signatures by the
 * same key apart. A witness keeps an ordinary Ed25519 signer key string (PRIVATE+KEY+…, type 0x01,
 * as transparency-dev/formats does); its public verifier key string uses type 0x04.
 */

import {
  ED25519_SIGNATURE_SIZE,
  ed25519FromSeed,
  ed25519PublicKeyObject,
  ed25519Sign,
  ed25519Verify,
} from './ed25519-keys.ts';
import { tryDecodeBase64 } from './encoding.ts';
import { LedgerError } from './errors.ts';
import {
  computeKeyId,
  formatVerifierKey,
  keyIdHex,
  type NoteVerifier,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
} from './signed-note.ts';

export const COSIGNATURE_V1_TYPE = 0x04;
const ED25519_NOTE_TYPE = 0x01;
const BLOB_SIZE = 4 + 8 + ED25519_SIGNATURE_SIZE;

export interface CosignatureV1 {
  readonly name: string;
  readonly keyId: number;
  /** Unix seconds. */
  readonly timestamp: number;
  /** base64(key id || timestamp || signature) as written on the signature line. */
  readonly base64: string;
  /** The full signature line, "— <name> <base64>\n", to append to the checkpoint note. */
  readonly line: string;
}

export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Buffer;
  /** Verifier key string with type 0x04, to publish for clients of the witness. */
  readonly verifierKey: string;
  cosign(checkpointText: string, timestamp: number): CosignatureV1;
}

export interface CosignatureVerifier extends NoteVerifier {
  /** Verifies a base64 cosignature blob on checkpoint text; returns its timestamp, or undefined. */
  verifyCosignature(checkpointText: string, base64: string): number | undefined;
}

/** "cosignature/v1\ntime <t>\n" || checkpoint text. */
export function cosignatureMessage(checkpointText: string, timestamp: number): Buffer {
  checkTimestamp(timestamp);
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new LedgerError(
      'LEDGER_INVALID_ARGUMENT',
      'a cosignature timestamp is a non-negative integer number of seconds',
    );
  }
}

/** A cosigner from an Ed25519 signer key string (PRIVATE+KEY+…). */
export function createCosigner(signerKey: string): Cosigner {
  const parsed = parseSignerKey(signerKey);
  const { privateKeyObject, publicKey } = ed25519FromSeed(parsed.seed);
  const keyId = computeKeyId(parsed.name, COSIGNATURE_V1_TYPE, publicKey);
  return {
    name: parsed.name,
    keyId,
    publicKey,
    verifierKey: formatVerifierKey(parsed.name, publicKey, COSIGNATURE_V1_TYPE),
    cosign(checkpointText, timestamp) {
      // The checkpoint text is signed as is; refuse text that could not be a note body.
      if (!checkpointText.endsWith('\n')) {
        throw new LedgerError('LEDGER_INVALID_ARGUMENT', 'checkpoint text must end with a newline');
      }
      const signature = ed25519Sign(privateKeyObject, cosignatureMessage(checkpointText, timestamp));
      const blob = Buffer.alloc(BLOB_SIZE);
      blob.writeUInt32BE(keyId, 0);
      blob.writeBigUInt64BE(BigInt(timestamp), 4);
      blob.set(signature, 12);
      const base64 = blob.toString('base64');
      return { name: parsed.name, keyId, timestamp, base64, line: `\u2014 ${parsed.name} ${base64}\n` };
    },
  };
}

/**
 * A verifier for a witness's cosignatures, from its verifier key string. A type 0x04 key is used
 * as is; a type 0x01 key of the same Ed25519 key is converted (as transparency-dev/formats does).
 * It is also a `NoteVerifier`, so `openNote` can check cosignature lines next to the log's own.
 */
export function createCosignatureVerifier(verifierKey: string): CosignatureVerifier {
  const parsed = parseVerifierKey(verifierKey, [COSIGNATURE_V1_TYPE, ED25519_NOTE_TYPE]);
  const key = ed25519PublicKeyObject(parsed.publicKey);
  const keyId = computeKeyId(parsed.name, COSIGNATURE_V1_TYPE, parsed.publicKey);
  const verifyBody = (text: Buffer, body: Buffer): number | undefined => {
    if (body.length !== BLOB_SIZE - 4) return undefined;
    const timestamp = body.readBigUInt64BE(0);
    if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    const seconds = Number(timestamp);
    const message = Buffer.concat([Buffer.from(`cosignature/v1\ntime ${seconds}\n`, 'utf8'), text]);
    return ed25519Verify(key, message, body.subarray(8)) ? seconds : undefined;
  };
  return {
    name: parsed.name,
    keyId,
    verify: (text, signature) => verifyBody(text, signature) !== undefined,
    verifyCosignature(checkpointText, base64) {
      const blob = tryDecodeBase64(base64);
      if (blob === undefined || blob.length !== BLOB_SIZE || blob.readUInt32BE(0) !== keyId) return undefined;
      return verifyBody(Buffer.from(checkpointText, 'utf8'), blob.subarray(4));
    },
  };
}

/** The timestamp a cosignature/v1 blob carries, without verifying it (for display and freshness checks). */
export function cosignatureTimestamp(base64: string): number {
  const blob = tryDecodeBase64(base64);
  if (blob === undefined || blob.length !== BLOB_SIZE) {
    throw new LedgerError('LEDGER_NOTE_MALFORMED', 'not a cosignature/v1 signature');
  }
  const timestamp = blob.readBigUInt64BE(4);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER))
    throw new LedgerError('LEDGER_NOTE_MALFORMED', 'cosignature time out of range');
  return Number(timestamp);
}

/** Cosignatures on a signed checkpoint note by the given witness that verify, with their times. */
export function findCosignatures(
  note: string,
  verifier: CosignatureVerifier,
): Array<{ keyId: string; timestamp: number }> {
  const parsed = parseNote(note);
  const out: Array<{ keyId: string; timestamp: number }> = [];
  for (const signature of parsed.signatures) {
    if (signature.name !== verifier.name || signature.keyId !== verifier.keyId) continue;
    const timestamp = verifier.verifyCosignature(parsed.text, signature.base64);
    if (timestamp !== undefined) out.push({ keyId: keyIdHex(signature.keyId), timestamp });
  }
  return out;
}
