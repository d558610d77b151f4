import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  createCosignatureVerifier,
  createNoteSigner,
  findCosignatures,
  generateNoteKeys,
  signCheckpoint,
} from '../../src/ledger/index.ts';
import type { WitnessOutcome } from '../../src/services/witness/witness-service.ts';
import { envelope, ledgerOf, logIdOf } from '../ledger/ledger-support.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('witness', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(() => app.stop());

  const db = () => app.platform.pool.db;
  const witness = () => app.services.witness!.witness;
  const failures = async () => {
    const metric = app.platform.metrics.registry.getSingleMetric(
      'auditor_witness_consistency_failures_total',
    );
    return (await metric!.get()).values.reduce((sum, v) => sum + v.value, 0);
  };

  async function grow(orgId: string, leaves: number): Promise<number> {
    const messages = Array.from({ length: leaves }, () =>
      envelope('audit.set_created', { v: 1, orgId, actorId: null, setId: randomUUID(), name: 'Contracts' }),
    );
    await app.services.verification!.module.receiver!.receive('verification.ledger', messages);
    await ledgerOf(app).checkpoints.signDue({ force: true });
    return (await ledgerOf(app).reader.log(orgId))!.treeSize;
  }

  /** Runs the witness once; returns this organisation's outcome and the rise of the failure counter. */
  async function witnessRun(
    orgId: string,
  ): Promise<{ outcome: WitnessOutcome; refusedNow: number; rise: number }> {
    const before = await failures();
    const outcomes = await witness().runOnce();
    const rise = (await failures()) - before;
    const outcome = outcomes.find((o) => o.log === orgId);
    assert.ok(outcome, 'the witness watched the organisation');
    return { outcome, refusedNow: outcomes.filter((o) => o.result === 'refused').length, rise };
  }

  function logSigner() {
    const key = readFileSync(
      join(app.config.AUDITOR_DATA_DIR, 'secrets', 'ledger-signer.key'),
      'utf8',
    ).trim();
    return createNoteSigner(key);
  }

  /** An organisation whose log the witness has cosigned at two sizes (the second via a consistency proof). */
  async function cosignedLog(): Promise<{ orgId: string; logId: number; first: number; second: number }> {
    const orgId = randomUUID();
    const first = await grow(orgId, 40);
    assert.deepEqual((({ result, treeSize }) => ({ result, treeSize }))((await witnessRun(orgId)).outcome), {
      result: 'cosigned',
      treeSize: first,
    });
    const second = await grow(orgId, 300);
    assert.deepEqual((({ result, treeSize }) => ({ result, treeSize }))((await witnessRun(orgId)).outcome), {
      result: 'cosigned',
      treeSize: second,
    });
    return { orgId, logId: await logIdOf(app, orgId), first, second };
  }

  test('cosigns each new checkpoint once, keeps every cosignature, and publishes them', async () => {
    const { orgId, first, second } = await cosignedLog();
    assert.equal((await witnessRun(orgId)).outcome.result, 'unchanged');
    const origin = ledgerOf(app).originOf(orgId);
    const rows = await sql<{ tree_size: number }>`
      select tree_size from witness.cosignatures where origin = ${origin} order by tree_size`.execute(db());
    assert.deepEqual(
      rows.rows.map((r) => Number(r.tree_size)),
      [first, second],
    );
    const [published] = await app.services.witness!.client.cosigned([origin, 'elsewhere/unknown']);
    assert.equal(published?.treeSize, second);
    const verifier = createCosignatureVerifier(await app.services.witness!.client.verifierKey());
    assert.equal(findCosignatures(published!.note, verifier).length, 1);
  });

  test('a fork (another root at the cosigned size) is refused, recorded, logged and counted, every time it is seen', async () => {
    const { orgId, logId, second } = await cosignedLog();
    const origin = ledgerOf(app).originOf(orgId);
    const forged = signCheckpoint({ origin, treeSize: second, rootHash: Buffer.alloc(32, 1) }, [logSigner()]);
    await sql`update ledger.checkpoints set note = ${forged}, root = ${Buffer.alloc(32, 1)}
              where log_id = ${logId} and tree_size = ${second}`.execute(db());

    const run = await witnessRun(orgId);
    assert.equal(run.outcome.result, 'refused');
    assert.equal(run.outcome.code, 'FORK');
    assert.ok(run.rise >= 1);
    assert.equal(run.rise, run.refusedNow);
    assert.ok(
      app.logs.some((l) => l.includes('"level":"error"') && l.includes('(FORK)') && l.includes(origin)),
    );
    const again = await witnessRun(orgId);
    assert.equal(again.outcome.code, 'FORK');
    assert.equal(again.rise, again.refusedNow);
    const refusals = await sql<{
      code: string;
      tree_size: number;
      previous_size: number;
      occurrences: number;
    }>`
      select code, tree_size, previous_size, occurrences from witness.refusals where origin = ${origin}`.execute(
      db(),
    );
    assert.deepEqual(
      refusals.rows.map((r) => [r.code, Number(r.tree_size), Number(r.previous_size), r.occurrences]),
      [['FORK', second, second, 2]],
    );
    // The accepted state did not move.
    const state = await sql<{
      tree_size: number;
    }>`select tree_size from witness.logs where origin = ${origin}`.execute(db());
    assert.equal(Number(state.rows[0]!.tree_size), second);
  });

  test('a rollback (a smaller latest checkpoint than the cosigned one) is refused and counted', async () => {
    const { orgId, logId, second, first } = await cosignedLog();
    await sql`delete from ledger.checkpoints where log_id = ${logId} and tree_size = ${second}`.execute(db());
    const run = await witnessRun(orgId);
    assert.equal(run.outcome.code, 'ROLLBACK');
    assert.equal(run.outcome.treeSize, first);
    assert.ok(run.rise >= 1);
  });

  test('a larger checkpoint whose root does not extend the cosigned tree is refused as inconsistent', async () => {
    const { orgId, logId } = await cosignedLog();
    const origin = ledgerOf(app).originOf(orgId);
    const third = await grow(orgId, 5);
    // Signed with the real key, but over a root the leaves do not give.
    const forged = signCheckpoint({ origin, treeSize: third, rootHash: Buffer.alloc(32, 3) }, [logSigner()]);
    await sql`update ledger.checkpoints set note = ${forged}, root = ${Buffer.alloc(32, 3)}
              where log_id = ${logId} and tree_size = ${third}`.execute(db());
    const run = await witnessRun(orgId);
    assert.equal(run.outcome.code, 'INCONSISTENT');
    assert.ok(run.rise >= 1);
  });

  test('a checkpoint larger than the log can prove is refused as inconsistent', async () => {
    const { orgId, logId, second } = await cosignedLog();
    const origin = ledgerOf(app).originOf(orgId);
    // What a log restored from an old backup serves next to a checkpoint signed before the loss.
    const claimed = second + 50;
    const note = signCheckpoint({ origin, treeSize: claimed, rootHash: Buffer.alloc(32, 4) }, [logSigner()]);
    await sql`insert into ledger.checkpoints (log_id, tree_size, root, note)
              values (${logId}, ${claimed}, ${Buffer.alloc(32, 4)}, ${note})`.execute(db());
    const run = await witnessRun(orgId);
    assert.equal(run.outcome.code, 'INCONSISTENT');
    assert.match(run.outcome.message ?? '', /PROOF_RANGE_INVALID/);
    assert.ok(run.rise >= 1);
  });

  test('a checkpoint not signed by the pinned log key is refused as a bad signature', async () => {
    const { orgId, logId, second } = await cosignedLog();
    const origin = ledgerOf(app).originOf(orgId);
    const third = await grow(orgId, 5);
    const row = (
      await sql<{
        root: Buffer;
      }>`select root from ledger.checkpoints where log_id = ${logId} and tree_size = ${third}`.execute(db())
    ).rows[0]!;
    // Same key name, another key: what a log operator who lost (or replaced) the key would serve.
    const impostor = createNoteSigner(generateNoteKeys(app.config.AUDITOR_INSTALLATION_NAME).signerKey);
    const note = signCheckpoint({ origin, treeSize: third, rootHash: row.root }, [impostor]);
    await sql`update ledger.checkpoints set note = ${note} where log_id = ${logId} and tree_size = ${third}`.execute(
      db(),
    );
    const run = await witnessRun(orgId);
    assert.equal(run.outcome.code, 'BAD_SIGNATURE');
    assert.ok(run.rise >= 1);
    const state = await sql<{
      tree_size: number;
    }>`select tree_size from witness.logs where origin = ${origin}`.execute(db());
    assert.equal(Number(state.rows[0]!.tree_size), second);
  });
});
