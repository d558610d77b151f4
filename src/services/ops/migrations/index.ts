import type { MigrationSet } from '../../../platform/db/migrator.ts';
import { incidentTables } from './0001-incidents.ts';

export const opsMigrations = [incidentTables];

/** The `ops` schema: incident records, hosted by the identity service process. */
export const OPS_MIGRATION_SET: MigrationSet = { service: 'ops', schema: 'ops', migrations: opsMigrations };
