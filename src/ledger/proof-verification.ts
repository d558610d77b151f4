/**
 * Pure verification of inclusion and consistency proofs (RFC 9162 §2.1.3.2 and §2.1.4.2), in the
 * form of the widely used Go implementation (transparency-dev/merkle proof/verify.go), so that we
 * accept and refuse exactly what the reference vectors in shared/test-vectors/merkle expect:
 *  - inclusion: 0 ≤ index < size, 32-byte leaf hash and proof hashes, and exactly the number of
 *    proof hashes the index and size imply (no trailing or missing nodes);
 *  - consistency: size1 = 0 is always an error (nothing to prove, and a proof "from 0" is a
 *    classic way to smuggle in an arbitrary tree), size2 < size1 is an error, equal sizes need an
 *    empty proof and byte-equal roots, otherwise exactly the implied number of 32-byte hashes.
 * Hashes may be given as bytes or as base64 text. Failures throw LedgerError
 * `LEDGER_PROOF_INVALID` with a short reason; `is…` variants return booleans.
 */

import { type HashLike, hashBytes, isSafeCount } from './encoding.ts';
import { LedgerError } from './errors.ts';
import { HASH_SIZE, hashesEqual, nodeHash } from './hashing.ts';
import { bitLength, onesCount, trailingZeros, xor } from './tree-math.ts';

export interface InclusionProofInput {
  readonly index: number;
  readonly treeSize: number;
  readonly leafHash: HashLike;
  readonly proof: readonly HashLike[] | null | undefined;
  readonly root: HashLike;
}

export interface ConsistencyProofInput {
  readonly size1: number;
  readonly size2: number;
  readonly root1: HashLike;
  readonly root2: HashLike;
  readonly proof: readonly HashLike[] | null | undefined;
}

function invalid(reason: string): LedgerError {
  return new LedgerError('LEDGER_PROOF_INVALID', `proof does not verify: ${reason}`);
}

function decodeHash(value: HashLike, what: string): Buffer {
  const bytes = hashBytes(value, what, 'LEDGER_PROOF_INVALID');
  if (bytes.length !== HASH_SIZE) throw invalid(`${what} is ${bytes.length} bytes, not ${HASH_SIZE}`);
  return bytes;
}

function decodeProof(proof: readonly HashLike[] | null | undefined): Buffer[] {
  // The Go vectors write an empty proof as JSON null.
  return (proof ?? []).map((hash, i) => decodeHash(hash, `proof hash ${i}`));
}

/** Lengths of the two parts of an inclusion proof: below and above where the paths to index and size−1 part. */
function decomposeInclusion(index: number, treeSize: number): { inner: number; border: number } {
  const inner = bitLength(xor(index, treeSize - 1));
  const border = onesCount(Math.floor(index / 2 ** inner));
  return { inner, border };
}

/** Root implied by an inclusion proof; throws when the proof is malformed for (index, size). */
export function rootFromInclusionProof(
  index: number,
  treeSize: number,
  leafHash: HashLike,
  proof: readonly HashLike[] | null | undefined,
): Buffer {
  if (!isSafeCount(index) || !isSafeCount(treeSize))
    throw invalid('index and tree size must be non-negative integers');
  if (index >= treeSize) throw invalid(`index ${index} is beyond tree size ${treeSize}`);
  const leaf = decodeHash(leafHash, 'leaf hash');
  const hashes = decodeProof(proof);
  const { inner, border } = decomposeInclusion(index, treeSize);
  if (hashes.length !== inner + border)
    throw invalid(`expected ${inner + border} proof hashes, got ${hashes.length}`);

  let acc = leaf;
  let position = index;
  for (let i = 0; i < inner; i++) {
    acc = position % 2 === 0 ? nodeHash(acc, hashes[i]!) : nodeHash(hashes[i]!, acc);
    position = Math.floor(position / 2);
  }
  for (let i = inner; i < hashes.length; i++) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

export function verifyInclusion(input: InclusionProofInput): void {
  const computed = rootFromInclusionProof(input.index, input.treeSize, input.leafHash, input.proof);
  const expected = hashBytes(input.root, 'root', 'LEDGER_PROOF_INVALID');
  if (!hashesEqual(computed, expected)) throw invalid('computed root differs from the expected root');
}

export function isValidInclusion(input: InclusionProofInput): boolean {
  return succeeds(() => verifyInclusion(input));
}

export function verifyConsistency(input: ConsistencyProofInput): void {
  const { size1, size2 } = input;
  if (!isSafeCount(size1) || !isSafeCount(size2)) throw invalid('tree sizes must be non-negative integers');
  if (size1 === 0) throw invalid('a consistency proof from the empty tree proves nothing');
  if (size2 < size1) throw invalid(`size2 (${size2}) is smaller than size1 (${size1})`);
  const root1 = hashBytes(input.root1, 'root1', 'LEDGER_PROOF_INVALID');
  const root2 = hashBytes(input.root2, 'root2', 'LEDGER_PROOF_INVALID');
  const proofLength = input.proof?.length ?? 0;

  if (size1 === size2) {
    if (proofLength !== 0) throw invalid('equal sizes need an empty proof');
    if (!hashesEqual(root1, root2)) throw invalid('equal sizes but different roots');
    return;
  }
  if (proofLength === 0) throw invalid('empty proof');
  const hashes = decodeProof(input.proof);

  // The proof is the suffix of the inclusion proof of leaf size1−1 in the tree of size2, starting
  // at the level of the largest complete subtree the old tree ends with (2^shift leaves).
  const { inner: fullInner, border } = decomposeInclusion(size1 - 1, size2);
  const shift = trailingZeros(size1);
  const inner = fullInner - shift;
  // When size1 is itself 2^shift, the old root is that subtree and is not repeated in the proof.
  const seedIsRoot1 = size1 === 2 ** shift;
  const start = seedIsRoot1 ? 0 : 1;
  if (hashes.length !== start + inner + border) {
    throw invalid(`expected ${start + inner + border} proof hashes, got ${hashes.length}`);
  }
  const seed = seedIsRoot1 ? root1 : hashes[0]!;
  if (seed.length !== HASH_SIZE) throw invalid(`root1 is ${seed.length} bytes, not ${HASH_SIZE}`);
  const path = hashes.slice(start);

  let mask = Math.floor((size1 - 1) / 2 ** shift);
  let hash1 = seed;
  let hash2 = seed;
  for (let i = 0; i < inner; i++) {
    if (mask % 2 === 1) {
      // A left sibling belongs to both trees.
      hash1 = nodeHash(path[i]!, hash1);
      hash2 = nodeHash(path[i]!, hash2);
    } else {
      // A right sibling exists only in the new tree.
      hash2 = nodeHash(hash2, path[i]!);
    }
    mask = Math.floor(mask / 2);
  }
  for (let i = inner; i < path.length; i++) {
    hash1 = nodeHash(path[i]!, hash1);
    hash2 = nodeHash(path[i]!, hash2);
  }
  if (!hashesEqual(hash1, root1)) throw invalid('proof does not lead to root1');
  if (!hashesEqual(hash2, root2)) throw invalid('proof does not lead to root2');
}

export function isValidConsistency(input: ConsistencyProofInput): boolean {
  return succeeds(() => verifyConsistency(input));
}

function succeeds(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (error) {
    if (error instanceof LedgerError) return false;
    throw error;
  }
}
