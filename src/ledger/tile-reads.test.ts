/**
 * Proofs read O(log n) tiles: counted in the memory store over a 2^20-leaf tree.
 *
 * Bound (derived in proofs.ts): with T(n) = ⌊log2(n)/8⌋ + 1 tile levels, an inclusion or
 * consistency proof reads at most 2·T(n) tiles — the tile holding the path at each tile level and
 * the right-edge tile at each tile level — and a root at most T(n). We also assert the bound in
 * the form c·log2(n) with c = 1/2: 2·(log2(n)/8 + 1) ≤ log2(n)/2 whenever log2(n) ≥ 8/1.5 ≈ 5.3,
 * so it holds for every size checked here (≥ 2^12), and at 2^20 it allows 10 reads where at most
 * 6 happen. Any proof code that walked the tree (O(n)) or read per node (O(log2 n) reads, ~20 here)
 * instead of per tile would fail these bounds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leafHash } from './hashing.ts';
import { createCompactRange } from './log-audit.ts';
import { verifyConsistency, verifyInclusion } from './proof-verification.ts';
import { buildMemoryTree, randomInt, seededRandom, syntheticLeafData } from './testing.ts';

const N = 2 ** 20;
const C = 1 / 2;
const tileLevels = (n: number) => Math.floor(Math.log2(n) / 8) + 1;

test('proofs over a 2^20-leaf tree read at most 2 tiles per tile level (≤ ½·log2 n) and verify', async () => {
  const leafHashes = Array.from({ length: N }, (_, i) => leafHash(syntheticLeafData(i)));
  const { store, reader, root } = await buildMemoryTree(N, {
    batchSize: 8192,
    leafHashFor: (i) => leafHashes[i]!,
  });
  const random = seededRandom(2 ** 20);

  const sizes = [N, N - 1, 2 ** 16, 2 ** 16 + 1, 2 ** 16 - 1, 4096, 4097, 65_793, 999_999];
  for (let i = 0; i < 12; i++) sizes.push(randomInt(random, 4096, N));
  sizes.sort((a, b) => a - b);

  // Independent roots: one streaming pass with a compact range over the same synthetic leaves.
  const expectedRoots = new Map<number, Buffer>();
  const range = createCompactRange();
  let next = 0;
  for (let i = 0; i < N && next < sizes.length; i++) {
    range.append(leafHashes[i]!);
    while (next < sizes.length && sizes[next] === range.count)
      expectedRoots.set(sizes[next++]!, range.root());
  }
  assert.deepEqual(expectedRoots.get(N), root);

  let maxInclusionReads = 0;
  let maxConsistencyReads = 0;
  for (const size of sizes) {
    const bound = 2 * tileLevels(size);
    assert.ok(bound <= C * Math.log2(size), `structural bound ${bound} within c·log2(${size})`);

    store.resetStats();
    const sizeRoot = await reader.rootAt(size);
    assert.ok(
      store.stats.tilesRead <= tileLevels(size),
      `rootAt(${size}) read ${store.stats.tilesRead} tiles`,
    );
    assert.deepEqual(sizeRoot, expectedRoots.get(size), `root of ${size}`);

    for (const index of [0, size - 1, Math.floor(size / 2), randomInt(random, 0, size - 1)]) {
      store.resetStats();
      const proof = await reader.inclusionProof(index, size);
      assert.equal(store.stats.readCalls, 1);
      assert.ok(
        store.stats.tilesRead <= bound,
        `inclusion ${index} in ${size} read ${store.stats.tilesRead} > ${bound} tiles`,
      );
      maxInclusionReads = Math.max(maxInclusionReads, store.stats.tilesRead);
      verifyInclusion({ index, treeSize: size, leafHash: leafHashes[index]!, proof, root: sizeRoot });
    }
    for (const size1 of [1, size - 1, Math.floor(size / 3), randomInt(random, 1, size)]) {
      if (size1 < 1) continue;
      store.resetStats();
      const proof = await reader.consistencyProof(size1, size);
      assert.equal(store.stats.readCalls, 1);
      assert.ok(
        store.stats.tilesRead <= bound,
        `consistency ${size1} → ${size} read ${store.stats.tilesRead} > ${bound} tiles`,
      );
      maxConsistencyReads = Math.max(maxConsistencyReads, store.stats.tilesRead);
      if (expectedRoots.has(size1)) {
        verifyConsistency({ size1, size2: size, root1: expectedRoots.get(size1)!, root2: sizeRoot, proof });
      }
    }
  }
  // The tree really spans three tile levels, so the bounds above were not trivially met.
  assert.ok(store.getTile(2, 0) !== undefined);
  assert.ok(maxInclusionReads >= 3 && maxConsistencyReads >= 3);

  // Consistency proofs between the sizes whose roots we know, all verified.
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [size1, size2] = [sizes[i]!, sizes[i + 1]!];
    if (size1 === size2) continue;
    const proof = await reader.consistencyProof(size1, size2);
    verifyConsistency({
      size1,
      size2,
      root1: expectedRoots.get(size1)!,
      root2: expectedRoots.get(size2)!,
      proof,
    });
  }
});
