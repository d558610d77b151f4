/**
 * RFC 9162 (§2.1.1) hashing with SHA-256: the 0x00 / 0x01 prefixes separate leaves from interior
 * nodes so that no interior node can be passed off as a leaf (second-preimage resistance).
 *
 * Speed matters for the full log audit (quality P7, ≥ 200,000 leaves/s) and for hashing up inside
 * tiles (every proof, every append). Measured on the 2-core target machine, the cost of one
 * SHA-256 of a short input through Node is dominated by the call and by allocating the result:
 * `crypto.hash(…, 'buffer')` takes ~1 µs, the same call returning a 'latin1' string (one byte per
 * char, cheap for V8 to create; Node calls that encoding 'binary') ~0.45 µs. So the hot paths (audit, tiles) use the `…Binary`
 * variants, which keep hashes as 32-char latin1 strings, and convert to Buffers only at the edges.
 * Inputs go through module-level scratch buffers, which is safe because hashing is synchronous.
 */
import { hash } from 'node:crypto';

export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = NODE_PREFIX;
let leafScratch = Buffer.alloc(4096);

/** SHA-256 of nothing: the root of the empty tree (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

/** The root of the empty tree, as a fresh copy callers may keep or mutate. */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}

function prefixedLeaf(data: Uint8Array): Buffer {
  const needed = data.length + 1;
  if (needed > leafScratch.length) {
    // Grow geometrically so that a run of large leaves does not reallocate each time.
    leafScratch = Buffer.alloc(Math.max(needed, leafScratch.length * 2));
  }
  leafScratch[0] = LEAF_PREFIX;
  leafScratch.set(data, 1);
  return leafScratch.subarray(0, needed);
}

/** leaf hash = SHA-256(0x00 || bytes). */
export function leafHash(data: Uint8Array): Buffer {
  return hash('sha256', prefixedLeaf(data), 'buffer');
}

/** interior node hash = SHA-256(0x01 || left || right); both children must be 32 bytes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError(`node children must be ${HASH_SIZE}-byte hashes`);
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeScratch, 'buffer');
}

/** A 32-byte hash held as a 32-character latin1 string (see the module comment). */
export type BinaryHash = string;

export function leafHashBinary(data: Uint8Array): BinaryHash {
  return hash('sha256', prefixedLeaf(data), 'binary');
}

export function nodeHashBinary(left: BinaryHash, right: BinaryHash): BinaryHash {
  nodeScratch.write(left, 1, 'latin1');
  nodeScratch.write(right, 1 + HASH_SIZE, 'latin1');
  return hash('sha256', nodeScratch, 'binary');
}

/** Node hash of two adjacent 32-byte hashes stored at `offset` in `hashes`. */
export function nodeHashOfPairBinary(hashes: Buffer, offset: number): BinaryHash {
  hashes.copy(nodeScratch, 1, offset, offset + 2 * HASH_SIZE);
  return hash('sha256', nodeScratch, 'binary');
}

export function toBinaryHash(bytes: Uint8Array): BinaryHash {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

export function fromBinaryHash(binary: BinaryHash): Buffer {
  return Buffer.from(binary, 'latin1');
}

/** Plain byte equality (hashes are public, so no constant-time comparison is needed). */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Merkle hash of a right-ragged range given the hashes of its covering complete nodes (largest
 * first): acc = last; acc = H(h[i], acc) going left. This is how RFC 9162's MTH combines the
 * perfect subtrees of a tree whose size is not a power of two.
 */
export function foldFromRight(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return emptyRoot();
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}
