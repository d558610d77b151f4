/** Migrates the test run's template database: every component, plus the service roles. */
import { MIGRATION_SETS } from '../../migration-sets.ts';
import { openDatabase } from './database.ts';
import { migrateUp } from './migrator.ts';
import { ensureServiceRole } from './service-roles.ts';

export async function migrateTemplateDatabase(url: string): Promise<void> {
  const pool = await openDatabase({
    url,
    dataDir: '.',
    poolMax: 2,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 120_000,
    applicationName: 'auditor-test-template',
  });
  try {
    for (const set of MIGRATION_SETS) {
      await migrateUp(pool.db, set);
      await ensureServiceRole(pool.db, set.service, set.schema);
    }
  } finally {
    await pool.close();
  }
}
