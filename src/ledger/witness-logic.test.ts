import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendLeaves } from './appender.ts';
import { signCheckpoint } from './checkpoint.ts';
import { createCosignatureVerifier, createCosigner } from './cosignature.ts';
import { leafHash } from './hashing.ts';
import { createTreeReader } from './proofs.ts';
import { createNoteSigner, createNoteVerifier, generateNoteKeys } from './signed-note.ts';
import { syntheticLeafData } from './testing.ts';
import { createMemoryTileStore } from './tiles.ts';
import { type WitnessInput, type WitnessState, witnessCheckpoint } from './witness-logic.ts';

const ORIGIN = 'auditor.example/org-1';

async function setup() {
  const logKeys = generateNoteKeys(ORIGIN);
  const logSigner = createNoteSigner(logKeys.signerKey);
  const cosigner = createCosigner(generateNoteKeys('witness.example/w1').signerKey);
  const store = createMemoryTileStore();
  const reader = createTreeReader(store);
  let size = 0;
  const grow = async (count: number) => {
    const result = await appendLeaves(
      store,
      size,
      Array.from({ length: count }, (_, i) => leafHash(syntheticLeafData(size + i))),
    );
    store.writeTiles(result.tiles);
    size = result.treeSize;
    return signCheckpoint({ origin: ORIGIN, treeSize: size, rootHash: result.root }, [logSigner]);
  };
  const base = (
    previous: WitnessState | undefined,
    signedCheckpoint: string,
    consistencyProof: Buffer[],
  ): WitnessInput => ({
    origin: ORIGIN,
    logVerifier: createNoteVerifier(logKeys.verifierKey),
    cosigner,
    previous,
    signedCheckpoint,
    consistencyProof,
    now: 1_700_000_000,
  });
  return { logSigner, cosigner, reader, grow, base };
}

test('consistent growth is accepted and cosigned', async () => {
  const { cosigner, reader, grow, base } = await setup();
  const first = witnessCheckpoint(base(undefined, await grow(10), []));
  assert.ok(first.ok);
  assert.equal(first.state.treeSize, 10);

  const note = await grow(300);
  const second = witnessCheckpoint(base(first.state, note, await reader.consistencyProof(10, 310)));
  assert.ok(second.ok, second.ok ? '' : second.message);
  assert.equal(second.state.treeSize, 310);
  assert.equal(second.cosignature.timestamp, 1_700_000_000);
  assert.equal(
    createCosignatureVerifier(cosigner.verifierKey).verifyCosignature(
      second.checkpointText,
      second.cosignature.base64,
    ),
    1_700_000_000,
  );

  // Seeing the same checkpoint again is fine (the witness may re-cosign it).
  const again = witnessCheckpoint(base(second.state, note, []));
  assert.ok(again.ok);
});

test('a different root at the same size is refused as a fork', async () => {
  const { logSigner, grow, base } = await setup();
  const first = witnessCheckpoint(base(undefined, await grow(50), []));
  assert.ok(first.ok);
  const forked = signCheckpoint({ origin: ORIGIN, treeSize: 50, rootHash: Buffer.alloc(32, 9) }, [logSigner]);
  const decision = witnessCheckpoint(base(first.state, forked, []));
  assert.equal(decision.ok, false);
  assert.equal(!decision.ok && decision.code, 'FORK');
});

test('a smaller tree is refused as a rollback', async () => {
  const { reader, grow, base } = await setup();
  const early = await grow(20);
  const later = witnessCheckpoint(base(undefined, await grow(30), []));
  assert.ok(later.ok);
  const decision = witnessCheckpoint(base(later.state, early, await reader.consistencyProof(20, 50)));
  assert.equal(!decision.ok && decision.code, 'ROLLBACK');
});

test('growth whose proof does not connect the roots is refused as inconsistent', async () => {
  const { logSigner, reader, grow, base } = await setup();
  const first = witnessCheckpoint(base(undefined, await grow(100), []));
  assert.ok(first.ok);
  const note = await grow(57);
  const proof = await reader.consistencyProof(100, 157);
  const tampered = proof.map((hash, i) => {
    const copy = Buffer.from(hash);
    if (i === 0) copy[0] = copy[0]! ^ 0x80;
    return copy;
  });
  const bad = witnessCheckpoint(base(first.state, note, tampered));
  assert.equal(!bad.ok && bad.code, 'INCONSISTENT');
  const missing = witnessCheckpoint(base(first.state, note, []));
  assert.equal(!missing.ok && missing.code, 'INCONSISTENT');
  // A rewritten history that the log signs anyway: right size, root not an extension of the old one.
  const rewritten = signCheckpoint({ origin: ORIGIN, treeSize: 157, rootHash: Buffer.alloc(32, 1) }, [
    logSigner,
  ]);
  const decision = witnessCheckpoint(base(first.state, rewritten, proof));
  assert.equal(!decision.ok && decision.code, 'INCONSISTENT');
  // The honest proof still works.
  assert.ok(witnessCheckpoint(base(first.state, note, proof)).ok);
});

test('a checkpoint not signed by the log key is refused with BAD_SIGNATURE', async () => {
  const { grow, base } = await setup();
  const first = witnessCheckpoint(base(undefined, await grow(5), []));
  assert.ok(first.ok);
  const impostor = createNoteSigner(generateNoteKeys(ORIGIN).signerKey);
  const forged = signCheckpoint({ origin: ORIGIN, treeSize: 5, rootHash: Buffer.alloc(32, 2) }, [impostor]);
  const decision = witnessCheckpoint(base(first.state, forged, []));
  assert.equal(!decision.ok && decision.code, 'BAD_SIGNATURE');
  // An edited note whose signature no longer matches.
  const genuine = await grow(5);
  const edited = genuine.replace('\n10\n', '\n11\n');
  assert.notEqual(edited, genuine);
  const editedDecision = witnessCheckpoint(base(first.state, edited, []));
  assert.equal(!editedDecision.ok && editedDecision.code, 'BAD_SIGNATURE');
  const garbage = witnessCheckpoint(base(first.state, 'not a note', []));
  assert.equal(!garbage.ok && garbage.code, 'MALFORMED');
});

test('a checkpoint of another log is refused', async () => {
  const { grow, base } = await setup();
  const decision = witnessCheckpoint({
    ...base(undefined, await grow(3), []),
    origin: 'auditor.example/org-2',
  });
  assert.equal(!decision.ok && decision.code, 'WRONG_ORIGIN');
});
