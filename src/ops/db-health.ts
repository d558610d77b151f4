/**
 * `auditor db health` (plan §2.2): dead tuples and last (auto)vacuum per table of our schemas,
 * long-running queries, replication lag seen from a primary (per standby) and from a standby, unused
 * and bloated indexes, outbox backlog. `readDbHealth` only reads statistics views; `evaluateDbHealth`
 * is pure and turns a report and thresholds into findings (any finding = non-zero exit).
 * Other sessions' queries show in pg_stat_activity only for a role with pg_monitor (or superuser).
 */
import { sql } from 'kysely';
import type { AnyDb } from '../platform/db/database.ts';
import { OUR_SCHEMAS } from './schemas.ts';

export interface TableStats {
  schema: string;
  table: string;
  liveTuples: number;
  deadTuples: number;
  deadRatio: number;
  lastVacuum: string | null;
  lastAutovacuum: string | null;
  lastAnalyze: string | null;
  lastAutoanalyze: string | null;
}

export interface LongQuery {
  pid: number;
  seconds: number;
  state: string | null;
  application: string | null;
  query: string;
}

export interface ReplicaLag {
  /** Standby name (application_name) seen from the primary, or `self` on a standby. */
  name: string;
  state: string | null;
  lagSeconds: number;
  lagBytes: number | null;
}

export interface IndexStats {
  schema: string;
  table: string;
  index: string;
  scans: number;
  sizeBytes: number;
  unique: boolean;
  /** Estimated share of the index that is bloat (0..1), from the btree size vs its live rows. */
  bloatRatio: number | null;
}

export interface OutboxStats {
  schema: string;
  pending: number;
  oldestSeconds: number;
}

export interface DbHealthReport {
  checkedAt: string;
  role: 'primary' | 'standby';
  tables: TableStats[];
  longQueries: LongQuery[];
  replication: ReplicaLag[];
  indexes: IndexStats[];
  outbox: OutboxStats[];
}

export interface DbHealthThresholds {
  /** A table is flagged above this many dead tuples … */
  deadTuples: number;
  /** … when they are also at least this share of its rows (0 disables the ratio condition). */
  deadRatio: number;
  longQuerySeconds: number;
  replicaLagSeconds: number;
  /** Indexes never scanned and at least this large are reported unused (unique ones never). */
  unusedIndexBytes: number;
  bloatRatio: number;
  /** Bloat is only reported for indexes at least this large. */
  bloatMinBytes: number;
}

/** Plan §2.2 (5-minute queries) and the alert thresholds of deploy/prometheus/rules/database.yml. */
export const DEFAULT_THRESHOLDS: DbHealthThresholds = {
  deadTuples: 100_000,
  deadRatio: 0.2,
  longQuerySeconds: 300,
  replicaLagSeconds: 30,
  unusedIndexBytes: 10 * 1024 * 1024,
  bloatRatio: 0.5,
  bloatMinBytes: 10 * 1024 * 1024,
};

