/**
 * C2SP signed notes (c2sp.org/signed-note, the format of golang.org/x/mod/sumdb/note) with Ed25519.
 *
 *   <text ending in \n>
 *   <blank line>
 *   — <key name> base64(4-byte big-endian key id || signature)
 *   …
 *
 * Key id = first 4 bytes of SHA-256(key name || 0x0A || signature type || public key); Ed25519
 * notes use type 0x01. Key strings follow the Go package:
 *   verifier key  "<name>+<8 hex key id>+base64(0x01 || 32-byte public key)"
 *   signer key    "PRIVATE+KEY+<name>+<8 hex key id>+base64(0x01 || 32-byte seed)"
 *
 * Opening a note follows Go's note.Open (the reference every witness uses): the note must be
 * UTF-8 without control characters other than newline; the text ends at the last blank line;
 * every signature line must be well formed or the whole note is refused; signatures from unknown
 * (name, key id) pairs are ignored; a signature from a known key must verify or the whole note is
 * refused; at least one known key must have signed; at most 100 signature lines.
 */
import { createHash } from 'node:crypto';
import {
  ED25519_KEY_SIZE,
  ed25519FromSeed,
  ed25519PublicKeyObject,
  ed25519Sign,
  ed25519Verify,
  generateEd25519,
} from './ed25519-keys.ts';
import { tryDecodeBase64 } from './encoding.ts';
import { LedgerError } from './errors.ts';

export const ED25519_NOTE_TYPE = 0x01;
export const MAX_NOTE_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';

/** Something that can check one key's signatures on note text. */
export interface NoteVerifier {
  readonly name: string;
  /** uint32 key id. */
  readonly keyId: number;
  /** `signature` is the signature bytes after the 4-byte key id. */
  verify(text: Buffer, signature: Buffer): boolean;
}

/** Something that can sign note text with one key. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** Returns the signature bytes that follow the 4-byte key id. */
  sign(text: Buffer): Buffer;
}

export interface Ed25519NoteSigner extends NoteSigner {
  readonly publicKey: Buffer;
  /** The matching verifier key string to hand to verifiers. */
  readonly verifierKey: string;
}

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** base64(key id || signature), as written on the line. */
  readonly base64: string;
}

export interface ParsedNote {
  readonly text: string;
  readonly signatures: NoteSignature[];
}

export interface OpenedNote {
  readonly text: string;
  /** Signatures by known keys, all verified. */
  readonly verified: NoteSignature[];
  /** Signatures by keys we do not know, ignored. */
  readonly unverified: NoteSignature[];
}

// Go's unicode.IsSpace: ASCII spaces, U+0085, U+00A0 and the Unicode White_Space characters.
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const LONE_SURROGATE = /\p{Surrogate}/u;
const KEY_ID_HEX = /^[0-9a-fA-F]{8}$/;

/** Key names are non-empty UTF-8 without Unicode spaces or '+'. */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !UNICODE_SPACE.test(name) &&
    !name.includes('+') &&
    !LONE_SURROGATE.test(name)
  );
}

/** key id = first 4 bytes (big-endian) of SHA-256(name || "\n" || type || public key). */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update('\n')
    .update(Uint8Array.of(type))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function keyError(reason: string): LedgerError {
  return new LedgerError('LEDGER_KEY_INVALID', `invalid key: ${reason}`);
}

/** Formats a verifier key string for a public key of the given signature type (default Ed25519). */
export function formatVerifierKey(
  name: string,
  publicKey: Uint8Array,
  type: number = ED25519_NOTE_TYPE,
): string {
  if (!isValidKeyName(name)) throw keyError('key name must be non-empty and contain no spaces or "+"');
  if (publicKey.length !== ED25519_KEY_SIZE) throw keyError('an Ed25519 public key is 32 bytes');
  const keyData = Buffer.concat([Uint8Array.of(type), publicKey]).toString('base64');
  return `${name}+${keyIdHex(computeKeyId(name, type, publicKey))}+${keyData}`;
}

/** Formats a signer key string from a 32-byte Ed25519 seed. */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  if (!isValidKeyName(name)) throw keyError('key name must be non-empty and contain no spaces or "+"');
  const { publicKey } = ed25519FromSeed(seed);
  const keyId = keyIdHex(computeKeyId(name, ED25519_NOTE_TYPE, publicKey));
  return `PRIVATE+KEY+${name}+${keyId}+${Buffer.concat([Uint8Array.of(ED25519_NOTE_TYPE), seed]).toString('base64')}`;
}

