/**
 * Where the witness keeps its record: schema `witness` of the main database by default, or its own
 * database (AUDITOR_WITNESS_DATABASE_URL) so that it can sit in another trust domain. The separate
 * database is opened on first use (so commands that never run the witness never connect) and
 * migrated like `serve` migrates the main one (or only checked when AUDITOR_AUTO_MIGRATE=false).
 */
import type { Config } from '../../platform/config.ts';
import { type Database, type DatabasePool, openDatabase } from '../../platform/db/database.ts';
import { assertCurrent, migrateUp } from '../../platform/db/migrator.ts';
import type { Logger } from '../../platform/logging.ts';
import type { Metrics } from '../../platform/metrics.ts';
import { PROCESS_NAMES } from '../../platform/service-names.ts';
import { WITNESS_MIGRATION_SET } from './migrations/index.ts';

export interface WitnessDatabase {
  get(): Promise<Database>;
  close(): Promise<void>;
}

export function createWitnessDatabase(d: {
  config: Config;
  dataDir: string;
  mainPool: DatabasePool;
  logger: Logger;
  metrics?: Metrics;
}): WitnessDatabase {
  const url = d.config.AUDITOR_WITNESS_DATABASE_URL;
  if (!url) {
    const database = d.mainPool.forService(PROCESS_NAMES.witness);
    return { get: async () => database, close: async () => {} };
  }
  let opening: Promise<DatabasePool> | undefined;
  const open = async (): Promise<DatabasePool> => {
    const pool = await openDatabase({
      url,
      dataDir: d.dataDir,
      poolMax: 2,
      connectTimeoutMs: d.config.AUDITOR_DB_CONNECT_TIMEOUT,
      statementTimeoutMs: d.config.AUDITOR_DB_STATEMENT_TIMEOUT,
      applicationName: PROCESS_NAMES.witness,
      ...(d.metrics ? { metrics: d.metrics } : {}),
    });
    try {
      if (d.config.AUDITOR_AUTO_MIGRATE) {
        await migrateUp(pool.db, WITNESS_MIGRATION_SET, undefined, (line) => d.logger.info(line));
      } else {
        await assertCurrent(pool.db, [WITNESS_MIGRATION_SET]);
      }
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  };
  return {
    async get() {
      opening ??= open().catch((err) => {
        opening = undefined; // try again next time
        throw err;
      });
      return (await opening).forService(PROCESS_NAMES.witness);
    },
    async close() {
      const pending = opening;
      opening = undefined;
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  };
}
