/**
 * Proofs from tiles against a naive, recursive RFC 9162 implementation written here from the
 * RFC's definitions (with its own SHA-256 calls), on random trees built in random batches.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { appendLeaves } from './appender.ts';
import { verifyConsistency, verifyInclusion } from './proof-verification.ts';
import { createTreeReader } from './proofs.ts';
import { randomInt, seededRandom } from './testing.ts';
import { createMemoryTileStore } from './tiles.ts';

// --- naive RFC 9162 §2.1, straight from the definitions ---------------------------------------
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};
const naiveLeaf = (data: Uint8Array) => sha256(Uint8Array.of(0), data);
const naiveNode = (l: Buffer, r: Buffer) => sha256(Uint8Array.of(1), l, r);
const largestPowerBelow = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha256();
  if (d.length === 1) return d[0]!;
  const k = largestPowerBelow(d.length);
  return naiveNode(mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = largestPowerBelow(d.length);
  return m < k
    ? [...path(m, d.slice(0, k)), mth(d.slice(k))]
    : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}
function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = largestPowerBelow(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}
// ------------------------------------------------------------------------------------------------

function randomLeaves(random: () => number, count: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const data = Buffer.alloc(randomInt(random, 0, 40));
    for (let i = 0; i < data.length; i++) data[i] = randomInt(random, 0, 255);
    return naiveLeaf(data);
  });
}

/**
 * Builds a tree in random batch sizes, checking intermediate roots against the naive MTH (each
 * one while the tree is small, then only the final one: the naive MTH is O(n) per call).
 */
async function buildRandomTree(random: () => number, leaves: Buffer[], maxBatch: number) {
  const store = createMemoryTileStore();
  let size = 0;
  while (size < leaves.length) {
    const batch = leaves.slice(size, size + randomInt(random, 1, maxBatch));
    const result = await appendLeaves(store, size, batch);
    store.writeTiles(result.tiles);
    assert.equal(result.firstIndex, size);
    size += batch.length;
    assert.equal(result.treeSize, size);
    if (size <= 5000 || size === leaves.length) {
      assert.deepEqual(result.root, mth(leaves.slice(0, size)), `root after appending up to ${size}`);
    }
  }
  return createTreeReader(store);
}

test('the naive implementation reproduces the README roots, so it can serve as a reference', () => {
  const leaves = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ].map((hex) => naiveLeaf(Buffer.from(hex, 'hex')));
  assert.equal(
    mth(leaves).toString('hex'),
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  );
  assert.equal(
    mth(leaves.slice(0, 5)).toString('hex'),
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  );
});

test('every proof of every small tree equals the naive one and verifies', async () => {
  const random = seededRandom(1);
  const leaves = randomLeaves(random, 70);
  const reader = await buildRandomTree(random, leaves, 9);
  for (let size = 1; size <= leaves.length; size++) {
    const prefix = leaves.slice(0, size);
    const root = mth(prefix);
    assert.deepEqual(await reader.rootAt(size), root);
    for (let index = 0; index < size; index++) {
      const proof = await reader.inclusionProof(index, size);
      assert.deepEqual(proof, path(index, prefix), `inclusion ${index} in ${size}`);
      verifyInclusion({ index, treeSize: size, leafHash: leaves[index]!, proof, root });
    }
    for (let size1 = 1; size1 <= size; size1++) {
      const proof = await reader.consistencyProof(size1, size);
      assert.deepEqual(proof, subproof(size1, prefix, true), `consistency ${size1} → ${size}`);
      verifyConsistency({ size1, size2: size, root1: mth(leaves.slice(0, size1)), root2: root, proof });
    }
  }
});

