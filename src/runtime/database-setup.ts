/**
 * Opening the database for a process: the PGlite data-directory lock, the pool, migrations (applied
 * by `serve` unless AUDITOR_AUTO_MIGRATE=false, else only checked), service roles on PostgreSQL, and
 * the pool/cluster gauges.
 */
import { startDbStatsCollector } from '../ops/db-stats-collector.ts';
import type { Config } from '../platform/config.ts';
import { acquireDataDirLock, type DataDirLock } from '../platform/data-dir-lock.ts';
import { type DatabasePool, openDatabase } from '../platform/db/database.ts';
import { assertCurrent, type MigrationSet, migrateUp } from '../platform/db/migrator.ts';
import { ensureServiceRole } from '../platform/db/service-roles.ts';
import type { Logger } from '../platform/logging.ts';
import type { Metrics } from '../platform/metrics.ts';

export interface OpenedDatabase {
  pool: DatabasePool;
  lock?: DataDirLock | undefined;
  stopGauges(): void;
  close(): Promise<void>;
}

export async function openProcessDatabase(o: {
  config: Config;
  dataDir: string;
  url?: string | undefined;
  processName: string;
  metrics: Metrics;
  logger: Logger;
  migrations: MigrationSet[];
  migrate: boolean;
  memory?: boolean;
}): Promise<OpenedDatabase> {
  const url = o.url ?? o.config.DATABASE_URL;
  const lock = url || o.memory ? undefined : acquireDataDirLock(o.dataDir);
  let pool: DatabasePool;
  try {
    pool = await openDatabase({
      url,
      dataDir: o.dataDir,
      poolMax: o.config.AUDITOR_DB_POOL_MAX,
      connectTimeoutMs: o.config.AUDITOR_DB_CONNECT_TIMEOUT,
      statementTimeoutMs: o.config.AUDITOR_DB_STATEMENT_TIMEOUT,
      applicationName: o.processName,
      metrics: o.metrics,
      memory: o.memory,
      onPoolReset: (reason) =>
        o.logger.warn({ reason }, 'database connection lost or primary moved; reconnecting'),
    });
    if (o.migrate) {
      for (const set of o.migrations) {
        await migrateUp(pool.db, set, undefined, (line) => o.logger.info(line));
        if (pool.kind === 'postgres') {
          await ensureServiceRole(pool.db, set.service, set.schema).catch((err) =>
            o.logger.warn(
              { err: (err as Error).message },
              'could not create service database roles (needs CREATEROLE)',
            ),
          );
        }
      }
    } else {
      await assertCurrent(pool.db, o.migrations);
    }
  } catch (err) {
    lock?.release();
    throw err;
  }

  const updateGauges = async () => {
    const stats = pool.stats();
    o.metrics.dbPoolActive.set({ service: o.processName }, stats.active);
    o.metrics.dbPoolMax.set({ service: o.processName }, stats.max);
    const hosts = await pool.probeHosts();
    o.metrics.dbClusterHealthy.set(hosts.healthy);
    o.metrics.dbClusterExpected.set(hosts.expected);
  };
  await updateGauges().catch(() => {});
  const timer = setInterval(() => void updateGauges().catch(() => {}), 10_000);
  timer.unref();
  const dbStats = startDbStatsCollector({
    pool,
    metrics: o.metrics,
    schemas: o.migrations.map((m) => m.schema),
    intervalMs: o.config.AUDITOR_DB_STATS_INTERVAL,
    logger: o.logger,
  });
  return {
    pool,
    lock,
    stopGauges: () => {
      clearInterval(timer);
      dbStats.stop();
    },
    async close() {
      clearInterval(timer);
      dbStats.stop();
      await pool.close();
      lock?.release();
    },
  };
}
