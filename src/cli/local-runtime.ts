/**
 * How a CLI command reaches the data: while a server holds the embedded database, through its admin
 * socket; otherwise by opening the database itself (taking the lock for the embedded one).
 */
import { resolve } from 'node:path';
import { callAdminSocket } from '../platform/admin-socket.ts';
import { type Config, type ConfigKey, loadConfig } from '../platform/config.ts';
import { adminSocketPath, readLockHolder } from '../platform/data-dir-lock.ts';
import type { DatabasePool } from '../platform/db/database.ts';
import { createLogger } from '../platform/logging.ts';
import { createMetrics } from '../platform/metrics.ts';
import { openProcessDatabase } from '../runtime/database-setup.ts';

export function cliConfig(overrides: Partial<Record<ConfigKey, string>> = {}): Config {
  return loadConfig(process.env, overrides);
}

/** The admin socket of a running server on this data directory, if there is one. */
export function runningServerSocket(config: Config): string | undefined {
  if (config.DATABASE_URL) return undefined;
  return readLockHolder(resolve(config.AUDITOR_DATA_DIR))
    ? adminSocketPath(config.AUDITOR_DATA_DIR)
    : undefined;
}

export async function viaServer<T>(
  config: Config,
  command: string,
  args: Record<string, unknown>,
): Promise<T | undefined> {
  const socket = runningServerSocket(config);
  return socket ? callAdminSocket<T>(socket, command, args) : undefined;
}

/** Opens the database directly (no migrations), for commands run without a server. */
export async function withDatabase<T>(config: Config, fn: (pool: DatabasePool) => Promise<T>): Promise<T> {
  const logger = createLogger({ service: 'cli', level: 'warn' });
  const opened = await openProcessDatabase({
    config,
    dataDir: resolve(config.AUDITOR_DATA_DIR),
    processName: 'cli',
    metrics: createMetrics([]),
    logger,
    migrations: [],
    migrate: true,
  });
  opened.stopGauges();
  try {
    return await fn(opened.pool);
  } finally {
    await opened.close();
  }
}
