import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MIGRATION_SETS } from '../../src/migration-sets.ts';
import { type DatabasePool, openDatabase } from '../../src/platform/db/database.ts';
import { migrateDown, migrateUp } from '../../src/platform/db/migrator.ts';
import { WITNESS_MIGRATION_SET } from '../../src/services/witness/migrations/index.ts';
import { tablesOf } from '../ledger/ledger-support.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('witness migrations', () => {
  let database: TestDatabase;
  let pool: DatabasePool;

  before(async () => {
    database = await createTestDatabase();
    pool = await openDatabase({
      url: database.url,
      dataDir: '.',
      poolMax: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
      applicationName: 'witness-migrations-test',
    });
  });
  after(async () => {
    await pool.close();
    await database.drop();
  });

  test('the witness set is part of every installation and goes down and up again', async () => {
    assert.ok(MIGRATION_SETS.includes(WITNESS_MIGRATION_SET));
    assert.deepEqual(await tablesOf(pool, 'witness'), [
      'cosignatures',
      'logs',
      'refusals',
      'schema_migrations',
    ]);
    assert.deepEqual(await migrateDown(pool.db, WITNESS_MIGRATION_SET), [1]);
    assert.deepEqual(await tablesOf(pool, 'witness'), [], 'the schema is gone');
    assert.deepEqual(await migrateUp(pool.db, WITNESS_MIGRATION_SET), [1]);
    assert.deepEqual(await tablesOf(pool, 'witness'), [
      'cosignatures',
      'logs',
      'refusals',
      'schema_migrations',
    ]);
  });
});
