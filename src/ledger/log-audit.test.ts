import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { canonicalize } from './canonical-json.ts';
import { leafHash } from './hashing.ts';
import { type AuditCheckpoint, type AuditLeaf, auditLog, createCompactRange } from './log-audit.ts';
import { buildMemoryTree, randomInt, seededRandom } from './testing.ts';

/** A small log of canonical-JSON leaves with checkpoints at assorted sizes (roots from tiles). */
async function fixture(size: number, checkpointSizes: number[]) {
  const data = Array.from({ length: size }, (_, i) =>
    Buffer.from(canonicalize({ kind: 'box_event', data: { event_id: `e${i}`, n: i } })),
  );
  const hashes = data.map((bytes) => leafHash(bytes));
  const { reader } = await buildMemoryTree(size, { batchSize: 97, leafHashFor: (i) => hashes[i]! });
  const checkpoints: AuditCheckpoint[] = [];
  for (const treeSize of checkpointSizes)
    checkpoints.push({ id: `cp-${treeSize}`, treeSize, rootHash: await reader.rootAt(treeSize) });
  const leaves: AuditLeaf[] = data.map((bytes, i) => ({ index: i, data: bytes, hash: hashes[i]! }));
  return { data, hashes, leaves, checkpoints };
}

async function* pages(leaves: AuditLeaf[], pageSize: number) {
  for (let i = 0; i < leaves.length; i += pageSize) yield leaves.slice(i, i + pageSize);
}

test('an untouched log passes the audit against every checkpoint', async () => {
  const { leaves, checkpoints } = await fixture(1000, [0, 1, 2, 255, 256, 257, 999, 1000, 1000]);
  for (const source of [pages(leaves, 64), leaves]) {
    const report = await auditLog(source, checkpoints);
    assert.equal(report.ok, true);
    assert.equal(report.leafCount, 1000);
    assert.equal(report.checkpointsChecked, checkpoints.length);
    assert.deepEqual(report.rootMismatches, []);
  }
  // Hashes alone (no bytes) are enough to check the tree.
  const report = await auditLog(
    pages(
      leaves.map(({ hash }) => ({ hash })),
      100,
    ),
    checkpoints,
  );
  assert.equal(report.ok, true);
});

test('an edited leaf shows as a leaf-hash mismatch and as a root mismatch from its index on', async () => {
  const { leaves, checkpoints } = await fixture(600, [100, 300, 301, 500, 600]);
  const edited = leaves.map((leaf, i) =>
    i === 300 ? { ...leaf, data: Buffer.from(String(leaf.data).replace('"n":300', '"n":301')) } : leaf,
  );
  const report = await auditLog(pages(edited, 50), checkpoints);
  assert.equal(report.ok, false);
  assert.equal(report.leafHashMismatchCount, 1);
  assert.equal(report.leafHashMismatches[0]!.index, 300);
  assert.deepEqual(report.leafHashMismatches[0]!.stored, leaves[300]!.hash);
  assert.deepEqual(
    report.rootMismatches.map((m) => m.checkpoint.id),
    ['cp-301', 'cp-500', 'cp-600'],
  );
  const first = report.rootMismatches[0]!;
  assert.deepEqual(first.expected, checkpoints[2]!.rootHash);
  assert.notDeepEqual(first.computed, first.expected);
});

test('an edit to both the bytes and the stored hash is still caught by the checkpoints', async () => {
  const { leaves, checkpoints } = await fixture(300, [150, 300]);
  const forged = Buffer.from('{"data":{},"kind":"audit_action"}');
  const edited = leaves.map((leaf, i) =>
    i === 200 ? { index: i, data: forged, hash: leafHash(forged) } : leaf,
  );
  const report = await auditLog(edited, checkpoints);
  assert.equal(report.leafHashMismatchCount, 0);
  assert.deepEqual(
    report.rootMismatches.map((m) => m.checkpoint.id),
    ['cp-300'],
  );
});

test('a checkpoint with a wrong root is named with both roots', async () => {
  const { leaves, checkpoints } = await fixture(100, [10, 50, 100]);
  const wrong = checkpoints.map((cp) =>
    cp.treeSize === 50 ? { ...cp, rootHash: Buffer.alloc(32).toString('base64') } : cp,
  );
  const report = await auditLog(leaves, wrong);
  assert.equal(report.rootMismatches.length, 1);
  assert.equal(report.rootMismatches[0]!.checkpoint.id, 'cp-50');
  assert.deepEqual(report.rootMismatches[0]!.expected, Buffer.alloc(32));
});

test('deleted leaves show as index gaps and unreached checkpoints', async () => {
  const { leaves, checkpoints } = await fixture(200, [50, 199, 200]);
  const withGap = leaves.filter((_, i) => i !== 120);
  const report = await auditLog(withGap, checkpoints);
  assert.equal(report.ok, false);
  assert.equal(report.indexMismatchCount, 79);
  assert.deepEqual(report.indexMismatches[0], { position: 120, storedIndex: 121 });
  assert.deepEqual(
    report.unreachedCheckpoints.map((cp) => cp.id),
    ['cp-200'],
  );
  assert.deepEqual(
    report.rootMismatches.map((m) => m.checkpoint.id),
    ['cp-199'],
  );
  const capped = await auditLog(withGap, checkpoints, { maxReported: 5 });
  assert.equal(capped.indexMismatches.length, 5);
  assert.equal(capped.indexMismatchCount, 79);
});

test('leaves without bytes or a usable hash are refused', async () => {
  await assert.rejects(auditLog([{}], []), { code: 'LEDGER_INVALID_ARGUMENT' });
  await assert.rejects(auditLog([{ hash: Buffer.alloc(31) }], []), { code: 'LEDGER_INVALID_ARGUMENT' });
});

test('the compact range gives the naive RFC 9162 root at every size', () => {
  const random = seededRandom(5);
  const sha = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
  const mth = (d: Buffer[]): Buffer => {
    if (d.length === 0) return sha();
    if (d.length === 1) return d[0]!;
    const k = 2 ** Math.ceil(Math.log2(d.length) - 1);
    return sha(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
  };
  const leaves = Array.from({ length: 300 }, () =>
    sha(Uint8Array.of(0), Buffer.from([randomInt(random, 0, 255)])),
  );
  const range = createCompactRange();
  assert.deepEqual(range.root(), mth([]));
  for (const [i, leaf] of leaves.entries()) {
    range.append(leaf);
    assert.equal(range.count, i + 1);
    assert.deepEqual(range.root(), mth(leaves.slice(0, i + 1)), `size ${i + 1}`);
  }
});
