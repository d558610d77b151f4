/** Every component's migrations, in the order they are applied. */
import type { MigrationSet } from './platform/db/migrator.ts';
import { SCHEMAS } from './platform/service-names.ts';
import { auditMigrations } from './services/audit/migrations/index.ts';
import { eventMigrations } from './services/event/migrations/index.ts';
import { fileMigrations } from './services/file/migrations/index.ts';
import { identityMigrations } from './services/identity/migrations/index.ts';
import { OPS_MIGRATION_SET } from './services/ops/migrations/index.ts';
import { verificationMigrations } from './services/verification/migrations/index.ts';
import { WITNESS_MIGRATION_SET } from './services/witness/migrations/index.ts';

export const MIGRATION_SETS: MigrationSet[] = [
  { service: 'identity', schema: SCHEMAS.identity, migrations: identityMigrations },
  { service: 'audit', schema: SCHEMAS.audit, migrations: auditMigrations },
  { service: 'file', schema: SCHEMAS.file, migrations: fileMigrations },
  { service: 'event', schema: SCHEMAS.event, migrations: eventMigrations },
  { service: 'verification', schema: SCHEMAS.verification, migrations: verificationMigrations },
  WITNESS_MIGRATION_SET,
  OPS_MIGRATION_SET,
];

/** Sets migrated by another component's process: the identity service hosts the ops schema. */
const HOSTED_BY: Record<string, string> = { ops: 'identity' };

/**
 * The sets of the named components (all when none is named). `withHosted` adds the sets their
 * processes host (a distributed identity process migrates and checks `ops` too); `migrate down
 * --service identity` leaves `ops` alone.
 */
export function migrationSetsFor(services?: string[], o: { withHosted?: boolean } = {}): MigrationSet[] {
  if (!services || services.length === 0) return MIGRATION_SETS;
  const unknown = services.filter((s) => !MIGRATION_SETS.some((m) => m.service === s));
  if (unknown.length > 0)
    throw new Error(
      `unknown service ${unknown.join(', ')}; known: ${MIGRATION_SETS.map((m) => m.service).join(', ')}`,
    );
  return MIGRATION_SETS.filter(
    (m) =>
      services.includes(m.service) ||
      (o.withHosted === true && services.includes(HOSTED_BY[m.service] ?? '')),
  );
}
