/**
 * `auditor ops capacity` (plan §8.1): database size per schema, growth per day and CPU/memory from
 * Prometheus, projected linearly to 6 and 12 months next to the plan's table.
 *
 * Growth of the database: rows appended per day over the last 30 days to the append-only tables
 * (event.events by created_at, ledger.leaves by appended_at) times their average bytes per row (table
 * and indexes). CPU (cores, rate of process_cpu_seconds_total) and memory (process_resident_memory_bytes)
 * per service now and 30 days ago give their trend.
 */
import { sql } from 'kysely';
import type { AnyDb } from '../platform/db/database.ts';
import type { PrometheusClient } from './prometheus-client.ts';
import { OUR_SCHEMAS } from './schemas.ts';

/** Plan §8.1 (現在 / 6ヶ月後 / 12ヶ月後). */
export const PLAN_CAPACITY = [
  { resource: 'CPU', now: '40%', in6Months: '55%', in12Months: '70%' },
  { resource: 'Memory', now: '50%', in6Months: '65%', in12Months: '80%' },
  { resource: 'Storage (PostgreSQL)', now: '100GB', in6Months: '200GB', in12Months: '400GB' },
  {
    resource: 'Storage (Cassandra → PostgreSQL event schema)',
    now: '500GB',
    in6Months: '1TB',
    in12Months: '2TB',
  },
] as const;

export interface SchemaSize {
  schema: string;
  bytes: number;
}

export interface Growth {
  table: string;
  rowsPerDay: number;
  bytesPerRow: number;
  bytesPerDay: number;
  note?: string;
}

export interface Projection {
  resource: string;
  unit: 'bytes' | 'cores';
  now: number;
  perDay: number;
  in6Months: number;
  in12Months: number;
}

export interface CapacityReport {
  schemas: SchemaSize[];
  totalBytes: number;
  eventsPerDay: number;
  growth: Growth[];
  projections: Projection[];
  notes: string[];
}

const DAYS_6M = 182.5;
const DAYS_12M = 365;

export function project(resource: string, unit: Projection['unit'], now: number, perDay: number): Projection {
  return {
    resource,
    unit,
    now,
    perDay,
    in6Months: Math.max(0, now + perDay * DAYS_6M),
    in12Months: Math.max(0, now + perDay * DAYS_12M),
  };
}

async function tableExists(db: AnyDb, schema: string, table: string): Promise<boolean> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from information_schema.tables
     where table_schema = ${schema} and table_name = ${table}`.execute(db);
  return (r.rows[0]?.n ?? 0) > 0;
}

async function tableBytes(db: AnyDb, schema: string, table: string): Promise<number> {
  // A partitioned table's size is that of its partitions.
  const r = await sql<{ b: number }>`
    select coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 as b
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${schema} and c.relkind in ('r', 'm')
       and (c.relname = ${table} or c.oid in (
            select inhrelid from pg_inherits i join pg_class p on p.oid = i.inhparent
             where p.relname = ${table} and p.relnamespace = n.oid))`.execute(db);
  return Number(r.rows[0]?.b ?? 0);
}

async function appendGrowth(db: AnyDb, schema: string, table: string, column: string): Promise<Growth> {
  const name = `${schema}.${table}`;
  if (!(await tableExists(db, schema, table)))
    return { table: name, rowsPerDay: 0, bytesPerRow: 0, bytesPerDay: 0, note: `${name} does not exist yet` };
  const t = sql.table(name);
  const c = sql.ref(column);
  const r = await sql<{ recent: number; total: number; first: Date | null }>`
    select (select count(*) from ${t} where ${c} >= now() - interval '30 days')::float8 as recent,
           (select count(*) from ${t})::float8 as total,
           (select min(${c}) from ${t}) as first`.execute(db);
  const recent = Number(r.rows[0]?.recent ?? 0);
  const total = Number(r.rows[0]?.total ?? 0);
  const first = r.rows[0]?.first ? new Date(r.rows[0].first) : null;
  // Over 30 days, or since the first row when the table is younger (at least one day).
  const days = first ? Math.min(30, Math.max(1, (Date.now() - first.getTime()) / 86_400_000)) : 30;
  const bytes = await tableBytes(db, schema, table);
  const bytesPerRow = total > 0 ? bytes / total : 0;
  const rowsPerDay = recent / days;
  return { table: name, rowsPerDay, bytesPerRow, bytesPerDay: rowsPerDay * bytesPerRow };
}

export async function databaseCapacity(
  db: AnyDb,
): Promise<Omit<CapacityReport, 'projections'> & { projection: Projection }> {
  const sizes = await sql<{ s: string; b: number }>`
    select n.nspname as s, coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 as b
      from pg_namespace n left join pg_class c on c.relnamespace = n.oid and c.relkind in ('r', 'm')
     where n.nspname in (${sql.join(OUR_SCHEMAS.map((s) => sql.lit(s)))})
     group by n.nspname order by n.nspname`.execute(db);
  const schemas = sizes.rows.map((r) => ({ schema: r.s, bytes: Number(r.b) }));
  const totalBytes = schemas.reduce((a, s) => a + s.bytes, 0);
  const notes: string[] = [];
  const events = await appendGrowth(db, 'event', 'events', 'created_at');
  if (events.note) notes.push(`${events.note}: event growth counted as 0`);
  const leaves = await appendGrowth(db, 'ledger', 'leaves', 'appended_at');
  if (leaves.note) notes.push(leaves.note);
  const growth = [events, leaves];
  const perDay = growth.reduce((a, g) => a + g.bytesPerDay, 0);
  return {
    schemas,
    totalBytes,
    eventsPerDay: events.rowsPerDay,
    growth,
    notes,
    projection: project('database (our schemas)', 'bytes', totalBytes, perDay),
  };
}

/** CPU cores and resident memory of our processes now and 30 days ago, per service. */
export async function resourceProjections(prom: PrometheusClient, now = new Date()): Promise<Projection[]> {
  const monthAgo = new Date(now.getTime() - 30 * 86_400_000);
  const cpuExpr = 'sum(rate(process_cpu_seconds_total{service!=""}[1h]))';
  const memExpr = 'sum(process_resident_memory_bytes{service!=""})';
  const [cpuNow, cpuThen, memNow, memThen] = await Promise.all([
    prom.query(cpuExpr, now),
    prom.query(cpuExpr, monthAgo),
    prom.query(memExpr, now),
    prom.query(memExpr, monthAgo),
  ]);
  const v = (s: { value: number }[]) => (s[0] && Number.isFinite(s[0].value) ? s[0].value : undefined);
  const out: Projection[] = [];
  const cn = v(cpuNow);
  if (cn !== undefined) out.push(project('CPU (all processes)', 'cores', cn, (cn - (v(cpuThen) ?? cn)) / 30));
  const mn = v(memNow);
  if (mn !== undefined)
    out.push(project('Memory (all processes)', 'bytes', mn, (mn - (v(memThen) ?? mn)) / 30));
  return out;
}
