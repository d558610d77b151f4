/** Composition of the audit service: sets, collaborators, groups, items, access logs, decisions. */
import type { Database } from '../../platform/db/database.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import { createPublisher } from '../../platform/messaging/outbox.ts';
import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import { createAccessLogs } from './access-logs.ts';
import { createAuditAccess } from './audit-access.ts';
import type { AuditClient } from './audit-client.ts';
import type { AuditDeps } from './audit-deps.ts';
import { createIdentityHandler, createVerificationHandler } from './audit-handlers.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import type { AuditTables } from './audit-tables.ts';
import { createGroupsService } from './groups-service.ts';
import { registerAuditInternalRoutes } from './internal-routes.ts';
import { createItemsService } from './items-service.ts';
import { auditMigrations } from './migrations/index.ts';
import { createSetsService } from './sets-service.ts';

export interface AuditService {
  module: ServiceModule;
  client: AuditClient;
}

export async function createAuditService(ctx: ServiceContext): Promise<AuditService> {
  const deps: AuditDeps = {
    database: ctx.database as Database<AuditTables>,
    clients: ctx.clients,
    publish: createPublisher('audit'),
    clock: ctx.clock,
    log: ctx.log,
  };
  const sets = createSetsService(deps);
  const items = createItemsService(deps, sets);
  const groups = createGroupsService(deps);
  const accessLogs = createAccessLogs(deps);
  const client = createAuditAccess(deps, accessLogs);
  const module = assembleModule(ctx, {
    name: 'audit',
    migrations: auditMigrations,
    handlers: [createIdentityHandler(deps), createVerificationHandler(deps)],
    jobs: [createIntervalJob('purge-deleted-sets', 3_600_000, () => sets.purgeExpired(), ctx.log)],
    registerRoutes(app) {
      registerAuditRoutes(app, { sets, items, groups, accessLogs });
      registerAuditInternalRoutes(app, client);
    },
  });
  return { module, client };
}
