/** What the audit service's parts depend on (assembled in audit-module.ts). */
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logging.ts';
import type { Publish } from '../../platform/messaging/outbox.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import type { AuditTables } from './audit-tables.ts';

export interface AuditDeps {
  database: Database<AuditTables>;
  clients: Pick<ServiceClients, 'identity' | 'file'>;
  publish: Publish;
  clock: Clock;
  log: Logger;
}

/** Deleted sets can be restored by an audit admin for this long (product.md F5.1). */
export const RESTORE_WINDOW_MS = 30 * 86_400_000;
