/**
 * Keeps the database gauges of the alert rules current (deploy/prometheus/rules/database.yml):
 *   auditor_db_dead_tuples{schema,table}   n_dead_tup of the tables of this process's own schemas
 *   auditor_db_replica_lag_seconds          slowest standby's replay lag seen from the primary (or, when
 *                                           connected to a standby, its own replay delay)
 *   auditor_db_long_running_queries         queries running for more than 5 minutes (plan §2.2)
 * Every service process runs one (AUDITOR_DB_STATS_INTERVAL); the DB-wide gauges are the same in each
 * and the rules take max(). Without pg_monitor other roles' queries are invisible and the lag reads 0.
 */
import type { DatabasePool } from '../platform/db/database.ts';
import type { Logger } from '../platform/logging.ts';
import type { Metrics } from '../platform/metrics.ts';
import { readDbHealth } from './db-health.ts';

export const LONG_RUNNING_SECONDS = 300;

export interface DbStatsCollector {
  collect(): Promise<void>;
  stop(): void;
}

export function startDbStatsCollector(o: {
  pool: DatabasePool;
  metrics: Metrics;
  schemas: string[];
  intervalMs: number;
  logger: Logger;
}): DbStatsCollector {
  const { metrics } = o;
  metrics.dbReplicaLag.set(0);
  metrics.dbLongRunningQueries.set(0);
  let warned = false;
  const collect = async () => {
    if (o.pool.kind !== 'postgres') return;
    const report = await readDbHealth(o.pool.db, {
      schemas: o.schemas,
      longQuerySeconds: LONG_RUNNING_SECONDS,
    });
    metrics.dbDeadTuples.reset();
    for (const t of report.tables)
      metrics.dbDeadTuples.set({ schema: t.schema, table: t.table }, t.deadTuples);
    metrics.dbReplicaLag.set(Math.max(0, ...report.replication.map((r) => r.lagSeconds)));
    metrics.dbLongRunningQueries.set(report.longQueries.length);
  };
  const run = () =>
    collect().catch((err) => {
      if (!warned) o.logger.warn({ err: (err as Error).message }, 'database statistics not readable');
      warned = true;
    });
  let timer: NodeJS.Timeout | undefined;
  if (o.intervalMs > 0 && o.schemas.length > 0) {
    void run();
    timer = setInterval(run, o.intervalMs);
    timer.unref();
  }
  return {
    collect,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