/** A fresh Ed25519 key pair as (signer key, verifier key) strings. */
export function generateNoteKeys(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) throw keyError('key name must be non-empty and contain no spaces or "+"');
  const pair = generateEd25519();
  return {
    signerKey: formatSignerKey(name, pair.seed),
    verifierKey: formatVerifierKey(name, pair.publicKey),
  };
}

export interface ParsedVerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Buffer;
}

/**
 * Parses "<name>+<hex id>+<base64(type || key)>" and checks that the id matches the key. The
 * base64 part may itself contain '+', so the string is split at the first two '+' only.
 */
export function parseVerifierKey(
  verifierKey: string,
  allowedTypes: readonly number[] = [ED25519_NOTE_TYPE],
): ParsedVerifierKey {
  if (typeof verifierKey !== 'string') throw keyError('a verifier key is a string');
  const first = verifierKey.indexOf('+');
  const second = first < 0 ? -1 : verifierKey.indexOf('+', first + 1);
  if (second < 0) throw keyError('expected <name>+<key id>+<key data>');
  const name = verifierKey.slice(0, first);
  const idHex = verifierKey.slice(first + 1, second);
  const data = tryDecodeBase64(verifierKey.slice(second + 1));
  if (!isValidKeyName(name) || !KEY_ID_HEX.test(idHex) || data === undefined || data.length === 0) {
    throw keyError('expected <name>+<key id>+<key data>');
  }
  const type = data[0]!;
  const publicKey = data.subarray(1);
  if (!allowedTypes.includes(type))
    throw keyError(`unsupported signature type 0x${type.toString(16).padStart(2, '0')}`);
  if (publicKey.length !== ED25519_KEY_SIZE) throw keyError('an Ed25519 public key is 32 bytes');
  const keyId = Number.parseInt(idHex, 16);
  if (keyId !== computeKeyId(name, type, publicKey)) throw keyError('key id does not match the key');
  return { name, keyId, type, publicKey: Buffer.from(publicKey) };
}

export interface ParsedSignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly seed: Buffer;
  readonly publicKey: Buffer;
}

/** Parses "PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>" and checks the id against the derived public key. */
export function parseSignerKey(signerKey: string): ParsedSignerKey {
  if (typeof signerKey !== 'string' || !signerKey.startsWith('PRIVATE+KEY+'))
    throw keyError('expected PRIVATE+KEY+…');
  const rest = signerKey.slice('PRIVATE+KEY+'.length);
  const first = rest.indexOf('+');
  const second = first < 0 ? -1 : rest.indexOf('+', first + 1);
  if (second < 0) throw keyError('expected PRIVATE+KEY+<name>+<key id>+<key data>');
  const name = rest.slice(0, first);
  const idHex = rest.slice(first + 1, second);
  const data = tryDecodeBase64(rest.slice(second + 1));
  if (!isValidKeyName(name) || !KEY_ID_HEX.test(idHex) || data === undefined || data.length === 0) {
    throw keyError('expected PRIVATE+KEY+<name>+<key id>+<key data>');
  }
  if (data[0] !== ED25519_NOTE_TYPE) throw keyError('unsupported signer key type');
  const seed = data.subarray(1);
  if (seed.length !== ED25519_KEY_SIZE) throw keyError('an Ed25519 seed is 32 bytes');
  const { publicKey } = ed25519FromSeed(seed);
  const keyId = Number.parseInt(idHex, 16);
  if (keyId !== computeKeyId(name, ED25519_NOTE_TYPE, publicKey))
    throw keyError('key id does not match the key');
  return { name, keyId, seed: Buffer.from(seed), publicKey };
}

/** A note verifier for an Ed25519 (type 0x01) verifier key string. */
export function createNoteVerifier(verifierKey: string): NoteVerifier {
  const parsed = parseVerifierKey(verifierKey);
  const key = ed25519PublicKeyObject(parsed.publicKey);
  return {
    name: parsed.name,
    keyId: parsed.keyId,
    verify: (text, signature) => ed25519Verify(key, text, signature),
  };
}

/** A note signer for an Ed25519 signer key string. */
export function createNoteSigner(signerKey: string): Ed25519NoteSigner {
  const parsed = parseSignerKey(signerKey);
  const { privateKeyObject } = ed25519FromSeed(parsed.seed);
  return {
    name: parsed.name,
    keyId: parsed.keyId,
    publicKey: parsed.publicKey,
    verifierKey: formatVerifierKey(parsed.name, parsed.publicKey),
    sign: (text) => ed25519Sign(privateKeyObject, text),
  };
}

