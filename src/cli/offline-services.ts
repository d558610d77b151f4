/**
 * Runs a CLI command against the services without an HTTP server (no server is running): opens the
 * database (migrating it like `serve` would), builds the services without starting background work,
 * runs the command and closes everything.
 */
import { resolve } from 'node:path';
import pino from 'pino';
import { MIGRATION_SETS } from '../migration-sets.ts';
import type { Config } from '../platform/config.ts';
import type { Platform } from '../platform/service-module.ts';
import { SERVICES } from '../platform/service-names.ts';
import { createProcessBox } from '../runtime/box-settings.ts';
import { inProcessClients } from '../runtime/clients.ts';
import { openProcessDatabase } from '../runtime/database-setup.ts';
import { createInProcessDelivery } from '../runtime/delivery.ts';
import { createProcessBasics } from '../runtime/process-basics.ts';
import { createServices, type Services } from '../runtime/services.ts';

export async function withOfflineServices<T>(
  config: Config,
  fn: (services: Services) => Promise<T>,
): Promise<T> {
  const basics = createProcessBasics({
    config: { ...config, LOG_LEVEL: 'warn' },
    components: [...SERVICES],
    processName: 'cli',
    // Logs go to stderr: stdout is the command's output (tables, --json documents).
    logDestination: pino.destination({ dest: 2, sync: true }),
  });
  const db = await openProcessDatabase({
    config,
    dataDir: resolve(config.AUDITOR_DATA_DIR),
    processName: 'cli',
    metrics: basics.metrics,
    logger: basics.logger,
    migrations: MIGRATION_SETS,
    migrate: config.AUDITOR_AUTO_MIGRATE,
  });
  db.stopGauges();
  let services: Services = {};
  const platform: Platform = {
    ...basics,
    pool: db.pool,
    mode: 'all-in-one',
    deliver: createInProcessDelivery(() => ({})),
    clients: inProcessClients(() => services),

    box: createProcessBox(basics),
  };
  try {
    services = await createServices(platform, [...SERVICES]);
    return await fn(services);
  } finally {
    await db.close();
  }
}