export interface Finding {
  kind: 'dead_tuples' | 'long_query' | 'replica_lag' | 'unused_index' | 'index_bloat';
  subject: string;
  value: number;
  threshold: number;
  message: string;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

export async function readDbHealth(
  db: AnyDb,
  o: { schemas?: readonly string[]; longQuerySeconds?: number } = {},
): Promise<DbHealthReport> {
  const schemas = [...(o.schemas ?? OUR_SCHEMAS)];
  const longSeconds = o.longQuerySeconds ?? DEFAULT_THRESHOLDS.longQuerySeconds;
  const schemaList = sql.join(schemas.map((s) => sql.lit(s)));

  const recovery = await sql<{ r: boolean }>`select pg_is_in_recovery() as r`.execute(db);
  const standby = recovery.rows[0]?.r === true;

  const tables = await sql<Record<string, unknown>>`
    select schemaname, relname, n_live_tup, n_dead_tup, last_vacuum, last_autovacuum,
           last_analyze, last_autoanalyze
      from pg_stat_user_tables
     where schemaname in (${schemaList})
     order by n_dead_tup desc, schemaname, relname`.execute(db);

  const long = await sql<Record<string, unknown>>`
    select pid, extract(epoch from now() - query_start)::float8 as seconds, state,
           application_name, left(query, 500) as query
      from pg_stat_activity
     where pid <> pg_backend_pid()
       and state is not null and state <> 'idle'
       and backend_type = 'client backend'
       and query_start < now() - make_interval(secs => ${longSeconds})
     order by query_start`.execute(db);

  const replication: ReplicaLag[] = [];
  if (standby) {
    const r = await sql<Record<string, unknown>>`
      select case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                  else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0) end::float8 as lag,
             pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 as bytes,
             (select status from pg_stat_wal_receiver limit 1) as state`.execute(db);
    const row = r.rows[0] ?? {};
    replication.push({
      name: 'self',
      state: (row.state as string | null) ?? null,
      lagSeconds: num(row.lag),
      lagBytes: row.bytes === null ? null : num(row.bytes),
    });
  } else {
    const r = await sql<Record<string, unknown>>`
      select application_name, state,
             coalesce(extract(epoch from replay_lag), 0)::float8 as lag,
             pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 as bytes
        from pg_stat_replication order by application_name`.execute(db);
    for (const row of r.rows)
      replication.push({
        name: String(row.application_name ?? ''),
        state: (row.state as string | null) ?? null,
        lagSeconds: num(row.lag),
        lagBytes: row.bytes === null ? null : num(row.bytes),
      });
  }

  // Index bloat estimate: a btree needs about (rows × (tuple size + 12 bytes overhead)) / fill factor;
  // what it occupies beyond that is counted as bloat. Rough, like every catalogue-only estimate, but
  // it ranks the indexes worth a REINDEX CONCURRENTLY.
  const indexes = await sql<Record<string, unknown>>`
    select s.schemaname, s.relname, s.indexrelname, s.idx_scan, i.indisunique,
           pg_relation_size(s.indexrelid)::float8 as size,
           c.reltuples::float8 as tuples,
           (select coalesce(sum(st.avg_width), 0) from pg_attribute a
              join pg_stats st on st.schemaname = s.schemaname and st.tablename = s.relname
                              and st.attname = a.attname
             where a.attrelid = i.indrelid and a.attnum = any(i.indkey))::float8 as width,
           current_setting('block_size')::float8 as block
      from pg_stat_user_indexes s
      join pg_index i on i.indexrelid = s.indexrelid
      join pg_class c on c.oid = s.indexrelid
      join pg_am am on am.oid = c.relam
     where s.schemaname in (${schemaList}) and am.amname = 'btree'
     order by s.schemaname, s.relname, s.indexrelname`.execute(db);

  let outbox: OutboxStats[] = [];
  const outboxSchemas = await sql<{ s: string }>`
    select table_schema as s from information_schema.tables
     where table_name = 'outbox' and table_schema in (${schemaList})
     order by table_schema`.execute(db);
  outbox = await Promise.all(
    outboxSchemas.rows.map(async ({ s }) => {
      const r = await sql<Record<string, unknown>>`
        select count(*)::int as pending,
               coalesce(extract(epoch from now() - min(o.created_at)), 0)::float8 as oldest
          from ${sql.table(`${s}.outbox`)} o
         where o.seq > coalesce((select min(delivered_seq) from ${sql.table(`${s}.outbox_progress`)}), 0)`.execute(
        db,
      );
      return { schema: s, pending: num(r.rows[0]?.pending), oldestSeconds: num(r.rows[0]?.oldest) };
    }),
  );

  return {
    checkedAt: new Date().toISOString(),
    role: standby ? 'standby' : 'primary',
    tables: tables.rows.map((r) => {
      const live = num(r.n_live_tup);
      const dead = num(r.n_dead_tup);
      return {
        schema: String(r.schemaname),
        table: String(r.relname),
        liveTuples: live,
        deadTuples: dead,
        deadRatio: live + dead === 0 ? 0 : dead / (live + dead),
        lastVacuum: iso(r.last_vacuum),
        lastAutovacuum: iso(r.last_autovacuum),
        lastAnalyze: iso(r.last_analyze),
        lastAutoanalyze: iso(r.last_autoanalyze),
      };
    }),
    longQueries: long.rows.map((r) => ({
      pid: num(r.pid),
      seconds: Math.round(num(r.seconds)),
      state: (r.state as string | null) ?? null,
      application: (r.application_name as string | null) || null,
      query: String(r.query ?? ''),
    })),
    replication,
    indexes: indexes.rows.map((r) => {
      const size = num(r.size);
      const tuples = num(r.tuples);
      const width = num(r.width);
      let bloat: number | null = null;
      if (size > 0 && tuples > 0 && width > 0) {
        const expected = Math.max(num(r.block), (tuples * (width + 12)) / 0.9);
        bloat = Math.max(0, Math.min(1, 1 - expected / size));
      }
      return {
        schema: String(r.schemaname),
        table: String(r.relname),
        index: String(r.indexrelname),
        scans: num(r.idx_scan),
        sizeBytes: size,
        unique: r.indisunique === true,
        bloatRatio: bloat,
      };
    }),
    outbox,
  };
}

export function evaluateDbHealth(report: DbHealthReport, t: DbHealthThresholds): Finding[] {
  const out: Finding[] = [];
  for (const table of report.tables) {
    if (table.deadTuples > t.deadTuples && table.deadRatio >= t.deadRatio) {
      out.push({
        kind: 'dead_tuples',
        subject: `${table.schema}.${table.table}`,
        value: table.deadTuples,
        threshold: t.deadTuples,
        message: `${table.deadTuples} dead tuples (${(table.deadRatio * 100).toFixed(0)} % of rows); last vacuum ${
          latest(table.lastVacuum, table.lastAutovacuum) ?? 'never'
        } - run \`auditor db maintain --vacuum\``,
      });
    }
  }
  for (const q of report.longQueries) {
    if (q.seconds >= t.longQuerySeconds) {
      out.push({
        kind: 'long_query',
        subject: `pid ${q.pid}`,
        value: q.seconds,
        threshold: t.longQuerySeconds,
        message: `running for ${q.seconds} s (${q.application ?? 'unknown client'}): ${q.query.slice(0, 120)}`,
      });
    }
  }
  for (const r of report.replication) {
    if (r.lagSeconds > t.replicaLagSeconds) {
      out.push({
        kind: 'replica_lag',
        subject: r.name,
        value: r.lagSeconds,
        threshold: t.replicaLagSeconds,
        message: `replay lag ${r.lagSeconds.toFixed(1)} s (${r.state ?? 'unknown state'})`,
      });
    }
  }
  for (const i of report.indexes) {
    if (!i.unique && i.scans === 0 && i.sizeBytes >= t.unusedIndexBytes) {
      out.push({
        kind: 'unused_index',
        subject: `${i.schema}.${i.index}`,
        value: i.sizeBytes,
        threshold: t.unusedIndexBytes,
        message: `never scanned since statistics were reset, ${formatBytes(i.sizeBytes)}`,
      });
    }
    if (i.bloatRatio !== null && i.sizeBytes >= t.bloatMinBytes && i.bloatRatio >= t.bloatRatio) {
      out.push({
        kind: 'index_bloat',
        subject: `${i.schema}.${i.index}`,
        value: i.bloatRatio,
        threshold: t.bloatRatio,
        message: `about ${(i.bloatRatio * 100).toFixed(0)} % of ${formatBytes(i.sizeBytes)} is bloat - \`auditor db maintain --reindex\` in the maintenance window`,
      });
    }
  }
  return out;
}

function latest(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}
