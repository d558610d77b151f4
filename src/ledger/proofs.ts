/**
 * Proof generation from tiles: inclusion proofs, consistency proofs and roots of any past tree
 * size, each with exactly one `readTiles` call.
 *
 * Every proof element is the Merkle hash of a leaf range (RFC 9162 §2.1.3–2.1.4). A range is
 * either a complete node or a ragged right part [k, n) that we rebuild from its covering complete
 * nodes, and every complete node is hashed up inside a single tile. Read bound, for a tree of n
 * leaves with T = ⌊log2(n)/8⌋ + 1 tile levels:
 *  - the siblings on a leaf's path at tree levels 8L … 8L+7 all sit in the tile at tile level L
 *    that contains the path (the path and its siblings share their ancestor at level 8L+8);
 *  - the ragged ranges are right-edge nodes of the tree, which at tree levels 8L … 8L+7 sit in
 *    the right-most tile of tile level L;
 *  - a consistency proof is the path of leaf size1−1 in the tree of size2 plus that right edge.
 * So a proof reads at most 2·T tiles, and a root at most T. (The 2^20-leaf test asserts it.)
 */

import { requireSafeCount } from './encoding.ts';
import { LedgerError } from './errors.ts';
import { EMPTY_ROOT, foldFromRight } from './hashing.ts';
import { readNodeHashes, type TileStore } from './tiles.ts';
import {
  consistencyRanges,
  coveringNodes,
  inclusionRanges,
  type LeafRange,
  type NodeRef,
} from './tree-math.ts';

export interface TreeReader {
  /** Inclusion proof (RFC 9162 §2.1.3) of leaf `index` in the tree of `treeSize` leaves. */
  inclusionProof(index: number, treeSize: number): Promise<Buffer[]>;
  /** Consistency proof (RFC 9162 §2.1.4) from the tree of `size1` leaves to that of `size2`. */
  consistencyProof(size1: number, size2: number): Promise<Buffer[]>;
  /** Root hash of the tree of `treeSize` leaves (any size up to the current one). */
  rootAt(treeSize: number): Promise<Buffer>;
  /** Hash of leaf `index` as stored in the tiles. */
  leafHashAt(index: number): Promise<Buffer>;
}

/**
 * Proof generation over a tile store. The caller is responsible for asking only about tree sizes
 * the log has reached (the current size or a checkpoint's); a size beyond the stored tiles fails
 * with LEDGER_TILE_MISSING.
 */
export function createTreeReader(store: TileStore): TreeReader {
  return {
    inclusionProof: (index, treeSize) => inclusionProof(store, index, treeSize),
    consistencyProof: (size1, size2) => consistencyProof(store, size1, size2),
    rootAt: (treeSize) => rootAt(store, treeSize),
    leafHashAt: async (index) => {
      requireSafeCount(index, 'leaf index');
      const [hash] = await readNodeHashes(store, [{ level: 0, index }]);
      return hash!;
    },
  };
}

export async function inclusionProof(store: TileStore, index: number, treeSize: number): Promise<Buffer[]> {
  requireSafeCount(index, 'leaf index');
  requireSafeCount(treeSize, 'tree size');
  if (index >= treeSize) {
    throw new LedgerError(
      'LEDGER_INVALID_ARGUMENT',
      `leaf index ${index} is not in a tree of ${treeSize} leaves`,
    );
  }
  return rangeHashes(store, inclusionRanges(index, treeSize));
}

export async function consistencyProof(store: TileStore, size1: number, size2: number): Promise<Buffer[]> {
  requireSafeCount(size1, 'first tree size');
  requireSafeCount(size2, 'second tree size');
  // Same domain as verification: a proof from the empty tree proves nothing and is refused.
  if (size1 === 0 || size1 > size2) {
    throw new LedgerError('LEDGER_INVALID_ARGUMENT', `no consistency proof from ${size1} to ${size2} leaves`);
  }
  return rangeHashes(store, consistencyRanges(size1, size2));
}

export async function rootAt(store: TileStore, treeSize: number): Promise<Buffer> {
  requireSafeCount(treeSize, 'tree size');
  if (treeSize === 0) return Buffer.from(EMPTY_ROOT);
  return foldFromRight(await readNodeHashes(store, coveringNodes(0, treeSize)));
}

/** Hashes of leaf ranges, reading all the tiles they need at once. */
async function rangeHashes(store: TileStore, ranges: readonly LeafRange[]): Promise<Buffer[]> {
  const perRange: NodeRef[][] = ranges.map((range) => coveringNodes(range.start, range.end));
  const hashes = await readNodeHashes(store, perRange.flat());
  const out: Buffer[] = [];
  let next = 0;
  for (const nodes of perRange) {
    out.push(foldFromRight(hashes.slice(next, next + nodes.length)));
    next += nodes.length;
  }
  return out;
}