function malformed(reason: string): LedgerError {
  return new LedgerError('LEDGER_NOTE_MALFORMED', `malformed note: ${reason}`);
}

/** Refuses text that a signed note cannot carry: lone surrogates and control characters but \n. */
function checkNoteCharacters(text: string): void {
  if (LONE_SURROGATE.test(text)) throw malformed('not valid UTF-8');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) throw malformed('control character');
  }
}

function noteString(note: string | Uint8Array): string {
  if (typeof note === 'string') return note;
  if (note instanceof Uint8Array) {
    try {
      // ignoreBOM keeps a leading U+FEFF, so the text we verify is byte for byte what was sent.
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
    } catch {
      throw malformed('not valid UTF-8');
    }
  }
  throw malformed('a note is text');
}

function signatureLine(name: string, keyId: number, signature: Uint8Array): string {
  const blob = Buffer.alloc(4 + signature.length);
  blob.writeUInt32BE(keyId, 0);
  blob.set(signature, 4);
  return `${SIGNATURE_PREFIX}${name} ${blob.toString('base64')}\n`;
}

/** Signs note text (which must end in a newline) with each signer, in order. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw malformed('note text must end with a newline');
  checkNoteCharacters(text);
  if (signers.length === 0)
    throw new LedgerError('LEDGER_INVALID_ARGUMENT', 'a note needs at least one signer');
  const bytes = Buffer.from(text, 'utf8');
  let out = `${text}\n`;
  for (const signer of signers) {
    if (!isValidKeyName(signer.name)) throw keyError('signer has an invalid name');
    out += signatureLine(signer.name, signer.keyId, signer.sign(bytes));
  }
  return out;
}

/** Splits a note into text and signature lines, checking syntax only (no signature is verified). */
export function parseNote(note: string | Uint8Array): ParsedNote {
  const message = noteString(note);
  checkNoteCharacters(message);
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw malformed('signature block must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(SIGNATURE_PREFIX))
      throw malformed('signature line must start with an em dash and a space');
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(' ');
    const name = space < 0 ? body : body.slice(0, space);
    const base64 = space < 0 ? '' : body.slice(space + 1);
    const blob = tryDecodeBase64(base64);
    if (!isValidKeyName(name) || base64 === '' || blob === undefined || blob.length < 5) {
      throw malformed('bad signature line');
    }
    return { name, keyId: blob.readUInt32BE(0), base64 };
  });
  return { text, signatures };
}

/**
 * Opens a note: verifies every signature by a known key and returns the text. Throws
 * LEDGER_NOTE_MALFORMED, LEDGER_SIGNATURE_INVALID (a known key's signature fails),
 * LEDGER_NOTE_UNVERIFIED (no known key signed) or LEDGER_KEY_INVALID (two verifiers share a
 * name and key id that a signature uses).
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const parsed = parseNote(note);
  const text = Buffer.from(parsed.text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenKnown = new Set<string>();
  const seenUnknown = new Set<string>();
  for (const signature of parsed.signatures) {
    const id = `${signature.name}+${keyIdHex(signature.keyId)}`;
    const matches = verifiers.filter((v) => v.name === signature.name && v.keyId === signature.keyId);
    if (matches.length === 0) {
      const line = `${signature.name} ${signature.base64}`;
      if (!seenUnknown.has(line)) {
        seenUnknown.add(line);
        unverified.push(signature);
      }
      continue;
    }
    if (matches.length > 1) throw keyError(`ambiguous key ${id}`);
    // Repeated signatures by one key: only the first one counts (and must verify).
    if (seenKnown.has(id)) continue;
    seenKnown.add(id);
    const blob = Buffer.from(signature.base64, 'base64');
    if (!matches[0]!.verify(text, blob.subarray(4))) {
      throw new LedgerError('LEDGER_SIGNATURE_INVALID', `invalid signature for key ${id}`, {
        details: { key: id },
      });
    }
    verified.push(signature);
  }
  if (verified.length === 0) {
    throw new LedgerError('LEDGER_NOTE_UNVERIFIED', 'note has no verifiable signatures', {
      details: { unverified: unverified.map((s) => `${s.name}+${keyIdHex(s.keyId)}`) },
    });
  }
  return { text: parsed.text, verified, unverified };
}

/** Appends signature lines (e.g. witness cosignatures) to a well-formed signed note. */
export function addNoteSignatureLines(note: string, lines: readonly string[]): string {
  parseNote(note);
  const combined = note + lines.join('');
  // Re-parse so that a bad line is refused here rather than by whoever reads the note next.
  parseNote(combined);
  return combined;
}
