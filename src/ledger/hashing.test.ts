import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  EMPTY_ROOT,
  emptyRoot,
  fromBinaryHash,
  leafHash,
  leafHashBinary,
  nodeHash,
  nodeHashBinary,
  toBinaryHash,
} from './hashing.ts';

const sha = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();

test('leaf and node hashes carry the RFC 9162 domain-separation prefixes', () => {
  for (const size of [0, 1, 31, 4095, 4096, 4097, 100_000, 3]) {
    const data = Buffer.alloc(size, size % 251);
    assert.deepEqual(leafHash(data), sha(Uint8Array.of(0), data), `leaf of ${size} bytes`);
    assert.deepEqual(
      fromBinaryHash(leafHashBinary(data)),
      sha(Uint8Array.of(0), data),
      `binary leaf of ${size} bytes`,
    );
  }
  const l = sha(Buffer.from('l'));
  const r = sha(Buffer.from('r'));
  assert.deepEqual(nodeHash(l, r), sha(Uint8Array.of(1), l, r));
  assert.deepEqual(
    fromBinaryHash(nodeHashBinary(toBinaryHash(l), toBinaryHash(r))),
    sha(Uint8Array.of(1), l, r),
  );
  assert.notDeepEqual(nodeHash(l, r), nodeHash(r, l));
  assert.throws(() => nodeHash(l, r.subarray(1)), RangeError);
});

test('the empty tree root is SHA-256 of nothing and cannot be corrupted through a copy', () => {
  assert.equal(
    EMPTY_ROOT.toString('hex'),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  const copy = emptyRoot();
  copy.fill(0);
  assert.equal(
    EMPTY_ROOT.toString('hex'),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
});
