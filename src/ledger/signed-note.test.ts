/**
 * C2SP signed notes, checked against the example published with golang.org/x/mod/sumdb/note (the
 * reference implementation of c2sp.org/signed-note): the PeterNeumann key pair and note, and the
 * EnochRoot co-signature from the same package's tests.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  computeKeyId,
  createNoteSigner,
  createNoteVerifier,
  formatSignerKey,
  formatVerifierKey,
  generateNoteKeys,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './signed-note.ts';

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const NOTE = `${TEXT}\n${PETER_SIG}`;

test('the published example note verifies with the published key', () => {
  const opened = openNote(NOTE, [createNoteVerifier(PETER_VKEY)]);
  assert.equal(opened.text, TEXT);
  assert.deepEqual(
    opened.verified.map((s) => [s.name, s.keyId]),
    [['PeterNeumann', 0xc74f20a3]],
  );
  assert.deepEqual(opened.unverified, []);
  // The same note given as UTF-8 bytes.
  assert.equal(openNote(Buffer.from(NOTE, 'utf8'), [createNoteVerifier(PETER_VKEY)]).text, TEXT);
});

test('changing any single byte of the example note makes it fail', () => {
  const verifier = createNoteVerifier(PETER_VKEY);
  const bytes = Buffer.from(NOTE, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const changed = Buffer.from(bytes);
    changed[i] = changed[i]! ^ 0x01;
    assert.throws(() => openNote(changed, [verifier]), { name: 'LedgerError' }, `byte ${i}`);
  }
  assert.throws(() => openNote(NOTE.replace('cryptography', 'cryptographY'), [verifier]), {
    code: 'LEDGER_SIGNATURE_INVALID',
  });
});

test('signing the example text with the published signer key reproduces the published note', () => {
  // Ed25519 signatures are deterministic, so the bytes must match exactly.
  const signer = createNoteSigner(PETER_SKEY);
  assert.equal(signNote(TEXT, [signer]), NOTE);
  assert.equal(signer.verifierKey, PETER_VKEY);
  assert.equal(formatSignerKey('PeterNeumann', parseSignerKey(PETER_SKEY).seed), PETER_SKEY);
  assert.equal(formatVerifierKey('PeterNeumann', parseVerifierKey(PETER_VKEY).publicKey), PETER_VKEY);
});

test('a note with several signatures verifies with any known key and ignores unknown ones', () => {
  const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
  const peter = createNoteVerifier(PETER_VKEY);
  const enoch = createNoteVerifier(ENOCH_VKEY);

  const onlyPeter = openNote(both, [peter]);
  assert.deepEqual(
    onlyPeter.verified.map((s) => s.name),
    ['PeterNeumann'],
  );
  assert.deepEqual(
    onlyPeter.unverified.map((s) => [s.name, s.keyId]),
    [['EnochRoot', 0xaf0cfe78]],
  );

  const onlyEnoch = openNote(both, [enoch]);
  assert.deepEqual(
    onlyEnoch.verified.map((s) => s.name),
    ['EnochRoot'],
  );

  const all = openNote(both, [peter, enoch]);
  assert.deepEqual(
    all.verified.map((s) => s.name),
    ['PeterNeumann', 'EnochRoot'],
  );

  assert.throws(() => openNote(both, []), { code: 'LEDGER_NOTE_UNVERIFIED' });
  // A key that shares the name but not the key id is unknown, not a failure.
  const other = createNoteVerifier(generateNoteKeys('PeterNeumann').verifierKey);
  assert.throws(() => openNote(both, [other]), { code: 'LEDGER_NOTE_UNVERIFIED' });
  // Two verifiers for the same name and key id are a configuration error when used.
  assert.throws(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch]), {
    code: 'LEDGER_KEY_INVALID',
  });
  assert.equal(openNote(NOTE, [enoch, peter, enoch]).text, TEXT);
});

test('a failing signature from a known key refuses the whole note', () => {
  const peter = createNoteVerifier(PETER_VKEY);
  const badPeter = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
  assert.throws(() => openNote(`${TEXT}\n${badPeter}`, [peter]), { code: 'LEDGER_SIGNATURE_INVALID' });
  // Even when another known key signed correctly.
  const enoch = createNoteVerifier(ENOCH_VKEY);
  assert.throws(() => openNote(`${TEXT}\n${ENOCH_SIG}${badPeter}`, [peter, enoch]), {
    code: 'LEDGER_SIGNATURE_INVALID',
  });
  // Repeated signatures by one key count once; a broken unknown one is just listed.
  const enochBad = `${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
  const opened = openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochBad}`, [peter]);
  assert.equal(opened.verified.length, 1);
  assert.equal(opened.unverified.length, 2);
});

test('malformed notes are refused', () => {
  const peter = createNoteVerifier(PETER_VKEY);
  const bad = [
    TEXT,
    `${TEXT}\n`,
    `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
    `\u0001${TEXT}\n${PETER_SIG}`,
    `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    `${TEXT}\n${PETER_SIG}\n`,
    `${TEXT}\n-- PeterNeumann ${PETER_SIG.slice(15)}`,
    `${TEXT}\n\u2014 PeterNeumann\n`,
    `${TEXT}\n\u2014 PeterNeumann AAAA\n`,
    `${TEXT}\n\u2014 PeterNeumann not*base64\n`,
    `${TEXT}\n\u2014 Peter+Neumann ${PETER_SIG.slice(16)}`,
    `\ud800${TEXT}\n${PETER_SIG}`,
    `${TEXT}\n${PETER_SIG.repeat(101)}`,
  ];
  for (const note of bad)
    assert.throws(() => openNote(note, [peter]), { code: 'LEDGER_NOTE_MALFORMED' }, JSON.stringify(note));
  assert.throws(() => openNote(Buffer.concat([Buffer.from([0xff]), Buffer.from(NOTE)]), [peter]), {
    code: 'LEDGER_NOTE_MALFORMED',
  });
  // 100 signature lines are still accepted.
  assert.equal(openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [peter]).verified.length, 1);
});

test('note text may contain blank lines: the signatures start after the last one', () => {
  const signer = createNoteSigner(PETER_SKEY);
  const text = 'first\n\nthird\n\n';
  const note = signNote(text, [signer]);
  assert.equal(parseNote(note).text, text);
  assert.equal(openNote(note, [createNoteVerifier(PETER_VKEY)]).text, text);
  assert.throws(() => signNote('no newline', [signer]), { code: 'LEDGER_NOTE_MALFORMED' });
  assert.throws(() => signNote('tab\there\n', [signer]), { code: 'LEDGER_NOTE_MALFORMED' });
});

test('mangled verifier and signer keys are refused, as in the Go tests', () => {
  parseVerifierKey(PETER_VKEY);
  parseSignerKey(PETER_SKEY);
  for (const [key, parse] of [
    [PETER_VKEY, parseVerifierKey],
    [PETER_SKEY, parseSignerKey],
  ] as const) {
    for (let i = 0; i <= key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i === 0 && j === key.length) continue;
        assert.throws(() => parse(key.slice(i, j)), { code: 'LEDGER_KEY_INVALID' }, key.slice(i, j));
      }
    }
    for (let i = 0; i < key.length; i++) {
      const mangled = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      assert.throws(() => parse(mangled), { code: 'LEDGER_KEY_INVALID' }, mangled);
    }
  }
  // Wrong key length and unknown algorithm, each with an adjusted key id.
  assert.throws(
    () => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
    { code: 'LEDGER_KEY_INVALID' },
  );
  assert.throws(
    () => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    { code: 'LEDGER_KEY_INVALID' },
  );
});

test('generated keys sign and verify, and their key id follows the C2SP rule', () => {
  const { signerKey, verifierKey } = generateNoteKeys('auditor.example/org-1');
  assert.match(signerKey, /^PRIVATE\+KEY\+auditor\.example\/org-1\+[0-9a-f]{8}\+A/);
  const parsed = parseVerifierKey(verifierKey);
  assert.equal(parsed.keyId, computeKeyId('auditor.example/org-1', 0x01, parsed.publicKey));
  const note = signNote('hello\n', [createNoteSigner(signerKey)]);
  assert.equal(openNote(note, [createNoteVerifier(verifierKey)]).text, 'hello\n');
  assert.throws(
    () => openNote(note, [createNoteVerifier(generateNoteKeys('auditor.example/org-1').verifierKey)]),
    {
      code: 'LEDGER_NOTE_UNVERIFIED',
    },
  );
  assert.throws(() => generateNoteKeys('has space'), { code: 'LEDGER_KEY_INVALID' });
  assert.throws(() => generateNoteKeys('has+plus'), { code: 'LEDGER_KEY_INVALID' });
  assert.throws(() => generateNoteKeys(''), { code: 'LEDGER_KEY_INVALID' });
});
