import type { MigrationSet } from '../../../platform/db/migrator.ts';
import { SCHEMAS } from '../../../platform/service-names.ts';
import { witnessTables } from './0001-witness.ts';

export const witnessMigrations = [witnessTables];

/** The witness's migrations: in the main database by default, in AUDITOR_WITNESS_DATABASE_URL if set. */
export const WITNESS_MIGRATION_SET: MigrationSet = {
  service: 'witness',
  schema: SCHEMAS.witness,
  migrations: witnessMigrations,
};
