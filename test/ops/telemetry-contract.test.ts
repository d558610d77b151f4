/**
 * The telemetry contract (operations.md §2): every metric of ours that alerts, dashboards and
 * deploy/prometheus/metrics.json name is exported by the processes that should export it, with the
 * documented type and labels, from start-up, and without raw paths or user/file/path label values; and
 * the behaviours alerts watch really move their counters. Distributed processes are checked in
 * test/distributed/distributed.test.ts with the same contract; a detected tamper moving
 * auditor_tamper_detected_total through /metrics is driven in test/verification/outcomes.test.ts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createNoteSigner, signCheckpoint } from '../../src/ledger/index.ts';
import { envelope, ledgerOf, logIdOf } from '../ledger/ledger-support.ts';
import { contractProblems, sumOf } from '../support/metrics-contract.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PROCESSES = [
  'gateway',
  'identity-service',
  'audit-service',
  'file-service',
  'event-service',
  'verification-service',
  'witness',
];

describe('telemetry contract (all-in-one)', () => {
  let app: TestApp;
  let admin: { token: string; orgId: string };
  const scrape = async () => (await app.api.get('/metrics')).body;

  before(async () => {
    app = await startTestApp();
    admin = await app.bootstrapAdmin('admin@telemetry.test');
  });
  after(() => app.stop());

  test('every metric of the contract is exported from start-up with its documented type and labels', async () => {
    await app.api.get('/health/ready'); // so the HTTP metrics have a series to check
    const text = await scrape();
    const problems = [...new Set(PROCESSES.flatMap((p) => contractProblems(text, p)))];
    assert.deepEqual(problems, []);
  });

  test('HTTP metrics label routes by template, never by the requested path', async () => {
    const id = randomUUID();
    await app.api.get(`/api/v1/users/${id}`, admin.token);
    const text = await scrape();
    assert.ok(text.includes('route="/api/v1/users/:id"'));
    assert.ok(!text.includes(id), 'the user id appears nowhere in the metrics');
  });

  test('a failed transaction moves db_transactions_total{outcome="rollback"} and db_transaction_errors_total', async () => {
    const before = await scrape();
    const body = { name: 'Quarterly close' };
    assert.equal((await app.api.post('/api/v1/audit-sets', body, admin.token)).statusCode, 201);
    const duplicate = await app.api.post('/api/v1/audit-sets', { name: 'QUARTERLY CLOSE' }, admin.token);
    assert.equal(duplicate.statusCode, 409);
    const now = await scrape();
    const service = { service: 'audit-service' };
    assert.ok(
      sumOf(now, 'db_transaction_errors_total', service) >
        sumOf(before, 'db_transaction_errors_total', service),
    );
    assert.ok(
      sumOf(now, 'db_transactions_total', { ...service, outcome: 'rollback' }) >
        sumOf(before, 'db_transactions_total', { ...service, outcome: 'rollback' }),
    );
  });

  test('an undelivered message shows as outbox backlog, and delivering it clears the backlog', async () => {
    const relay = app.services.identity!.module.relay!;
    await app.api.post(
      '/api/v1/users',
      {
        email: `ea-${randomUUID().slice(0, 8)}@firm.test`,
        name: 'Backlog Auditor',
        password: 'a long enough password',
      },
      admin.token,
    );
    await relay.updateGauges();
    const backlog = await scrape();
    assert.ok(sumOf(backlog, 'auditor_outbox_pending', { service: 'identity-service' }) >= 1);
    await app.drainOutboxes();
    await relay.updateGauges();
    assert.equal(sumOf(await scrape(), 'auditor_outbox_pending', { service: 'identity-service' }), 0);
  });

  test('a forked log moves auditor_witness_consistency_failures_total', async () => {
    const orgId = randomUUID();
    const messages = Array.from({ length: 20 }, () =>
      envelope('audit.set_created', { v: 1, orgId, actorId: null, setId: randomUUID(), name: 'Contracts' }),
    );
    await app.services.verification!.module.receiver!.receive('verification.ledger', messages);
    await ledgerOf(app).checkpoints.signDue({ force: true });
    const size = (await ledgerOf(app).reader.log(orgId))!.treeSize;
    await app.services.witness!.witness.runOnce();
    const before = sumOf(await scrape(), 'auditor_witness_consistency_failures_total');

    // Rewrite the cosigned checkpoint with another root, properly signed: a fork.
    const key = readFileSync(
      join(app.config.AUDITOR_DATA_DIR, 'secrets', 'ledger-signer.key'),
      'utf8',
    ).trim();
    const forged = signCheckpoint(
      { origin: ledgerOf(app).originOf(orgId), treeSize: size, rootHash: Buffer.alloc(32, 7) },
      [createNoteSigner(key)],
    );
    await sql`update ledger.checkpoints set note = ${forged}, root = ${Buffer.alloc(32, 7)}
              where log_id = ${await logIdOf(app, orgId)} and tree_size = ${size}`.execute(
      app.platform.pool.db,
    );
    await app.services.witness!.witness.runOnce();
    assert.ok(sumOf(await scrape(), 'auditor_witness_consistency_failures_total') > before);
  });
});
