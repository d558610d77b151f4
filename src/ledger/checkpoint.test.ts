import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.ts';
import { createNoteSigner, createNoteVerifier, generateNoteKeys } from './signed-note.ts';

// The example of c2sp.org/tlog-checkpoint.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

test('the tlog-checkpoint example body parses and formats back byte for byte', () => {
  const checkpoint = parseCheckpoint(SPEC_BODY);
  assert.equal(checkpoint.origin, 'example.com/behind-the-sofa');
  assert.equal(checkpoint.treeSize, 20852163);
  assert.equal(checkpoint.rootHash.toString('base64'), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
  assert.deepEqual(checkpoint.extensions, []);
  assert.equal(formatCheckpoint(checkpoint), SPEC_BODY);
});

test('extension lines survive a round trip', () => {
  const body = formatCheckpoint({
    origin: 'a.example/log',
    treeSize: 0,
    rootHash: Buffer.alloc(32, 1),
    extensions: ['ext one', 'two'],
  });
  assert.equal(body, `a.example/log\n0\n${Buffer.alloc(32, 1).toString('base64')}\next one\ntwo\n`);
  assert.deepEqual(parseCheckpoint(body).extensions, ['ext one', 'two']);
});

test('malformed checkpoint bodies are refused', () => {
  const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
  const bad = [
    `o\n1\n${root}`,
    `o\n1\n`,
    `\n1\n${root}\n`,
    `o\n01\n${root}\n`,
    `o\n-1\n${root}\n`,
    `o\n1.0\n${root}\n`,
    `o\n99999999999999999999\n${root}\n`,
    `o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n`,
    `o\n1\nAAAA\n`,
    `o\n1\n${root}\n\n`,
    `o\n1\n${root}\next\n\nmore\n`,
  ];
  for (const body of bad)
    assert.throws(() => parseCheckpoint(body), { code: 'LEDGER_CHECKPOINT_MALFORMED' }, JSON.stringify(body));
  assert.throws(() => formatCheckpoint({ origin: 'o', treeSize: 1, rootHash: Buffer.alloc(31) }), {
    code: 'LEDGER_CHECKPOINT_MALFORMED',
  });
  assert.throws(() => formatCheckpoint({ origin: 'a\nb', treeSize: 1, rootHash: Buffer.alloc(32) }), {
    code: 'LEDGER_CHECKPOINT_MALFORMED',
  });
  assert.throws(() => formatCheckpoint({ origin: 'o', treeSize: -1, rootHash: Buffer.alloc(32) }), {
    code: 'LEDGER_CHECKPOINT_MALFORMED',
  });
});

test('a signed checkpoint opens with the log key and names its origin', () => {
  const keys = generateNoteKeys('auditor.example/org-7');
  const note = signCheckpoint(
    { origin: 'auditor.example/org-7', treeSize: 42, rootHash: Buffer.alloc(32, 7) },
    [createNoteSigner(keys.signerKey)],
  );
  const verifier = createNoteVerifier(keys.verifierKey);
  const { checkpoint } = openCheckpoint(note, [verifier], 'auditor.example/org-7');
  assert.equal(checkpoint.treeSize, 42);
  assert.deepEqual(checkpoint.rootHash, Buffer.alloc(32, 7));
  assert.throws(() => openCheckpoint(note, [verifier], 'auditor.example/org-8'), {
    code: 'LEDGER_CHECKPOINT_MALFORMED',
  });
  assert.throws(() => openCheckpoint(note.replace('\n42\n', '\n43\n'), [verifier]), {
    code: 'LEDGER_SIGNATURE_INVALID',
  });
  assert.throws(() => openCheckpoint(note, [createNoteVerifier(generateNoteKeys('x').verifierKey)]), {
    code: 'LEDGER_NOTE_UNVERIFIED',
  });
});
