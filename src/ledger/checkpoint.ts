/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the note text a log signs.
 *
 *   <origin>\n
 *   <tree size, decimal, no leading zeros>\n
 *   <base64 root hash>\n
 *   [<extension line>\n …]
 *
 * Keeping the exact format matters: standard witnesses cosign this text byte for byte.
 */

import { type HashLike, hashBytes, tryDecodeBase64 } from './encoding.ts';
import { LedgerError } from './errors.ts';
import { HASH_SIZE } from './hashing.ts';
import { type NoteSigner, type NoteVerifier, type OpenedNote, openNote, signNote } from './signed-note.ts';

export interface Checkpoint {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly extensions: readonly string[];
}

export interface CheckpointInput {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: HashLike;
  readonly extensions?: readonly string[];
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

function malformed(reason: string): LedgerError {
  return new LedgerError('LEDGER_CHECKPOINT_MALFORMED', `malformed checkpoint: ${reason}`);
}

/** A line a checkpoint may carry: non-empty, no newline or other control character. */
function isValidLine(line: string): boolean {
  return typeof line === 'string' && line.length > 0 && !/[\u0000-\u001f]/.test(line);
}

export function formatCheckpoint(input: CheckpointInput): string {
  const { origin, treeSize, extensions = [] } = input;
  if (!isValidLine(origin)) throw malformed('origin must be a non-empty line');
  if (!Number.isSafeInteger(treeSize) || treeSize < 0)
    throw malformed('tree size must be a non-negative safe integer');
  const root = hashBytes(input.rootHash, 'root hash', 'LEDGER_CHECKPOINT_MALFORMED');
  if (root.length !== HASH_SIZE) throw malformed(`root hash must be ${HASH_SIZE} bytes`);
  for (const line of extensions)
    if (!isValidLine(line)) throw malformed('extension lines must be non-empty lines');
  return [origin, String(treeSize), root.toString('base64'), ...extensions]
    .map((line) => `${line}\n`)
    .join('');
}

export function parseCheckpoint(body: string): Checkpoint {
  if (typeof body !== 'string' || !body.endsWith('\n')) throw malformed('text must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('expected origin, tree size and root hash lines');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (!isValidLine(origin)) throw malformed('origin must be a non-empty line');
  if (!DECIMAL.test(size)) throw malformed('tree size must be a decimal number without leading zeros');
  const treeSize = Number(size);
  if (!Number.isSafeInteger(treeSize)) throw malformed('tree size is too large');
  const rootHash = tryDecodeBase64(root);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE)
    throw malformed(`root hash must be base64 of ${HASH_SIZE} bytes`);
  for (const line of extensions) if (!isValidLine(line)) throw malformed('extension lines must be non-empty');
  return { origin, treeSize, rootHash, extensions };
}

/** Formats and signs a checkpoint; returns the signed note. */
export function signCheckpoint(input: CheckpointInput, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(input), signers);
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: OpenedNote;
}

/**
 * Verifies a signed checkpoint with the given keys (see `openNote`) and parses its text. When
 * `origin` is given the checkpoint must be for that log.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  origin?: string,
): OpenedCheckpoint {
  const opened = openNote(note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (origin !== undefined && checkpoint.origin !== origin) {
    throw malformed(`checkpoint is for origin "${checkpoint.origin}", expected "${origin}"`);
  }
  return { checkpoint, note: opened };
}
