/** Composition of the verification service. */

import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import { verificationMigrations } from './migrations/index.ts';
import type { VerificationClient } from './verification-client.ts';

export interface VerificationService {
  module: ServiceModule;
  client: VerificationClient;
}

export async function createVerificationService(ctx: ServiceContext): Promise<VerificationService> {
  const module = assembleModule(ctx, { name: 'verification', migrations: verificationMigrations });
  return { module, client: {} };
}