test('random proofs over random trees of assorted sizes equal the naive ones', async () => {
  const random = seededRandom(20240607);
  for (const treeSize of [255, 256, 257, 511, 513, 1000, 4097, 65_537 + 300]) {
    const leaves = randomLeaves(random, treeSize);
    const reader = await buildRandomTree(random, leaves, treeSize > 10_000 ? 5000 : 300);
    // Historical sizes too: the tiles hold the latest tree, proofs may be for any earlier size.
    const historical = treeSize > 10_000 ? 1 : 4;
    const sizes = [
      treeSize,
      1,
      2,
      ...Array.from({ length: historical }, () => randomInt(random, 1, treeSize)),
    ];
    for (const size of sizes) {
      const prefix = leaves.slice(0, size);
      const root = mth(prefix);
      assert.deepEqual(await reader.rootAt(size), root, `root of ${size}`);
      for (const index of [0, size - 1, randomInt(random, 0, size - 1)]) {
        assert.deepEqual(
          await reader.inclusionProof(index, size),
          path(index, prefix),
          `inclusion ${index} in ${size}`,
        );
      }
      for (const size1 of [1, size, randomInt(random, 1, size)]) {
        const proof = await reader.consistencyProof(size1, size);
        assert.deepEqual(proof, subproof(size1, prefix, true), `consistency ${size1} → ${size}`);
        verifyConsistency({ size1, size2: size, root1: mth(leaves.slice(0, size1)), root2: root, proof });
      }
    }
  }
});

test('proof generation refuses indexes and sizes outside the tree', async () => {
  const random = seededRandom(3);
  const reader = await buildRandomTree(random, randomLeaves(random, 10), 4);
  await assert.rejects(reader.inclusionProof(10, 10), { code: 'LEDGER_INVALID_ARGUMENT' });
  await assert.rejects(reader.inclusionProof(-1, 10), { code: 'LEDGER_INVALID_ARGUMENT' });
  await assert.rejects(reader.inclusionProof(0.5, 10), { code: 'LEDGER_INVALID_ARGUMENT' });
  await assert.rejects(reader.consistencyProof(0, 5), { code: 'LEDGER_INVALID_ARGUMENT' });
  await assert.rejects(reader.consistencyProof(6, 5), { code: 'LEDGER_INVALID_ARGUMENT' });
  // Beyond the stored tree the tiles are missing, and we say so instead of inventing hashes.
  await assert.rejects(reader.inclusionProof(3, 11), { code: 'LEDGER_TILE_MISSING' });
  await assert.rejects(reader.rootAt(11), { code: 'LEDGER_TILE_MISSING' });
  assert.deepEqual(await reader.rootAt(0), sha256());
});

