import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createNoteSigner, signCheckpoint } from '../../src/ledger/index.ts';
import { leafHashOfText } from '../../src/services/verification/leaf-format.ts';
import { requireTestPg } from '../support/database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { envelope, ledgerOf, logIdOf } from './ledger-support.ts';

const SIZES = [100, 300, 600];

describe('full log audit', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(() => app.stop());

  /** A fresh organisation's log of 600 leaves with checkpoints at 100, 300 and 600. */
  async function buildLog(): Promise<{ orgId: string; logId: number }> {
    const orgId = randomUUID();
    let appended = 0;
    for (const size of SIZES) {
      const messages = Array.from({ length: size - appended }, () =>
        envelope('audit.set_updated', { v: 1, orgId, actorId: null, setId: randomUUID(), changes: ['name'] }),
      );
      await app.services.verification!.module.receiver!.receive('verification.ledger', messages);
      appended = size;
      await ledgerOf(app).checkpoints.signDue({ force: true });
    }
    return { orgId, logId: await logIdOf(app, orgId) };
  }

  const db = () => app.platform.pool.db;
  const audit = async (orgId: string) => (await ledgerOf(app).auditor.run(orgId))[0]!;

  test('an untouched log passes: every checkpoint, the head and the tiles agree with the leaves', async () => {
    const { orgId } = await buildLog();
    const result = await audit(orgId);
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.leafCount, 600);
    assert.equal(result.treeSize, 600);
    assert.equal(result.checkpointsChecked, 3);
    assert.equal(result.tileMismatchCount, 0);
  });

  test("a leaf's data edited in the database is reported as a leaf-hash mismatch and wrong roots from there on", async () => {
    const { orgId, logId } = await buildLog();
    await sql`update ledger.leaves set data = replace(data, '"name"', '"description"')
              where log_id = ${logId} and leaf_index = 150`.execute(db());
    const result = await audit(orgId);
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.leafHashMismatches.map((m) => m.index),
      [150],
    );
    assert.deepEqual(
      result.rootMismatches.map((m) => m.treeSize),
      [300, 600],
    );
    assert.ok(result.headMismatch);
  });

  test('an edit of the data and its stored hash together still breaks the roots and the tiles', async () => {
    const { orgId, logId } = await buildLog();
    const leaf = (await ledgerOf(app).reader.leaf(orgId, 42))!;
    const forged = leaf.data.replace('"name"', '"owner"');
    await sql`update ledger.leaves set data = ${forged}, leaf_hash = ${leafHashOfText(forged)}
              where log_id = ${logId} and leaf_index = 42`.execute(db());
    const result = await audit(orgId);
    assert.equal(result.ok, false);
    assert.equal(result.leafHashMismatchCount, 0);
    assert.deepEqual(
      result.rootMismatches.map((m) => m.treeSize),
      [100, 300, 600],
    );
    assert.deepEqual(result.tileMismatches[0], { level: 0, index: 0 });
  });

  test('a deleted leaf is reported as an index gap, with roots that no longer match', async () => {
    const { orgId, logId } = await buildLog();
    await sql`delete from ledger.leaves where log_id = ${logId} and leaf_index = 250`.execute(db());
    const result = await audit(orgId);
    assert.equal(result.ok, false);
    assert.deepEqual(result.indexGaps, [{ from: 250, to: 250 }]);
    assert.ok(result.indexMismatchCount > 0);
    assert.deepEqual(
      result.rootMismatches.map((m) => m.treeSize),
      [300],
    );
    assert.deepEqual(
      result.unreachedCheckpoints,
      [600, -1],
      'one leaf short of the last checkpoint and the head',
    );
  });

  test("a checkpoint's root rewritten in its row is reported against the signed note and the leaves", async () => {
    const { orgId, logId } = await buildLog();
    await sql`update ledger.checkpoints set root = sha256(root) where log_id = ${logId} and tree_size = 300`.execute(
      db(),
    );
    const result = await audit(orgId);
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.checkpointProblems.map((p) => [p.treeSize, p.problem]),
      [[300, 'NOTE_MISMATCH']],
    );
    assert.deepEqual(
      result.rootMismatches.map((m) => m.treeSize),
      [300],
    );
  });

  test("a checkpoint's note rewritten without the log key fails its signature", async () => {
    const { orgId, logId } = await buildLog();
    const [row] = (
      await sql<{
        note: string;
      }>`select note from ledger.checkpoints where log_id = ${logId} and tree_size = 100`.execute(db())
    ).rows;
    const lines = row!.note.split('\n');
    lines[2] = Buffer.alloc(32, 7).toString('base64');
    await sql`update ledger.checkpoints set note = ${lines.join('\n')}, root = ${Buffer.alloc(32, 7)}
              where log_id = ${logId} and tree_size = 100`.execute(db());
    const result = await audit(orgId);
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.checkpointProblems.map((p) => [p.treeSize, p.problem]),
      [[100, 'SIGNATURE_INVALID']],
    );
    assert.deepEqual(
      result.rootMismatches.map((m) => m.treeSize),
      [100],
    );
  });

  test('a checkpoint re-signed with the stolen log key over another root is caught by the recomputed tree', async () => {
    const { orgId, logId } = await buildLog();
    // Whoever holds the key file can sign anything; only the leaves can contradict them.
    const signerKey = readFileSync(
      join(app.config.AUDITOR_DATA_DIR, 'secrets', 'ledger-signer.key'),
      'utf8',
    ).trim();
    const forgedRoot = Buffer.alloc(32, 9);
    const note = signCheckpoint(
      { origin: ledgerOf(app).originOf(orgId), treeSize: 600, rootHash: forgedRoot },
      [createNoteSigner(signerKey)],
    );
    await sql`update ledger.checkpoints set note = ${note}, root = ${forgedRoot}
              where log_id = ${logId} and tree_size = 600`.execute(db());
    const result = await audit(orgId);
    assert.equal(result.ok, false);
    assert.deepEqual(result.checkpointProblems, []);
    assert.deepEqual(
      result.rootMismatches.map((m) => m.treeSize),
      [600],
    );
  });

  test('a tile edited in the database is reported (proofs are served from tiles)', async () => {
    const { orgId, logId } = await buildLog();
    await sql`update ledger.tiles set hashes = overlay(hashes placing '\\x00'::bytea from 33 for 1)
              where log_id = ${logId} and level = 0 and tile_index = 1`.execute(db());
    const result = await audit(orgId);
    assert.equal(result.ok, false);
    assert.deepEqual(result.tileMismatches, [{ level: 0, index: 1 }]);
    // What `auditor verify log` gets through the admin socket of a running server.
    const viaSocket = (await app.adminCommands['ledger.audit']!({ orgId })) as Array<{ ok: boolean }>;
    assert.deepEqual(
      viaSocket.map((r) => r.ok),
      [false],
    );
  });

  test('`auditor verify log` exits 0 on an intact log and 1 with the findings on a tampered one', async () => {
    // A second process needs a database server to share (the in-memory embedded one is private).
    requireTestPg();
    const intact = await buildLog();
    const tampered = await buildLog();
    await sql`delete from ledger.leaves where log_id = ${tampered.logId} and leaf_index = 10`.execute(db());
    const run = (orgId: string, json: boolean) =>
      spawnSync('node', ['bin/auditor.mjs', 'verify', 'log', '--org', orgId, ...(json ? ['--json'] : [])], {
        cwd: new URL('../..', import.meta.url).pathname,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          DATABASE_URL: app.config.DATABASE_URL,
          AUDITOR_DATA_DIR: app.config.AUDITOR_DATA_DIR,
          LOG_LEVEL: 'error',
        },
      });
    const ok = run(intact.orgId, true);
    assert.equal(ok.status, 0, ok.stderr);
    // The report is the pretty-printed JSON document; log lines (one-line JSON) may surround it.
    const lines = ok.stdout.split('\n');
    const report = JSON.parse(lines.slice(lines.indexOf('{'), lines.indexOf('}') + 1).join('\n'));
    assert.ok(!lines.some((l) => l.includes('"level":"error"')), ok.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.logs[0].leafCount, 600);
    const bad = run(tampered.orgId, false);
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stdout, /FAILED/);
    assert.match(bad.stdout, /leaf 10 is missing/);
  });
});
