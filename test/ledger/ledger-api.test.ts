import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  createCosignatureVerifier,
  createNoteVerifier,
  createTreeReader,
  findCosignatures,
  isValidConsistency,
  isValidInclusion,
  leafHash,
  openCheckpoint,
  openNote,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/index.ts';
import { createServiceHttpClient } from '../../src/platform/service-http-client.ts';
import { createSqlTileStore } from '../../src/services/verification/tile-store.ts';
import { createVerificationHttpClient } from '../../src/services/verification/verification-client.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';
import { envelope, ledgerOf, sessionFor } from './ledger-support.ts';

/** Audit actions for an organisation, delivered straight to the ledger subscriber. */
async function appendActions(app: TestApp, orgId: string, count: number): Promise<void> {
  const messages = Array.from({ length: count }, (_, i) =>
    envelope('audit.access_logged', {
      v: 1,
      orgId,
      actorId: null,
      accessId: randomUUID(),
      setId: null,
      itemId: `item-${i}`,
      userId: randomUUID(),
      action: 'PREVIEW',
      at: new Date().toISOString(),
    }),
  );
  await app.services.verification!.module.receiver!.receive('verification.ledger', messages);
}

describe('ledger public API', () => {
  let app: TestApp;
  let admin: { token: string; userId: string; orgId: string };
  let auditorToken: string;
  let generalToken: string;
  let otherAdmin: { token: string; orgId: string };
  let readToken: string;
  let ledgerReadToken: string;
  let logKey: string;
  let firstSize: number;
  let secondSize: number;

  before(async () => {
    app = await startTestApp();
    admin = await app.bootstrapAdmin('admin@api.test');
    otherAdmin = await app.bootstrapAdmin('other@x.test');
    const created = await app.api.post(
      '/api/v1/users',
      { email: 'ea@api.test', name: 'External Auditor', password: TEST_PASSWORD },
      admin.token,
    );
    assert.equal(created.statusCode, 201);
    auditorToken = (
      await app.api.post('/api/v1/auth/login', { email: 'ea@api.test', password: TEST_PASSWORD })
    ).json().accessToken;
    generalToken = await sessionFor(app, admin.orgId, ['GENERAL_USER']);
    const mint = async (scopes: string[]) => {
      const res = await app.api.post('/api/v1/api-tokens', { name: scopes.join('+'), scopes }, admin.token);
      assert.equal(res.statusCode, 201, res.body);
      return res.json().token as string;
    };
    readToken = await mint(['read']);
    ledgerReadToken = await mint(['ledger:read']);

    await app.drainOutboxes();
    // Across a tile boundary (256 leaves), so proofs use more than one tile level.
    await appendActions(app, admin.orgId, 300);
    await ledgerOf(app).checkpoints.signDue({ force: true });
    firstSize = (await ledgerOf(app).reader.log(admin.orgId))!.treeSize;
    await appendActions(app, admin.orgId, 213);
    await ledgerOf(app).checkpoints.signDue({ force: true });
    secondSize = (await ledgerOf(app).reader.log(admin.orgId))!.treeSize;
    logKey = (await app.api.get('/api/v1/ledger/public-keys')).json().log;
  });
  after(() => app.stop());

  test('the latest checkpoint is a C2SP signed note for the organisation, verifiable with the published key', async () => {
    const res = await app.api.get('/api/v1/ledger/checkpoint', admin.token);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const { checkpoint } = openCheckpoint(res.body, [createNoteVerifier(logKey)]);
    assert.equal(checkpoint.origin, `auditor.local/${admin.orgId}`);
    assert.equal(checkpoint.treeSize, secondSize);
    const older = await app.api.get(`/api/v1/ledger/checkpoints/${firstSize}`, admin.token);
    assert.equal(older.statusCode, 200);
    assert.equal(openCheckpoint(older.body, [createNoteVerifier(logKey)]).checkpoint.treeSize, firstSize);
  });

  test('inclusion proofs from the API verify against a served checkpoint, for leaves in every tile', async () => {
    const note = (await app.api.get(`/api/v1/ledger/checkpoints/${secondSize}`, admin.token)).body;
    const { checkpoint } = openCheckpoint(note, [createNoteVerifier(logKey)]);
    for (const index of [0, 1, 255, 256, 299, secondSize - 1]) {
      const leaf = await app.api.get(`/api/v1/ledger/leaves/${index}`, admin.token);
      assert.equal(leaf.statusCode, 200);
      const body = leaf.json();
      assert.equal(body.index, index);
      assert.equal(body.leafHash, leafHash(Buffer.from(body.data, 'utf8')).toString('base64'));
      assert.equal(JSON.parse(body.data).kind, body.kind);
      const proof = await app.api.get(
        `/api/v1/ledger/proofs/inclusion?index=${index}&treeSize=${secondSize}`,
        admin.token,
      );
      assert.equal(proof.statusCode, 200);
      const p = proof.json();
      assert.equal(p.treeSize, secondSize);
      assert.equal(p.index, index);
      verifyInclusion({
        index,
        treeSize: secondSize,
        leafHash: body.leafHash,
        proof: p.hashes,
        root: checkpoint.rootHash,
      });
      // A proof for another leaf does not verify.
      assert.equal(
        isValidInclusion({
          index,
          treeSize: secondSize,
          leafHash: leafHash(Buffer.from('{}')),
          proof: p.hashes,
          root: checkpoint.rootHash,
        }),
        false,
      );
    }
  });

  test('a consistency proof between two checkpoints verifies', async () => {
    const verifier = createNoteVerifier(logKey);
    const first = openCheckpoint(
      (await app.api.get(`/api/v1/ledger/checkpoints/${firstSize}`, admin.token)).body,
      [verifier],
    ).checkpoint;
    const second = openCheckpoint(
      (await app.api.get(`/api/v1/ledger/checkpoints/${secondSize}`, admin.token)).body,
      [verifier],
    ).checkpoint;
    const res = await app.api.get(
      `/api/v1/ledger/proofs/consistency?from=${firstSize}&to=${secondSize}`,
      admin.token,
    );
    assert.equal(res.statusCode, 200);
    const p = res.json();
    assert.deepEqual([p.from, p.to, p.treeSize], [firstSize, secondSize, secondSize]);
    verifyConsistency({
      size1: firstSize,
      size2: secondSize,
      root1: first.rootHash,
      root2: second.rootHash,
      proof: p.hashes,
    });
    assert.equal(
      isValidConsistency({
        size1: firstSize,
        size2: secondSize,
        root1: second.rootHash,
        root2: second.rootHash,
        proof: p.hashes,
      }),
      false,
    );
  });

  test('proof parameters out of range are refused with PROOF_RANGE_INVALID; missing things are 404', async () => {
    for (const url of [
      `/api/v1/ledger/proofs/inclusion?index=${secondSize}&treeSize=${secondSize}`,
      `/api/v1/ledger/proofs/inclusion?index=0&treeSize=${secondSize + 1}`,
      '/api/v1/ledger/proofs/inclusion?index=-1&treeSize=3',
      '/api/v1/ledger/proofs/inclusion?index=0&treeSize=0',
      '/api/v1/ledger/proofs/consistency?from=0&to=5',
      '/api/v1/ledger/proofs/consistency?from=6&to=5',
      `/api/v1/ledger/proofs/consistency?from=1&to=${secondSize + 1}`,
    ]) {
      const res = await app.api.get(url, admin.token);
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().error.code, 'PROOF_RANGE_INVALID', url);
    }
    const notNumber = await app.api.get('/api/v1/ledger/proofs/inclusion?index=x&treeSize=3', admin.token);
    assert.equal(notNumber.statusCode, 400);
    const leaf = await app.api.get(`/api/v1/ledger/leaves/${secondSize}`, admin.token);
    assert.equal(leaf.statusCode, 404);
    assert.equal(leaf.json().error.code, 'LEAF_NOT_FOUND');
    const checkpoint = await app.api.get(`/api/v1/ledger/checkpoints/${firstSize + 1}`, admin.token);
    assert.equal(checkpoint.statusCode, 404);
    assert.equal(checkpoint.json().error.code, 'CHECKPOINT_NOT_FOUND');
    const ja = await app.api.get(`/api/v1/ledger/checkpoints/${firstSize + 1}`, admin.token, {
      'accept-language': 'ja',
    });
    assert.equal(ja.json().error.message, 'そのサイズのチェックポイントは存在しません。');
  });

  test('non-admins and read-only tokens see checkpoints but not leaves or proofs; ledger:read tokens see both', async () => {
    const leafUrls = [
      '/api/v1/ledger/leaves/0',
      `/api/v1/ledger/proofs/inclusion?index=0&treeSize=${secondSize}`,
      `/api/v1/ledger/proofs/consistency?from=1&to=${secondSize}`,
    ];
    for (const [who, token] of [
      ['external auditor', auditorToken],
      ['general user', generalToken],
      ['read-only API token', readToken],
    ] as const) {
      assert.equal((await app.api.get('/api/v1/ledger/checkpoint', token)).statusCode, 200, who);
      assert.equal(
        (await app.api.get('/api/v1/ledger/witness', token)).statusCode,
        404,
        `${who} (not cosigned yet)`,
      );
      for (const url of leafUrls) {
        const res = await app.api.get(url, token);
        assert.equal(res.statusCode, 403, `${who} ${url}`);
      }
    }
    for (const url of leafUrls) {
      assert.equal((await app.api.get(url, ledgerReadToken)).statusCode, 200, url);
      assert.equal((await app.api.get(url, admin.token)).statusCode, 200, url);
    }
  });

  test('signed-out callers get 401 on everything but the public keys', async () => {
    for (const url of [
      '/api/v1/ledger/checkpoint',
      '/api/v1/ledger/checkpoints/1',
      '/api/v1/ledger/witness',
      '/api/v1/ledger/leaves/0',
      '/api/v1/ledger/proofs/inclusion?index=0&treeSize=1',
      '/api/v1/ledger/proofs/consistency?from=1&to=1',
    ]) {
      assert.equal((await app.api.get(url)).statusCode, 401, url);
    }
    const keys = await app.api.get('/api/v1/ledger/public-keys');
    assert.equal(keys.statusCode, 200);
    assert.match(keys.json().log, /^auditor\.local\+[0-9a-f]{8}\+/);
  });

  test("another organisation's admin sees only their own log", async () => {
    const verifier = createNoteVerifier(logKey);
    await app.drainOutboxes();
    await ledgerOf(app).checkpoints.signDue({ force: true });
    const theirs = await app.api.get('/api/v1/ledger/checkpoint', otherAdmin.token);
    assert.equal(theirs.statusCode, 200);
    const { checkpoint } = openCheckpoint(theirs.body, [verifier]);
    assert.equal(checkpoint.origin, `auditor.local/${otherAdmin.orgId}`);
    assert.ok(checkpoint.treeSize < firstSize);
    // Our sizes and indexes do not exist in their log.
    const checkpointOfOurs = await app.api.get(`/api/v1/ledger/checkpoints/${secondSize}`, otherAdmin.token);
    assert.equal(checkpointOfOurs.statusCode, 404);
    const leaf = await app.api.get(`/api/v1/ledger/leaves/${secondSize - 1}`, otherAdmin.token);
    assert.equal(leaf.statusCode, 404);
    const proof = await app.api.get(
      `/api/v1/ledger/proofs/inclusion?index=300&treeSize=${secondSize}`,
      otherAdmin.token,
    );
    assert.equal(proof.statusCode, 400);
    const first = (await app.api.get('/api/v1/ledger/leaves/0', otherAdmin.token)).json();
    assert.equal(JSON.parse(first.data).data.payload.orgId, otherAdmin.orgId);
  });

  test('the witness cosignature on the served checkpoint verifies with the served witness key', async () => {
    const before = await app.api.get('/api/v1/ledger/witness', admin.token);
    assert.equal(before.statusCode, 404);
    assert.equal(before.json().error.code, 'WITNESS_COSIGNATURE_NOT_FOUND');

    const outcomes = await app.services.witness!.witness.runOnce();
    const ours = outcomes.find((o) => o.log === admin.orgId);
    assert.deepEqual(ours && [ours.result, ours.treeSize], ['cosigned', secondSize]);
    assert.equal(await ledgerOf(app).cosignatures.syncOnce(), 2, 'one cosignature per organisation');

    const keys = (await app.api.get('/api/v1/ledger/public-keys')).json();
    assert.match(keys.witness, /^auditor\.local\/witness\+[0-9a-f]{8}\+/);
    for (const token of [admin.token, auditorToken, generalToken]) {
      const res = await app.api.get('/api/v1/ledger/witness', token);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      const cosigned = findCosignatures(res.body, createCosignatureVerifier(keys.witness));
      assert.equal(cosigned.length, 1);
      const opened = openNote(res.body, [
        createNoteVerifier(keys.log),
        createCosignatureVerifier(keys.witness),
      ]);
      assert.equal(opened.verified.length, 2, 'signed by the log and cosigned by the witness');
      assert.equal(openCheckpoint(res.body, [createNoteVerifier(keys.log)]).checkpoint.treeSize, secondSize);
    }
  });

  test('a proof reads its tiles with one query, and the API is documented', async () => {
    const log = (await ledgerOf(app).reader.log(admin.orgId))!;
    const store = createSqlTileStore(app.platform.pool.db, log.id);
    const reader = createTreeReader(store);
    await reader.inclusionProof(257, secondSize);
    assert.equal(store.stats.readCalls, 1);
    await reader.consistencyProof(firstSize, secondSize);
    assert.equal(store.stats.readCalls, 2);
    assert.ok(store.stats.tilesRead <= 2 * 4, 'at most two tiles per tile level');
    const doc = (await app.api.get('/openapi.json')).json();
    for (const path of [
      '/api/v1/ledger/checkpoint',
      '/api/v1/ledger/proofs/inclusion',
      '/api/v1/ledger/leaves/{index}',
    ])
      assert.ok(doc.paths[path], path);
  });

  test('the service client answers leaf records by (kind, refs) and proofs with base64 hashes', async () => {
    const client = app.services.verification!.client;
    const [leaf] = await client.leaves(admin.orgId, [5]);
    assert.ok(leaf);
    const records = await client.leafRecords(admin.orgId, leaf.kind, [leaf.ref, 'no-such-ref']);
    assert.deepEqual(records, [{ kind: leaf.kind, ref: leaf.ref, index: 5, leafHash: leaf.leafHash }]);
    const latest = await client.latestCheckpoint(admin.orgId);
    assert.equal(latest?.treeSize, secondSize);
    const proof = await client.inclusionProof(admin.orgId, 5, secondSize);
    verifyInclusion({
      index: 5,
      treeSize: secondSize,
      leafHash: leaf.leafHash,
      proof,
      root: latest!.rootHash,
    });
    await assert.rejects(client.consistencyProof(admin.orgId, 0, 1), { code: 'PROOF_RANGE_INVALID' });
    assert.equal(await client.latestCheckpoint(randomUUID()), null);
  });

  test('the HTTP client of other services gets the same answers from the internal routes', async () => {
    const local = app.services.verification!.client;
    const remote = createVerificationHttpClient(
      createServiceHttpClient(app.url, app.platform.serviceSecret, 'test'),
    );
    assert.deepEqual(await remote.latestCheckpoint(admin.orgId), await local.latestCheckpoint(admin.orgId));
    assert.deepEqual(
      await remote.checkpoint(admin.orgId, firstSize),
      await local.checkpoint(admin.orgId, firstSize),
    );
    assert.deepEqual(
      await remote.witnessedCheckpoint(admin.orgId),
      await local.witnessedCheckpoint(admin.orgId),
    );
    assert.deepEqual(
      await remote.inclusionProof(admin.orgId, 3, secondSize),
      await local.inclusionProof(admin.orgId, 3, secondSize),
    );
    assert.deepEqual(
      await remote.consistencyProof(admin.orgId, firstSize, secondSize),
      await local.consistencyProof(admin.orgId, firstSize, secondSize),
    );
    const leaves = await remote.leaves(admin.orgId, [0, 7, secondSize + 5]);
    assert.deepEqual(
      leaves.map((l) => l.index),
      [0, 7],
    );
    assert.deepEqual(await remote.leafRecords(admin.orgId, leaves[1]!.kind, [leaves[1]!.ref]), [
      { kind: leaves[1]!.kind, ref: leaves[1]!.ref, index: 7, leafHash: leaves[1]!.leafHash },
    ]);
    assert.deepEqual(await remote.publicKeys(), await local.publicKeys());
    await assert.rejects(remote.inclusionProof(admin.orgId, 5, 2), { code: 'PROOF_RANGE_INVALID' });
    // Without the service secret the internal routes answer 401.
    const anonymous = await fetch(`${app.url}/internal/ledger/public-keys`);
    assert.equal(anonymous.status, 401);
  });
});
