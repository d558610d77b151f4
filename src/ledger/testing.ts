/**
 * Helpers for tests and benchmarks of the ledger (not part of the public API in index.ts):
 * a seeded PRNG, cheap synthetic leaves and a one-call way to build a tree in the counting
 * memory store, so that a benchmark can time proofs at 10 M leaves in a few lines:
 *
 *   const { store, reader } = await buildMemoryTree(10_000_000);
 *   store.resetStats(); const t = performance.now();
 *   await reader.inclusionProof(1234567, 10_000_000);
 */
import { appendLeaves } from './appender.ts';
import { leafHash } from './hashing.ts';
import { createTreeReader, type TreeReader } from './proofs.ts';
import { createMemoryTileStore, type MemoryTileStore } from './tiles.ts';

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max] from a PRNG. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Bytes of synthetic leaf i: its index as 8 big-endian bytes. */
export function syntheticLeafData(index: number): Buffer {
  const data = Buffer.alloc(8);
  data.writeBigUInt64BE(BigInt(index));
  return data;
}

export interface MemoryTree {
  readonly store: MemoryTileStore;
  readonly reader: TreeReader;
  readonly root: Buffer;
  readonly size: number;
}

/** Builds a tree of `size` synthetic leaves (or `leafHashFor(i)`) in a counting memory store. */
export async function buildMemoryTree(
  size: number,
  options: { batchSize?: number; leafHashFor?: (index: number) => Buffer } = {},
): Promise<MemoryTree> {
  const { batchSize = 4096, leafHashFor = (index: number) => leafHash(syntheticLeafData(index)) } = options;
  const store = createMemoryTileStore();
  let root: Buffer = Buffer.alloc(0);
  for (let start = 0; start < size || start === 0; start += batchSize) {
    const count = Math.min(batchSize, size - start);
    const hashes: Buffer[] = [];
    for (let i = 0; i < count; i++) hashes.push(leafHashFor(start + i));
    const result = await appendLeaves(store, start, hashes);
    store.writeTiles(result.tiles);
    root = result.root;
    if (size === 0) break;
  }
  store.resetStats();
  return { store, reader: createTreeReader(store), root, size };
}
