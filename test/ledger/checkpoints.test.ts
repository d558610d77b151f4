import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createNoteVerifier, openCheckpoint } from '../../src/ledger/index.ts';
import { createManualClock } from '../../src/platform/clock.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { envelope, ledgerOf, logIdOf } from './ledger-support.ts';

describe('checkpoints', () => {
  const clock = createManualClock();
  let app: TestApp;

  before(async () => {
    app = await startTestApp({
      clock,
      env: { AUDITOR_CHECKPOINT_INTERVAL: '10s', AUDITOR_CHECKPOINT_MAX_LEAVES: '100' },
    });
  });
  after(() => app.stop());

  const append = async (orgId: string, n: number) =>
    app.services.verification!.module.receiver!.receive(
      'verification.ledger',
      Array.from({ length: n }, () =>
        envelope('audit.group_changed', {
          v: 1,
          orgId,
          actorId: null,
          groupId: randomUUID(),
          change: 'created',
          memberIds: [],
        }),
      ),
    );
  const gauge = async (name: string) =>
    (await app.platform.metrics.registry.getSingleMetric(name)!.get()).values[0]!.value;
  const sizes = async (orgId: string) =>
    (await ledgerOf(app).repo.checkpoints(app.platform.pool.db, await logIdOf(app, orgId))).map(
      (c) => c.treeSize,
    );

  test('a grown log is signed at once the first time, then after the interval or the leaf count', async () => {
    const orgId = randomUUID();
    const job = ledgerOf(app).checkpoints.job;
    await append(orgId, 10);
    await job.runNow();
    assert.deepEqual(await sizes(orgId), [10]);
    assert.equal(await gauge('auditor_ledger_tree_size'), 10);
    assert.equal(await gauge('auditor_ledger_checkpoint_age_seconds'), 0);

    await append(orgId, 50);
    clock.advance(4000);
    await job.runNow();
    assert.deepEqual(await sizes(orgId), [10], 'neither the interval nor 100 leaves yet');
    assert.equal(await gauge('auditor_ledger_checkpoint_age_seconds'), 4);
    assert.equal(await gauge('auditor_ledger_tree_size'), 60);

    clock.advance(6000);
    await job.runNow();
    assert.deepEqual(await sizes(orgId), [10, 60], 'the interval passed');
    assert.equal(await gauge('auditor_ledger_checkpoint_age_seconds'), 0);

    await append(orgId, 100);
    await job.runNow();
    assert.deepEqual(await sizes(orgId), [10, 60, 160], '100 leaves since the last one');
    await job.runNow();
    assert.deepEqual(await sizes(orgId), [10, 60, 160], 'nothing new, nothing signed');

    const note = (await ledgerOf(app).reader.latestCheckpoint(orgId))!.note;
    const { checkpoint } = openCheckpoint(
      note,
      [createNoteVerifier(ledgerOf(app).verifierKey)],
      ledgerOf(app).originOf(orgId),
    );
    assert.equal(checkpoint.treeSize, 160);
    assert.deepEqual(checkpoint.rootHash, (await ledgerOf(app).reader.log(orgId))!.root);
  });

  test('a head whose root the tiles do not give is never signed, and is reported', async () => {
    const orgId = randomUUID();
    await append(orgId, 5);
    const logId = await logIdOf(app, orgId);
    await sql`update ledger.logs set root = ${Buffer.alloc(32, 5)} where id = ${logId}`.execute(
      app.platform.pool.db,
    );
    assert.equal(await ledgerOf(app).checkpoints.signDue({ force: true }), 0);
    assert.deepEqual(await sizes(orgId), []);
    assert.ok(
      app.logs.some((l) => l.includes('ledger head and tiles disagree') && l.includes('"level":"error"')),
    );
  });
});
