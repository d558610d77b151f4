/** Composition of the audit service. */
import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import { auditMigrations } from './migrations/index.ts';

export interface AuditService {
  module: ServiceModule;
}

export async function createAuditService(ctx: ServiceContext): Promise<AuditService> {
  const module = assembleModule(ctx, { name: 'audit', migrations: auditMigrations });
  return { module };
}
