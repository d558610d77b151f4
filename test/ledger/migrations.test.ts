import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MIGRATION_SETS } from '../../src/migration-sets.ts';
import { type DatabasePool, openDatabase } from '../../src/platform/db/database.ts';
import { migrateDown, migrateUp, migrationStatus } from '../../src/platform/db/migrator.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { tablesOf } from './ledger-support.ts';

describe('ledger migrations', () => {
  let database: TestDatabase;
  let pool: DatabasePool;
  const set = MIGRATION_SETS.find((s) => s.service === 'verification')!;

  before(async () => {
    database = await createTestDatabase();
    pool = await openDatabase({
      url: database.url,
      dataDir: '.',
      poolMax: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
      applicationName: 'ledger-migrations-test',
    });
  });
  after(async () => {
    await pool.close();
    await database.drop();
  });

  test('go down one step at a time to nothing, and up again to the same tables', async () => {
    const full = await tablesOf(pool, 'ledger');
    for (const t of [
      'logs',
      'leaves',
      'tiles',
      'checkpoints',
      'cosignatures',
      'refused_leaves',
      'baseline_requests',
    ])
      assert.ok(full.includes(t), t);

    assert.deepEqual(await migrateDown(pool.db, set), [4]);
    const afterFour = await tablesOf(pool, 'ledger');
    assert.ok(!afterFour.includes('verifications') && !afterFour.includes('file_versions'));
    assert.ok(afterFour.includes('baseline_requests'));
    assert.deepEqual(await migrateDown(pool.db, set), [3]);
    const afterThree = await tablesOf(pool, 'ledger');
    assert.ok(!afterThree.includes('refused_leaves') && !afterThree.includes('baseline_requests'));
    assert.ok(afterThree.includes('leaves'));
    assert.deepEqual(await migrateDown(pool.db, set), [2]);
    assert.ok(!(await tablesOf(pool, 'ledger')).includes('leaves'));
    assert.deepEqual(await migrateDown(pool.db, set, 0), [1]);
    assert.deepEqual(await tablesOf(pool, 'ledger'), [], 'the schema is gone');

    assert.deepEqual(await migrateUp(pool.db, set), [1, 2, 3, 4]);
    assert.deepEqual(await tablesOf(pool, 'ledger'), full);
    const [status] = await migrationStatus(pool.db, [set]);
    assert.equal(status?.current, true);
  });
});
