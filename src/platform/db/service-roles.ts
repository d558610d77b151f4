/**
 * Database roles for distributed mode: one NOLOGIN role per service (`auditor_<service>`) with rights
 * on its own schema only. Login roles for the running services are created by the operator (or the
 * tests) as members of these (`createServiceLogin`), so a service's connection cannot read another
 * service's tables. Re-applied after every `migrate up` so new tables are covered.
 */
import { sql } from 'kysely';
import type { AnyDb } from './database.ts';

export const serviceRoleName = (service: string) => `auditor_${service}`;

export async function ensureServiceRole(db: AnyDb, service: string, schema: string): Promise<void> {
  const role = serviceRoleName(service);
  await sql
    .raw(
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN; END IF;
       EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    )
    .execute(db);
  const r = sql.id(role);
  const s = sql.id(schema);
  await sql`grant usage on schema ${s} to ${r}`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema ${s} to ${r}`.execute(db);
  await sql`grant usage, select, update on all sequences in schema ${s} to ${r}`.execute(db);
  await sql`grant execute on all functions in schema ${s} to ${r}`.execute(db);
  await sql`alter default privileges in schema ${s} grant select, insert, update, delete on tables to ${r}`.execute(
    db,
  );
  await sql`alter default privileges in schema ${s} grant usage, select, update on sequences to ${r}`.execute(
    db,
  );
}

/** A login role that is a member of the service's role (operator tooling and tests). */
export async function createServiceLogin(
  db: AnyDb,
  service: string,
  login: string,
  password: string,
): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(login))
    throw new Error('login names are lower-case letters, digits and _');
  await sql
    .raw(
      `CREATE ROLE ${login} LOGIN PASSWORD '${password.replaceAll("'", "''")}' IN ROLE ${serviceRoleName(service)}`,
    )
    .execute(db);
}
