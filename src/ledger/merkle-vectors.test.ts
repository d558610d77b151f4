/**
 * The reference vectors of shared/test-vectors/merkle (transparency-dev/merkle testdata) and the
 * eight-leaf RFC 6962 test tree of its README.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { appendLeaves } from './appender.ts';
import { leafHash } from './hashing.ts';
import {
  isValidConsistency,
  isValidInclusion,
  verifyConsistency,
  verifyInclusion,
} from './proof-verification.ts';
import { createTreeReader } from './proofs.ts';
import { createMemoryTileStore } from './tiles.ts';

// The shared folder beside the checkout, else the workplace's copy (a clean clone elsewhere, as CI makes).
const VECTORS =
  [
    process.env.MERKLE_VECTORS_PATH,
    fileURLToPath(new URL('../../../shared/test-vectors/merkle/', import.meta.url)),
    '/work/shared/test-vectors/merkle/',
  ].find((p): p is string => Boolean(p) && existsSync(p!)) ?? '/work/shared/test-vectors/merkle/';

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
    })
    .sort();
}

function load<T>(kind: 'inclusion' | 'consistency'): Array<{ file: string; vector: T }> {
  return jsonFiles(join(VECTORS, kind)).map((file) => ({
    file: file.slice(VECTORS.length),
    vector: JSON.parse(readFileSync(file, 'utf8')) as T,
  }));
}

const inclusionVectors = load<InclusionVector>('inclusion');
const consistencyVectors = load<ConsistencyVector>('consistency');

const EIGHT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => Buffer.from(hex, 'hex'));
const EIGHT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

test('the vector folders hold a good number of accepting and refusing cases', () => {
  // Guards against a wrong path silently turning the vector tests into no-ops.
  assert.ok(inclusionVectors.length >= 90, `found ${inclusionVectors.length} inclusion vectors`);
  assert.ok(consistencyVectors.length >= 90, `found ${consistencyVectors.length} consistency vectors`);
  for (const vectors of [inclusionVectors, consistencyVectors]) {
    assert.ok(vectors.some(({ vector }) => (vector as { wantErr: boolean }).wantErr));
    assert.ok(vectors.some(({ vector }) => !(vector as { wantErr: boolean }).wantErr));
  }
});

test('every inclusion vector is accepted or refused as it expects', () => {
  for (const { file, vector } of inclusionVectors) {
    const input = {
      index: vector.leafIdx,
      treeSize: vector.treeSize,
      leafHash: vector.leafHash,
      proof: vector.proof,
      root: vector.root,
    };
    if (vector.wantErr) {
      assert.throws(
        () => verifyInclusion(input),
        { name: 'LedgerError', code: 'LEDGER_PROOF_INVALID' },
        `${file}: ${vector.desc}`,
      );
    } else {
      assert.doesNotThrow(() => verifyInclusion(input), `${file}: ${vector.desc}`);
    }
    assert.equal(isValidInclusion(input), !vector.wantErr, file);
  }
});

test('every consistency vector is accepted or refused as it expects', () => {
  for (const { file, vector } of consistencyVectors) {
    const input = {
      size1: vector.size1,
      size2: vector.size2,
      root1: vector.root1,
      root2: vector.root2,
      proof: vector.proof,
    };
    if (vector.wantErr) {
      assert.throws(
        () => verifyConsistency(input),
        { name: 'LedgerError', code: 'LEDGER_PROOF_INVALID' },
        `${file}: ${vector.desc}`,
      );
    } else {
      assert.doesNotThrow(() => verifyConsistency(input), `${file}: ${vector.desc}`);
    }
    assert.equal(isValidConsistency(input), !vector.wantErr, file);
  }
});

test('verification accepts proofs as bytes as well as base64', () => {
  for (const { vector } of inclusionVectors.filter(({ vector }) => !vector.wantErr)) {
    const b = (s: string) => Buffer.from(s, 'base64');
    verifyInclusion({
      index: vector.leafIdx,
      treeSize: vector.treeSize,
      leafHash: b(vector.leafHash),
      proof: (vector.proof ?? []).map(b),
      root: new Uint8Array(b(vector.root)),
    });
  }
});

async function eightLeafTree() {
  const store = createMemoryTileStore();
  const roots: string[] = [];
  for (const [i, data] of EIGHT_LEAVES.entries()) {
    const result = await appendLeaves(store, i, [leafHash(data)]);
    store.writeTiles(result.tiles);
    roots.push(result.root.toString('hex'));
  }
  return { store, roots, reader: createTreeReader(store) };
}

test('the eight-leaf test tree reproduces the roots of sizes one to eight', async () => {
  const { roots, reader } = await eightLeafTree();
  assert.deepEqual(roots, EIGHT_ROOTS);
  for (let size = 1; size <= 8; size++) {
    assert.equal((await reader.rootAt(size)).toString('hex'), EIGHT_ROOTS[size - 1], `rootAt(${size})`);
  }
});

test('proofs generated from our tiles equal the base-case proofs of the vectors', async () => {
  const { reader } = await eightLeafTree();
  const b64 = (proof: Buffer[]) => proof.map((hash) => hash.toString('base64'));
  const inclusionBases = inclusionVectors.filter(({ file }) =>
    /^inclusion\/\d\/happy-path\.json$/.test(file),
  );
  const consistencyBases = consistencyVectors.filter(({ file }) =>
    /^consistency\/\d\/happy-path\.json$/.test(file),
  );
  assert.equal(inclusionBases.length, 5);
  assert.equal(consistencyBases.length, 5);
  for (const { file, vector } of inclusionBases) {
    const proof = await reader.inclusionProof(vector.leafIdx, vector.treeSize);
    assert.deepEqual(b64(proof), vector.proof ?? [], file);
    assert.equal((await reader.leafHashAt(vector.leafIdx)).toString('base64'), vector.leafHash, file);
    assert.equal((await reader.rootAt(vector.treeSize)).toString('base64'), vector.root, file);
  }
  for (const { file, vector } of consistencyBases) {
    const proof = await reader.consistencyProof(vector.size1, vector.size2);
    assert.deepEqual(b64(proof), vector.proof ?? [], file);
  }
});

test('every proof of the eight-leaf tree verifies against the published roots', async () => {
  const { reader } = await eightLeafTree();
  const root = (size: number) => Buffer.from(EIGHT_ROOTS[size - 1]!, 'hex');
  for (let size = 1; size <= 8; size++) {
    for (let index = 0; index < size; index++) {
      const proof = await reader.inclusionProof(index, size);
      verifyInclusion({
        index,
        treeSize: size,
        leafHash: leafHash(EIGHT_LEAVES[index]!),
        proof,
        root: root(size),
      });
    }
    for (let size1 = 1; size1 <= size; size1++) {
      const proof = await reader.consistencyProof(size1, size);
      verifyConsistency({ size1, size2: size, root1: root(size1), root2: root(size), proof });
    }
  }
});
