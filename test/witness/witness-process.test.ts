import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  createCosignatureVerifier,
  createNoteVerifier,
  findCosignatures,
  openNote,
} from '../../src/ledger/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { type RunningWitness, startWitnessProcess } from '../../src/runtime/witness-process.ts';
import { createCosignatureSync } from '../../src/services/verification/cosignature-sync.ts';
import { createWitnessHttpClient } from '../../src/services/witness/witness-client.ts';
import { ledgerOf } from '../ledger/ledger-support.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestApp, type TestApp, testEnv } from '../support/test-app.ts';

describe('witness in its own process and database (distributed mode)', () => {
  let app: TestApp;
  let admin: { token: string; orgId: string };
  let witnessDb: TestDatabase;
  let witness: RunningWitness;
  let dataDir: string;

  before(async () => {
    app = await startTestApp();
    admin = await app.bootstrapAdmin('admin@witness.test');
    const minted = await app.api.post(
      '/api/v1/api-tokens',
      { name: 'witness', scopes: ['read', 'ledger:read'] },
      admin.token,
    );
    assert.equal(minted.statusCode, 201);
    await app.drainOutboxes();
    await ledgerOf(app).checkpoints.signDue({ force: true });

    witnessDb = await createTestDatabase({ empty: true });
    dataDir = mkdtempSync(join(tmpdir(), 'auditor-witness-'));
    const config = loadConfig(
      testEnv({
        AUDITOR_DATA_DIR: dataDir,
        AUDITOR_WITNESS_DATABASE_URL: witnessDb.url,
        AUDITOR_WITNESS_TOKEN: minted.json().token,
        AUDITOR_VERIFICATION_URL: app.url,
        AUDITOR_WITNESS_INTERVAL: '1h',
      }),
    );
    const logs: string[] = [];
    witness = await startWitnessProcess({
      config,
      logDestination: { write: (l: string) => void logs.push(l) },
    });
  });
  after(async () => {
    await witness?.close();
    await app.stop();
    await witnessDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('reads the ledger over HTTP with its token, cosigns into its own database, and serves the cosignature', async () => {
    const [outcome] = await witness.witness.witness.runOnce();
    assert.equal(outcome?.result, 'cosigned');
    assert.equal(outcome?.origin, ledgerOf(app).originOf(admin.orgId));

    const own = await openDatabase({
      url: witnessDb.url,
      dataDir,
      poolMax: 1,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 10_000,
      applicationName: 'test',
    });
    try {
      const rows = await sql<{ origin: string }>`select origin from witness.logs`.execute(own.db);
      assert.deepEqual(
        rows.rows.map((r) => r.origin),
        [outcome!.origin],
      );
    } finally {
      await own.close();
    }
    const inMain = await sql<{ n: number }>`select count(*)::int as n from witness.logs`.execute(
      app.platform.pool.db,
    );
    assert.equal(inMain.rows[0]!.n, 0, 'nothing in the main database');

    const keyRes = await fetch(`${witness.url}/witness/v1/public-key`);
    assert.equal(keyRes.status, 200);
    const witnessKey = ((await keyRes.json()) as { verifierKey: string }).verifierKey;
    const metrics = await (await fetch(`${witness.url}/metrics`)).text();
    assert.match(metrics, /^auditor_witness_consistency_failures_total 0$/m);
    assert.equal((await fetch(`${witness.url}/health/ready`)).status, 200);

    // The verification service pulls the cosignature from the witness's HTTP routes.
    const sync = createCosignatureSync({
      db: app.platform.pool.db,
      repo: ledgerOf(app).repo,
      witness: () => createWitnessHttpClient(witness.url),
      clock: app.platform.clock,
      log: app.platform.logger,
    });
    assert.equal(await sync.syncOnce(), 1);
    assert.equal(await sync.witnessKey(), witnessKey);
    const served = await app.api.get('/api/v1/ledger/witness', admin.token);
    assert.equal(served.statusCode, 200);
    assert.equal(findCosignatures(served.body, createCosignatureVerifier(witnessKey)).length, 1);
    const logKey = (await app.api.get('/api/v1/ledger/public-keys')).json().log;
    assert.equal(openNote(served.body, [createNoteVerifier(logKey)]).verified.length, 1);
  });
});
