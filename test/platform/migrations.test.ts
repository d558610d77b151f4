/**
 * Every migration set goes up, down to 0 one step at a time (each `down` is exercised) and up again,
 * on real PostgreSQL and on PGlite, and ends in the same schema as the first time. A database holding
 * a version this build does not know is refused at start-up.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { MIGRATION_SETS } from '../../src/migration-sets.ts';
import { type DatabasePool, openDatabase } from '../../src/platform/db/database.ts';
import {
  assertCurrent,
  migrateDown,
  migrateUp,
  migrationStatus,
  SchemaNotCurrentError,
} from '../../src/platform/db/migrator.ts';
import { ensureServiceRole } from '../../src/platform/db/service-roles.ts';
import { createTestDatabase, type TestDatabase, testPgBaseUrl } from '../support/database.ts';

const SCHEMAS = MIGRATION_SETS.map((s) => s.schema);

/** Tables, columns, indexes and constraints of our schemas: what "the same schema" means here. */
async function catalog(pool: DatabasePool): Promise<string[]> {
  const list = sql.join(SCHEMAS.map((s) => sql.lit(s)));
  const columns = await sql<{ x: string }>`
    select table_schema || '.' || table_name || '.' || column_name || ':' || data_type || ':' || is_nullable as x
    from information_schema.columns where table_schema in (${list})`.execute(pool.db);
  const indexes = await sql<{ x: string }>`
    select schemaname || '.' || indexname || ':' || indexdef as x from pg_indexes where schemaname in (${list})`.execute(
    pool.db,
  );
  const constraints = await sql<{ x: string }>`
    select n.nspname || '.' || c.conname || ':' || pg_get_constraintdef(c.oid) as x
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname in (${list})`.execute(
    pool.db,
  );
  return [...columns.rows, ...indexes.rows, ...constraints.rows].map((r) => r.x).sort();
}

async function ourSchemas(pool: DatabasePool): Promise<string[]> {
  const res = await sql<{ s: string }>`
    select schema_name as s from information_schema.schemata
    where schema_name in (${sql.join(SCHEMAS.map((s) => sql.lit(s)))}) order by 1`.execute(pool.db);
  return res.rows.map((r) => r.s);
}

function roundTrip(name: string, open: () => Promise<{ pool: DatabasePool; cleanup(): Promise<void> }>) {
  describe(`migrations on ${name}`, () => {
    let opened: { pool: DatabasePool; cleanup(): Promise<void> } | undefined;
    after(() => opened?.cleanup());

    test(`every set goes up, down to 0 step by step, and up again to the same schema (${name})`, async () => {
      opened = await open();
      const { pool } = opened;
      assert.deepEqual(await ourSchemas(pool), []);
      for (const set of MIGRATION_SETS) {
        const applied = await migrateUp(pool.db, set);
        assert.deepEqual(
          applied,
          set.migrations.map((m) => m.version),
          `${set.service} applied every version`,
        );
        if (pool.kind === 'postgres') await ensureServiceRole(pool.db, set.service, set.schema);
      }
      await assertCurrent(pool.db, MIGRATION_SETS);
      const first = await catalog(pool);
      assert.ok(first.length > 50, 'the catalogue is not empty');

      for (const set of [...MIGRATION_SETS].reverse()) {
        for (const version of [...set.migrations].reverse().map((m) => m.version)) {
          assert.deepEqual(
            await migrateDown(pool.db, set),
            [version],
            `${set.service} reverts ${version} alone`,
          );
        }
        assert.deepEqual(await migrateDown(pool.db, set), [], `${set.service} has nothing left to revert`);
      }
      assert.deepEqual(
        await ourSchemas(pool),
        [],
        'every schema is gone: each down removed what its up made',
      );

      for (const set of MIGRATION_SETS) await migrateUp(pool.db, set);
      assert.deepEqual(await catalog(pool), first);
      assert.ok((await migrationStatus(pool.db, MIGRATION_SETS)).every((s) => s.current));

      // `down --to 0` in one call from the top, then up again.
      for (const set of [...MIGRATION_SETS].reverse()) await migrateDown(pool.db, set, 0);
      assert.deepEqual(await ourSchemas(pool), []);
      for (const set of MIGRATION_SETS) await migrateUp(pool.db, set);
      assert.deepEqual(await catalog(pool), first);
    });

    test(`a database with a version this build does not know is refused (${name})`, async () => {
      assert.ok(opened, 'runs after the round trip');
      const { pool } = opened;
      await sql`insert into identity.schema_migrations (version, name) values (999, 'from a newer release')`.execute(
        pool.db,
      );
      await assert.rejects(assertCurrent(pool.db, MIGRATION_SETS), (err: Error) => {
        assert.ok(err instanceof SchemaNotCurrentError);
        assert.match(err.message, /identity has unknown newer versions 999/);
        return true;
      });
      await assert.rejects(migrateDown(pool.db, MIGRATION_SETS[0]!), /versions 999 this build does not know/);
    });
  });
}

if (testPgBaseUrl()) {
  roundTrip('PostgreSQL', async () => {
    const db: TestDatabase = await createTestDatabase({ empty: true });
    const pool = await openDatabase({
      url: db.url,
      dataDir: '.',
      poolMax: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 60_000,
      applicationName: 'migrations-test',
    });
    return {
      pool,
      async cleanup() {
        await pool.close();
        await db.drop();
      },
    };
  });
}

roundTrip('PGlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditor-migrations-'));
  const pool = await openDatabase({
    memory: true,
    dataDir: dir,
    poolMax: 1,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 60_000,
    applicationName: 'migrations-test',
  });
  return {
    pool,
    async cleanup() {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
