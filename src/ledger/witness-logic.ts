/**
 * The witness's decision, as a pure function: given what it last accepted for a log (or
 * nothing), a new signed checkpoint and a consistency proof from the last accepted size, either
 * cosign or refuse with a typed reason. Storage, fetching and alerting stay with the caller (the
 * witness process): it persists `state` only when `ok` is true, and raises a critical alert on
 * FORK and ROLLBACK.
 *
 * Order of checks: signature first (an unsigned checkpoint proves nothing about the log, so it
 * must not be reported as a fork), then origin, then size and root against the last accepted
 * state, then the consistency proof.
 */

import type { Checkpoint } from './checkpoint.ts';
import { parseCheckpoint } from './checkpoint.ts';
import type { CosignatureV1, Cosigner } from './cosignature.ts';
import type { HashLike } from './encoding.ts';
import { LedgerError } from './errors.ts';
import { hashesEqual } from './hashing.ts';
import { verifyConsistency } from './proof-verification.ts';
import { type NoteVerifier, openNote } from './signed-note.ts';

/** What the witness last accepted for one log. */
export interface WitnessState {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Buffer;
}

export type WitnessFailureCode =
  /** The note is not signed by the configured log key (or a signature by it fails). */
  | 'BAD_SIGNATURE'
  /** The note or its checkpoint text is not well formed. */
  | 'MALFORMED'
  /** The checkpoint is for another log than the one configured. */
  | 'WRONG_ORIGIN'
  /** Same size as the last accepted checkpoint, different root: the log shows two histories. */
  | 'FORK'
  /** Smaller than the last accepted checkpoint: the log went back in time. */
  | 'ROLLBACK'
  /** Larger, but the consistency proof does not connect the two roots. */
  | 'INCONSISTENT';

export type WitnessDecision =
  | {
      readonly ok: true;
      readonly checkpoint: Checkpoint;
      /** The note text that was cosigned. */
      readonly checkpointText: string;
      readonly cosignature: CosignatureV1;
      /** State to persist for this origin. */
      readonly state: WitnessState;
    }
  | {
      readonly ok: false;
      readonly code: WitnessFailureCode;
      readonly message: string;
      readonly checkpoint?: Checkpoint;
      readonly previous?: WitnessState;
    };

export interface WitnessInput {
  /** The log's origin line this witness is configured for. */
  readonly origin: string;
  /** Verifier of the log's checkpoint signatures (from the configured log key). */
  readonly logVerifier: NoteVerifier;
  /** The witness's own cosigner. */
  readonly cosigner: Cosigner;
  /** Last accepted state for this origin, or undefined the first time. */
  readonly previous: WitnessState | undefined;
  /** The new signed checkpoint note. */
  readonly signedCheckpoint: string | Uint8Array;
  /** Consistency proof from `previous.treeSize` to the new size (ignored when there is no previous). */
  readonly consistencyProof: readonly HashLike[];
  /** Unix seconds to put in the cosignature. */
  readonly now: number;
}

export function witnessCheckpoint(input: WitnessInput): WitnessDecision {
  const { previous } = input;
  let text: string;
  try {
    text = openNote(input.signedCheckpoint, [input.logVerifier]).text;
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'LEDGER_NOTE_MALFORMED') {
      return { ok: false, code: 'MALFORMED', message: error.message };
    }
    if (error instanceof LedgerError) {
      return {
        ok: false,
        code: 'BAD_SIGNATURE',
        message: `checkpoint is not signed by the log key: ${error.message}`,
      };
    }
    throw error;
  }

  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(text);
  } catch (error) {
    if (error instanceof LedgerError) return { ok: false, code: 'MALFORMED', message: error.message };
    throw error;
  }
  if (checkpoint.origin !== input.origin || (previous !== undefined && previous.origin !== input.origin)) {
    return {
      ok: false,
      code: 'WRONG_ORIGIN',
      message: `checkpoint origin "${checkpoint.origin}" is not "${input.origin}"`,
      checkpoint,
    };
  }

  if (previous !== undefined) {
    const refusal = compareWithPrevious(previous, checkpoint, input.consistencyProof);
    if (refusal !== undefined) return { ...refusal, checkpoint, previous };
  }

  const cosignature = input.cosigner.cosign(text, input.now);
  return {
    ok: true,
    checkpoint,
    checkpointText: text,
    cosignature,
    state: { origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash },
  };
}

function compareWithPrevious(
  previous: WitnessState,
  checkpoint: Checkpoint,
  proof: readonly HashLike[],
): { ok: false; code: WitnessFailureCode; message: string } | undefined {
  if (checkpoint.treeSize < previous.treeSize) {
    return {
      ok: false,
      code: 'ROLLBACK',
      message: `tree size ${checkpoint.treeSize} is below the accepted ${previous.treeSize}`,
    };
  }
  if (checkpoint.treeSize === previous.treeSize) {
    if (hashesEqual(checkpoint.rootHash, previous.rootHash)) return undefined;
    return { ok: false, code: 'FORK', message: `two different roots for tree size ${checkpoint.treeSize}` };
  }
  // Every tree extends the empty tree; there is nothing to prove from size 0.
  if (previous.treeSize === 0) {
    if (proof.length === 0) return undefined;
    return {
      ok: false,
      code: 'INCONSISTENT',
      message: 'a consistency proof from the empty tree must be empty',
    };
  }
  try {
    verifyConsistency({
      size1: previous.treeSize,
      size2: checkpoint.treeSize,
      root1: previous.rootHash,
      root2: checkpoint.rootHash,
      proof,
    });
    return undefined;
  } catch (error) {
    if (error instanceof LedgerError) return { ok: false, code: 'INCONSISTENT', message: error.message };
    throw error;
  }
}
