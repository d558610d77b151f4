/**
 * `auditor db maintain` (plan §2.2, §7.1): VACUUM (ANALYZE) weekly, ANALYZE daily, and the monthly
 * REINDEX … CONCURRENTLY, one table or index of our schemas at a time so that each statement is
 * short, holds no lock that blocks writes (REINDEX CONCURRENTLY) and can be followed in the output.
 * None of these can run inside a transaction block: each is its own statement on the pool.
 */
import { sql } from 'kysely';
import type { AnyDb } from '../platform/db/database.ts';
import { OUR_SCHEMAS } from './schemas.ts';

export type MaintenanceTask = 'vacuum' | 'analyze' | 'reindex';

export interface MaintenanceStep {
  task: MaintenanceTask;
  target: string;
  statement: string;
  ms: number;
  ok: boolean;
  error?: string;
}

export async function listTables(db: AnyDb, schemas: readonly string[]): Promise<string[]> {
  const r = await sql<{ s: string; t: string }>`
    select table_schema as s, table_name as t from information_schema.tables
     where table_type = 'BASE TABLE' and table_schema in (${sql.join(schemas.map((s) => sql.lit(s)))})
     order by 1, 2`.execute(db);
  return r.rows.map((x) => `${x.s}.${x.t}`);
}

export async function listIndexes(db: AnyDb, schemas: readonly string[]): Promise<string[]> {
  const r = await sql<{ s: string; i: string }>`
    select schemaname as s, indexname as i from pg_indexes
     where schemaname in (${sql.join(schemas.map((s) => sql.lit(s)))})
     order by 1, 2`.execute(db);
  return r.rows.map((x) => `${x.s}.${x.i}`);
}

const quoted = (qualified: string) =>
  qualified
    .split('.')
    .map((p) => `"${p.replaceAll('"', '""')}"`)
    .join('.');

export function statementFor(task: MaintenanceTask, target: string, concurrently = true): string {
  switch (task) {
    case 'vacuum':
      return `VACUUM (ANALYZE) ${quoted(target)}`;
    case 'analyze':
      return `ANALYZE ${quoted(target)}`;
    case 'reindex':
      return `REINDEX INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${quoted(target)}`;
  }
}

/**
 * Runs the tasks over every table (vacuum, analyze) or index (reindex) of `schemas`. A failing step
 * is recorded and the rest still run (a REINDEX CONCURRENTLY that fails leaves an invalid `_ccnew`
 * index, reported so it can be dropped). The embedded database has no CONCURRENTLY.
 */
export async function runMaintenance(
  db: AnyDb,
  tasks: MaintenanceTask[],
  o: { schemas?: readonly string[]; concurrently?: boolean; onStep?: (s: MaintenanceStep) => void } = {},
): Promise<MaintenanceStep[]> {
  const schemas = o.schemas ?? OUR_SCHEMAS;
  const steps: MaintenanceStep[] = [];
  for (const task of tasks) {
    const targets = task === 'reindex' ? await listIndexes(db, schemas) : await listTables(db, schemas);
    for (const target of targets) {
      const statement = statementFor(task, target, o.concurrently !== false);
      const started = Date.now();
      const step: MaintenanceStep = { task, target, statement, ms: 0, ok: true };
      try {
        await sql.raw(statement).execute(db);
      } catch (err) {
        step.ok = false;
        step.error = (err as Error).message;
      }
      step.ms = Date.now() - started;
      steps.push(step);
      o.onStep?.(step);
    }
  }
  return steps;
}