function flipBit(hash: Buffer, bit: number): Buffer {
  const copy = Buffer.from(hash);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

test('corrupting an inclusion proof in any way makes verification fail', async () => {
  const random = seededRandom(77);
  const leaves = randomLeaves(random, 300);
  const reader = await buildRandomTree(random, leaves, 50);
  const roots = [Buffer.alloc(0), ...leaves.map((_, i) => mth(leaves.slice(0, i + 1)))];
  const cases = [
    [0, 1],
    [0, 300],
    [299, 300],
    [255, 256],
    [128, 257],
    [5, 8],
    [6, 7],
  ].concat(
    Array.from({ length: 20 }, () => {
      const size = randomInt(random, 2, 300);
      return [randomInt(random, 0, size - 1), size];
    }),
  ) as Array<[number, number]>;
  for (const [index, size] of cases) {
    const proof = await reader.inclusionProof(index, size);
    const good = { index, treeSize: size, leafHash: leaves[index]!, proof, root: roots[size]! };
    verifyInclusion(good);
    const refuse = (change: Partial<typeof good>, why: string) =>
      assert.throws(
        () => verifyInclusion({ ...good, ...change }),
        { code: 'LEDGER_PROOF_INVALID' },
        `${why} (${index}, ${size})`,
      );

    for (let node = 0; node < proof.length; node++) {
      for (let bit = 0; bit < 256; bit++) {
        refuse(
          { proof: proof.map((h, i) => (i === node ? flipBit(h, bit) : h)) },
          `bit ${bit} of node ${node}`,
        );
      }
      refuse({ proof: proof.filter((_, i) => i !== node) }, `missing node ${node}`);
      refuse(
        { proof: [...proof.slice(0, node), proof[node]!, ...proof.slice(node)] },
        `duplicated node ${node}`,
      );
    }
    refuse({ proof: [...proof, roots[size]!] }, 'extra node at the end');
    refuse({ proof: [leaves[index]!, ...proof] }, 'extra node at the start');
    if (proof.length > 0) refuse({ proof: proof.map((h) => h.subarray(0, 31)) }, 'short hashes');
    for (let bit = 0; bit < 256; bit += 7)
      refuse({ leafHash: flipBit(leaves[index]!, bit) }, `bit ${bit} of the leaf hash`);
    refuse({ root: flipBit(roots[size]!, 100) }, 'another root');
    for (let other = 0; other < size; other++) {
      if (other !== index) refuse({ index: other }, `index ${other} instead`);
    }
    refuse({ index: size }, 'index at the size');
    // A wrong size is caught against that size's root: the signed checkpoint binds size and root.
    for (const other of [size - 1, size + 1, size * 2, Math.floor(size / 2)]) {
      if (other >= 1 && other <= 300 && other !== size)
        refuse({ treeSize: other, root: roots[other]! }, `size ${other} instead`);
    }
  }
});

test('corrupting a consistency proof in any way makes verification fail', async () => {
  const random = seededRandom(78);
  const leaves = randomLeaves(random, 300);
  const reader = await buildRandomTree(random, leaves, 50);
  const roots = [Buffer.alloc(0), ...leaves.map((_, i) => mth(leaves.slice(0, i + 1)))];
  const cases = [
    [1, 2],
    [1, 300],
    [299, 300],
    [256, 257],
    [255, 256],
    [6, 8],
    [2, 5],
    [7, 300],
  ].concat(
    Array.from({ length: 20 }, () => {
      const size2 = randomInt(random, 3, 300);
      return [randomInt(random, 1, size2 - 1), size2];
    }),
  ) as Array<[number, number]>;
  for (const [size1, size2] of cases) {
    const proof = await reader.consistencyProof(size1, size2);
    const good = { size1, size2, root1: roots[size1]!, root2: roots[size2]!, proof };
    verifyConsistency(good);
    const refuse = (change: Partial<typeof good>, why: string) =>
      assert.throws(
        () => verifyConsistency({ ...good, ...change }),
        { code: 'LEDGER_PROOF_INVALID' },
        `${why} (${size1} → ${size2})`,
      );

    for (let node = 0; node < proof.length; node++) {
      for (let bit = 0; bit < 256; bit++) {
        refuse(
          { proof: proof.map((h, i) => (i === node ? flipBit(h, bit) : h)) },
          `bit ${bit} of node ${node}`,
        );
      }
      refuse({ proof: proof.filter((_, i) => i !== node) }, `missing node ${node}`);
      refuse(
        { proof: [...proof.slice(0, node), proof[node]!, ...proof.slice(node)] },
        `duplicated node ${node}`,
      );
    }
    refuse({ proof: [...proof, roots[size2]!] }, 'extra node at the end');
    refuse({ proof: [roots[size1]!, ...proof] }, 'extra node at the start');
    refuse({ root1: flipBit(roots[size1]!, 3) }, 'another first root');
    refuse({ root2: flipBit(roots[size2]!, 3) }, 'another second root');
    refuse({ root1: roots[size2]!, root2: roots[size1]! }, 'swapped roots');
    for (const other of [size1 - 1, size1 + 1, size1 * 2]) {
      if (other >= 1 && other < size2 && other !== size1)
        refuse({ size1: other, root1: roots[other]! }, `first size ${other}`);
    }
    for (const other of [size2 - 1, size2 + 1, size2 * 2]) {
      if (other > size1 && other <= 300 && other !== size2)
        refuse({ size2: other, root2: roots[other]! }, `second size ${other}`);
    }
    refuse(
      { size1: size2, size2: size1, root1: roots[size2]!, root2: roots[size1]! },
      'sizes the wrong way round',
    );
    refuse({ size1: 0, root1: roots[size1]! }, 'first size zero');
  }
});
