/**
 * Versioned migrations per service schema, each with a `down`. Applied versions are recorded in
 * `<schema>.schema_migrations`. Each step runs in its own transaction under an advisory lock, so two
 * processes starting at once cannot apply the same step twice. A schema holding a version this build
 * does not know (a newer release ran) makes `assertCurrent` refuse to start.
 */
import { sql } from 'kysely';
import type { AnyDb, AnyTrx } from './database.ts';

export interface Migration {
  version: number;
  name: string;
  up(trx: AnyTrx): Promise<void>;
  down(trx: AnyTrx): Promise<void>;
}

export interface MigrationSet {
  /** Component name (identity, audit, file, event, verification, witness). */
  service: string;
  schema: string;
  migrations: Migration[];
}

export interface MigrationStatus {
  service: string;
  schema: string;
  applied: number[];
  pending: number[];
  /** Applied versions this build does not know: the database is newer than the code. */
  unknown: number[];
  current: boolean;
}

const LOCK_KEY = 720_101;

async function appliedVersions(db: AnyDb | AnyTrx, schema: string): Promise<number[]> {
  const exists = await sql<{ ok: boolean }>`
    select exists (select 1 from information_schema.tables
                   where table_schema = ${schema} and table_name = 'schema_migrations') as ok`.execute(db);
  if (!exists.rows[0]?.ok) return [];
  const res = await sql<{
    version: number;
  }>`select version from ${sql.table(`${schema}.schema_migrations`)} order by version`.execute(db);
  return res.rows.map((r) => Number(r.version));
}

function validateSet(set: MigrationSet): void {
  const versions = set.migrations.map((m) => m.version);
  const sorted = [...versions].sort((a, b) => a - b);
  if (new Set(versions).size !== versions.length || versions.some((v, i) => v !== sorted[i])) {
    throw new Error(`migrations of ${set.service} must have unique, ascending versions`);
  }
}

export async function migrationStatus(db: AnyDb, sets: MigrationSet[]): Promise<MigrationStatus[]> {
  const out: MigrationStatus[] = [];
  for (const set of sets) {
    validateSet(set);
    const applied = await appliedVersions(db, set.schema);
    const known = new Set(set.migrations.map((m) => m.version));
    const pending = set.migrations.map((m) => m.version).filter((v) => !applied.includes(v));
    const unknown = applied.filter((v) => !known.has(v));
    out.push({
      service: set.service,
      schema: set.schema,
      applied,
      pending,
      unknown,
      current: pending.length === 0 && unknown.length === 0,
    });
  }
  return out;
}

async function lock(trx: AnyTrx, schema: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LOCK_KEY}, hashtext(${schema}))`.execute(trx);
}

export type MigrateLog = (line: string) => void;

/** Applies pending migrations up to `to` (default: all). Returns the versions applied. */
export async function migrateUp(
  db: AnyDb,
  set: MigrationSet,
  to?: number,
  log: MigrateLog = () => {},
): Promise<number[]> {
  validateSet(set);
  const done: number[] = [];
  for (const migration of set.migrations) {
    if (to !== undefined && migration.version > to) break;
    const applied = await db.transaction().execute(async (trx) => {
      await lock(trx, set.schema);
      await sql`create schema if not exists ${sql.id(set.schema)}`.execute(trx);
      await sql`create table if not exists ${sql.table(`${set.schema}.schema_migrations`)} (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now())`.execute(trx);
      if ((await appliedVersions(trx, set.schema)).includes(migration.version)) return false;
      await migration.up(trx);
      await sql`insert into ${sql.table(`${set.schema}.schema_migrations`)} (version, name)
                values (${migration.version}, ${migration.name})`.execute(trx);
      return true;
    });
    if (applied) {
      done.push(migration.version);
      log(`${set.service}: applied ${migration.version} ${migration.name}`);
    }
  }
  return done;
}

/**
 * Reverts one step, or every step above `to` (`to = 0` reverts everything and drops the schema).
 * Returns the versions reverted.
 */
export async function migrateDown(
  db: AnyDb,
  set: MigrationSet,
  to?: number,
  log: MigrateLog = () => {},
): Promise<number[]> {
  validateSet(set);
  const applied = await appliedVersions(db, set.schema);
  const unknown = applied.filter((v) => !set.migrations.some((m) => m.version === v));
  if (unknown.length > 0) {
    throw new Error(
      `${set.service}: the database has versions ${unknown.join(', ')} this build does not know; revert with the newer build`,
    );
  }
  const targets = [...applied]
    .sort((a, b) => b - a)
    .filter((v) => (to === undefined ? v === Math.max(...applied) : v > to));
  const done: number[] = [];
  for (const version of targets) {
    const migration = set.migrations.find((m) => m.version === version)!;
    await db.transaction().execute(async (trx) => {
      await lock(trx, set.schema);
      await migration.down(trx);
      await sql`delete from ${sql.table(`${set.schema}.schema_migrations`)} where version = ${version}`.execute(
        trx,
      );
    });
    done.push(version);
    log(`${set.service}: reverted ${version} ${migration.name}`);
  }
  if ((await appliedVersions(db, set.schema)).length === 0 && targets.length > 0) {
    await db.transaction().execute(async (trx) => {
      await lock(trx, set.schema);
      await sql`drop table if exists ${sql.table(`${set.schema}.schema_migrations`)}`.execute(trx);
      // No CASCADE: if a down forgot an object, dropping the schema fails and says so.
      await sql`drop schema if exists ${sql.id(set.schema)}`.execute(trx);
    });
  }
  return done;
}

export class SchemaNotCurrentError extends Error {
  constructor(readonly statuses: MigrationStatus[]) {
    const parts = statuses
      .filter((s) => !s.current)
      .map((s) =>
        s.unknown.length > 0
          ? `${s.service} has unknown newer versions ${s.unknown.join(', ')} (a newer release migrated this database)`
          : `${s.service} has pending migrations ${s.pending.join(', ')} (run \`auditor migrate up\`)`,
      );
    super(`database schema is not current: ${parts.join('; ')}`);
    this.name = 'SchemaNotCurrentError';
  }
}

export async function assertCurrent(db: AnyDb, sets: MigrationSet[]): Promise<void> {
  const statuses = await migrationStatus(db, sets);
  if (statuses.some((s) => !s.current)) throw new SchemaNotCurrentError(statuses);
}
