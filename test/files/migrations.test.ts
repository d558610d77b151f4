import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { MIGRATION_SETS } from '../../src/migration-sets.ts';
import { type DatabasePool, openDatabase } from '../../src/platform/db/database.ts';
import { migrateDown, migrateUp, migrationStatus } from '../../src/platform/db/migrator.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

async function tablesOf(pool: DatabasePool, schema: string): Promise<string[]> {
  const res = await sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = ${schema}
    order by table_name`.execute(pool.db);
  return res.rows.map((r) => r.name);
}

async function indexesOf(pool: DatabasePool, schema: string): Promise<string[]> {
  const res = await sql<{ name: string }>`
    select indexname as name from pg_indexes where schemaname = ${schema} order by indexname`.execute(
    pool.db,
  );
  return res.rows.map((r) => r.name);
}

describe('file service migrations', () => {
  let database: TestDatabase;
  let pool: DatabasePool;
  const set = MIGRATION_SETS.find((s) => s.service === 'file')!;

  before(async () => {
    database = await createTestDatabase();
    pool = await openDatabase({
      url: database.url,
      dataDir: '.',
      poolMax: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
      applicationName: 'file-migrations-test',
    });
  });
  after(async () => {
    await pool.close();
    await database.drop();
  });

  test('go down one step at a time to nothing, and up again to the same tables and indexes', async () => {
    const full = await tablesOf(pool, 'file');
    const indexes = await indexesOf(pool, 'file');
    for (const t of ['items', 'observations', 'enrichment_queue', 'outbox', 'inbox'])
      assert.ok(full.includes(t), t);
    for (const i of [
      'items_ancestors_idx',
      'items_sha1_idx',
      'observations_sha1_idx',
      'observations_enrichment_once_idx',
    ])
      assert.ok(indexes.includes(i), i);

    assert.deepEqual(await migrateDown(pool.db, set), [3]);
    assert.ok(!(await tablesOf(pool, 'file')).includes('enrichment_queue'));
    assert.ok((await tablesOf(pool, 'file')).includes('items'));
    assert.deepEqual(await migrateDown(pool.db, set), [2]);
    const afterTwo = await tablesOf(pool, 'file');
    assert.ok(!afterTwo.includes('items') && !afterTwo.includes('observations'));
    assert.deepEqual(await migrateDown(pool.db, set, 0), [1]);
    assert.deepEqual(await tablesOf(pool, 'file'), [], 'the schema is empty');

    assert.deepEqual(await migrateUp(pool.db, set), [1, 2, 3]);
    assert.deepEqual(await tablesOf(pool, 'file'), full);
    assert.deepEqual(await indexesOf(pool, 'file'), indexes);
    const [status] = await migrationStatus(pool.db, [set]);
    assert.equal(status?.current, true);
  });

  test('descendant and copy lookups use their indexes on a large catalogue', async () => {
    const org = '00000000-0000-4000-8000-000000000001';
    await sql`
      insert into file.items (org_id, item_type, item_id, name, parent_id, ancestor_ids, path_names, ancestry_verified,
        ancestry_at, owner_id, sha1, size, status, version_id, fetched_at, source)
      select ${org}::uuid, 'file', 'f' || g, 'n' || g, 'd' || (g % 1000),
             array['0', 'top' || (g % 10), 'd' || (g % 1000)], array['All Files', 't', 'd'], true,
             now(), 'u', md5(g::text), g, 'active', 'v' || g, now(), 'enrichment'
      from generate_series(1, 100000) g`.execute(pool.db);
    await sql`analyze file.items`.execute(pool.db);
    const plan = async (q: ReturnType<typeof sql>) =>
      (await sql<{ 'QUERY PLAN': string }>`explain ${q}`.execute(pool.db)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    const below = await plan(
      sql`select item_id from file.items where org_id = ${org} and ancestor_ids @> array['d7']`,
    );
    assert.match(below, /items_ancestors_idx/, below);
    const copies = await plan(sql`select item_id from file.items where org_id = ${org} and sha1 = ${'abc'}`);
    assert.match(copies, /items_sha1_idx/, copies);
  });
});
