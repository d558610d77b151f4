import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signCheckpoint } from './checkpoint.ts';
import {
  cosignatureMessage,
  cosignatureTimestamp,
  createCosignatureVerifier,
  createCosigner,
  findCosignatures,
} from './cosignature.ts';
import {
  addNoteSignatureLines,
  computeKeyId,
  createNoteSigner,
  createNoteVerifier,
  generateNoteKeys,
  openNote,
  parseNote,
  parseVerifierKey,
} from './signed-note.ts';

const BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

test('the signed message is the one c2sp.org/tlog-cosignature shows', () => {
  assert.equal(
    cosignatureMessage(BODY, 1679315147).toString('utf8'),
    'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
  );
});

test('the key id of a cosigner uses signature type 0x04', () => {
  const keys = generateNoteKeys('witness.example/w1');
  const cosigner = createCosigner(keys.signerKey);
  const plain = parseVerifierKey(keys.verifierKey);
  assert.equal(cosigner.keyId, computeKeyId('witness.example/w1', 0x04, plain.publicKey));
  assert.notEqual(cosigner.keyId, plain.keyId);
  const published = parseVerifierKey(cosigner.verifierKey, [0x04]);
  assert.equal(published.type, 0x04);
  assert.equal(published.keyId, cosigner.keyId);
  // A verifier key of type 0x04 published by a real witness (transparency-dev/formats tests) parses.
  const remora = parseVerifierKey(
    'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
    [0x04],
  );
  assert.equal(remora.keyId, 0xda77ade7);
});

test('the timestamp of a published cosignature is read from its 8 big-endian bytes', () => {
  // From transparency-dev/formats note/note_cosigv1_test.go: 1727964367 = 2024-10-03T14:06:07Z.
  assert.equal(
    cosignatureTimestamp(
      'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==',
    ),
    1727964367,
  );
  assert.throws(
    () =>
      cosignatureTimestamp(
        'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=',
      ),
    {
      code: 'LEDGER_NOTE_MALFORMED',
    },
  );
});

test('a cosignature verifies for its checkpoint and time, and for nothing else', () => {
  const keys = generateNoteKeys('witness.example/w1');
  const cosigner = createCosigner(keys.signerKey);
  const cosignature = cosigner.cosign(BODY, 1700000000);
  assert.equal(cosignatureTimestamp(cosignature.base64), 1700000000);
  assert.equal(Buffer.from(cosignature.base64, 'base64').length, 76);
  assert.equal(cosignature.line, `\u2014 witness.example/w1 ${cosignature.base64}\n`);

  for (const key of [cosigner.verifierKey, keys.verifierKey]) {
    const verifier = createCosignatureVerifier(key);
    assert.equal(verifier.verifyCosignature(BODY, cosignature.base64), 1700000000);
    assert.equal(
      verifier.verifyCosignature(BODY.replace('20852163', '20852164'), cosignature.base64),
      undefined,
    );
    // Changing the carried time breaks the signature: the time is signed.
    const blob = Buffer.from(cosignature.base64, 'base64');
    blob.writeBigUInt64BE(1700000001n, 4);
    assert.equal(verifier.verifyCosignature(BODY, blob.toString('base64')), undefined);
  }
  const stranger = createCosignatureVerifier(
    createCosigner(generateNoteKeys('witness.example/w1').signerKey).verifierKey,
  );
  assert.equal(stranger.verifyCosignature(BODY, cosignature.base64), undefined);
  assert.throws(() => cosigner.cosign(BODY, -1), { code: 'LEDGER_INVALID_ARGUMENT' });
});

test('a cosigned checkpoint opens with both the log key and the witness key', () => {
  const log = generateNoteKeys('auditor.example/org-1');
  const witnessKeys = generateNoteKeys('witness.example/w1');
  const witness = createCosigner(witnessKeys.signerKey);
  const note = signCheckpoint(
    { origin: 'auditor.example/org-1', treeSize: 5, rootHash: Buffer.alloc(32, 5) },
    [createNoteSigner(log.signerKey)],
  );
  const cosignature = witness.cosign(parseNote(note).text, 1700000123);
  const cosigned = addNoteSignatureLines(note, [cosignature.line]);
  const witnessVerifier = createCosignatureVerifier(witness.verifierKey);

  const opened = openNote(cosigned, [createNoteVerifier(log.verifierKey), witnessVerifier]);
  assert.deepEqual(
    opened.verified.map((s) => s.name),
    ['auditor.example/org-1', 'witness.example/w1'],
  );
  assert.deepEqual(findCosignatures(cosigned, witnessVerifier), [
    { keyId: witness.keyId.toString(16).padStart(8, '0'), timestamp: 1700000123 },
  ]);
  // The witness's plain (type 0x01) key does not take a cosignature for a note signature: the key
  // ids differ, so the line is an unknown signature.
  assert.throws(() => openNote(cosigned, [createNoteVerifier(witnessKeys.verifierKey)]), {
    code: 'LEDGER_NOTE_UNVERIFIED',
  });
  // A cosignature moved onto another checkpoint fails.
  const other = signCheckpoint(
    { origin: 'auditor.example/org-1', treeSize: 6, rootHash: Buffer.alloc(32, 6) },
    [createNoteSigner(log.signerKey)],
  );
  assert.throws(() => openNote(addNoteSignatureLines(other, [cosignature.line]), [witnessVerifier]), {
    code: 'LEDGER_SIGNATURE_INVALID',
  });
  assert.throws(() => addNoteSignatureLines(note, ['not a signature line\n']), {
    code: 'LEDGER_NOTE_MALFORMED',
  });
});
