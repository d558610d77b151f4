/**
 * GET /api/v1/ledger/status (the web Operations page, product.md F7): the organisation's log size,
 * its latest checkpoint with age and the leaves it does not cover yet, and the witness — the newest
 * cosignature the ledger imported and the refusals the witness recorded (a fork here). On a manual
 * clock, through the real intake, checkpointer, witness and cosignature import. When the witness
 * cannot be asked, what the ledger holds is still shown and the refusals are unknown (null), not
 * empty. Audit admins only.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../box-emulator/index.ts';
import { createNoteSigner, signCheckpoint } from '../../src/ledger/index.ts';
import { createLedgerStatus, type LedgerStatus } from '../../src/services/verification/ledger-status.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { envelope, ledgerOf, logIdOf, sessionFor } from './ledger-support.ts';

const URL = '/api/v1/ledger/status';

describe('GET /api/v1/ledger/status', () => {
  const clock = new ManualClock('2026-05-04T08:00:00Z');
  let app: TestApp;
  const orgId = randomUUID();
  let token: string;

  before(async () => {
    app = await startTestApp({ clock });
    token = await sessionFor(app, orgId, ['AUDIT_ADMIN'], ['read', 'write', 'admin']);
  });
  after(() => app?.stop());

  const status = async () => {
    const res = await app.api.get(URL, token);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as LedgerStatus;
  };

  async function grow(leaves: number): Promise<void> {
    const messages = Array.from({ length: leaves }, () =>
      envelope('audit.set_created', { v: 1, orgId, actorId: null, setId: randomUUID(), name: 'Contracts' }),
    );
    await app.services.verification!.module.receiver!.receive('verification.ledger', messages);
  }

  test('before the first leaf: an empty log under its origin, no checkpoint, no cosignature, no refusal', async () => {
    const body = await status();
    assert.equal(body.origin, ledgerOf(app).originOf(orgId));
    assert.equal(body.treeSize, 0);
    assert.equal(body.logCreatedAt, null);
    assert.equal(body.checkpoint, null);
    assert.equal(body.checkpointIntervalSeconds, app.config.AUDITOR_CHECKPOINT_INTERVAL / 1000);
    assert.deepEqual(body.witness, {
      configured: true,
      reachable: true,
      lastCosignature: null,
      refusals: [],
    });
  });

  test('leaves, a checkpoint and its age, the leaves it leaves uncovered, and the imported cosignature', async () => {
    await grow(40);
    let body = await status();
    assert.equal(body.treeSize, 40);
    assert.equal(body.logCreatedAt, clock.now().toISOString());
    assert.equal(body.checkpoint, null);

    await ledgerOf(app).checkpoints.signDue({ force: true });
    const signedAt = clock.now();
    clock.advanceSeconds(125);
    await grow(7);
    body = await status();
    assert.equal(body.treeSize, 47);
    assert.deepEqual(body.checkpoint, {
      treeSize: 40,
      signedAt: signedAt.toISOString(),
      ageSeconds: 125,
      uncoveredLeaves: 7,
    });
    assert.equal(body.witness.lastCosignature, null);

    // The witness cosigns the checkpoint; the ledger imports the cosignature.
    const outcomes = await app.services.witness!.witness.runOnce();
    assert.equal(outcomes.find((o) => o.log === orgId)?.result, 'cosigned');
    const cosignedAt = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
    clock.advanceSeconds(30);
    assert.equal(await ledgerOf(app).cosignatures.syncOnce(), 1);
    body = await status();
    assert.deepEqual(body.witness.lastCosignature, {
      treeSize: 40,
      cosignedAt: cosignedAt.toISOString(),
      receivedAt: clock.now().toISOString(),
      ageSeconds: 30,
    });
    assert.deepEqual(body.witness.refusals, []);
  });

  test('a fork the witness refused is reported with its code, size and count', async () => {
    await ledgerOf(app).checkpoints.signDue({ force: true });
    const logId = await logIdOf(app, orgId);
    const origin = ledgerOf(app).originOf(orgId);
    // The cosigned checkpoint of size 47 is replaced by another root: the witness sees a fork.
    const key = readFileSync(
      join(app.config.AUDITOR_DATA_DIR, 'secrets', 'ledger-signer.key'),
      'utf8',
    ).trim();
    const forged = signCheckpoint({ origin, treeSize: 47, rootHash: Buffer.alloc(32, 7) }, [
      createNoteSigner(key),
    ]);
    await app.services.witness!.witness.runOnce();
    await ledgerOf(app).cosignatures.syncOnce();
    await sql`update ledger.checkpoints set note = ${forged}, root = ${Buffer.alloc(32, 7)}
              where log_id = ${logId} and tree_size = 47`.execute(app.platform.pool.db);
    clock.advanceSeconds(5);
    const run = await app.services.witness!.witness.runOnce();
    assert.equal(run.find((o) => o.log === orgId)?.code, 'FORK');
    const body = await status();
    assert.equal(body.witness.reachable, true);
    assert.equal(body.witness.refusals?.length, 1);
    const [refusal] = body.witness.refusals!;
    assert.equal(refusal!.code, 'FORK');
    assert.equal(refusal!.treeSize, 47);
    assert.equal(refusal!.previousSize, 47);
    assert.equal(refusal!.occurrences, 1);
    assert.equal(refusal!.lastSeenAt, clock.now().toISOString());
  });

  test('a witness that does not answer: the stored cosignature still shows, refusals are unknown', async () => {
    const ledger = ledgerOf(app);
    const reader = createLedgerStatus({
      db: app.platform.pool.db,
      repo: ledger.repo,
      witness: () => ({
        verifierKey: () => Promise.reject(new Error('connection refused')),
        cosigned: () => Promise.reject(new Error('connection refused')),
        refusals: () => Promise.reject(new Error('connection refused')),
      }),
      originOf: ledger.originOf,
      clock,
      log: app.platform.logger,
      checkpointIntervalMs: 60_000,
    });
    const body = await reader.status(orgId);
    assert.equal(body.witness.configured, true);
    assert.equal(body.witness.reachable, false);
    assert.equal(body.witness.refusals, null);
    assert.equal(body.witness.lastCosignature?.treeSize, 47);
    const none = await createLedgerStatus({
      db: app.platform.pool.db,
      repo: ledger.repo,
      witness: () => undefined,
      originOf: ledger.originOf,
      clock,
      log: app.platform.logger,
      checkpointIntervalMs: 60_000,
    }).status(orgId);
    assert.deepEqual(
      {
        configured: none.witness.configured,
        reachable: none.witness.reachable,
        refusals: none.witness.refusals,
      },
      { configured: false, reachable: null, refusals: null },
    );
  });

  test('audit admins only: general users and external auditors 403, anonymous 401', async () => {
    for (const roles of [['GENERAL_USER'], ['EXTERNAL_AUDITOR']] as const) {
      const res = await app.api.get(URL, await sessionFor(app, orgId, [...roles]));
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error.code, 'FORBIDDEN');
    }
    assert.equal((await app.api.get(URL)).statusCode, 401);
    // Another organisation's admin sees its own (empty) log, never this one.
    const other = await app.api.get(URL, await sessionFor(app, randomUUID(), ['AUDIT_ADMIN'], ['admin']));
    assert.equal(other.statusCode, 200);
    assert.equal(other.json().treeSize, 0);
    assert.notEqual(other.json().origin, ledgerOf(app).originOf(orgId));
  });
});
