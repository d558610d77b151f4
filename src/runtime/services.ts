/** Builds the five services of a process (all of them, or one) on a shared platform. */
import type { Database } from '../platform/db/database.ts';
import type { Platform, ServiceContext, ServiceModule } from '../platform/service-module.ts';
import { PROCESS_NAMES, type ServiceName } from '../platform/service-names.ts';
import { type AuditService, createAuditService } from '../services/audit/audit-module.ts';
import { createEventService, type EventService } from '../services/event/event-module.ts';
import { createFileService, type FileService } from '../services/file/file-module.ts';
import { createIdentityService, type IdentityService } from '../services/identity/identity-module.ts';
import {
  createVerificationService,
  type VerificationService,
} from '../services/verification/verification-module.ts';

export interface Services {
  identity?: IdentityService;
  audit?: AuditService;
  file?: FileService;
  event?: EventService;
  verification?: VerificationService;
}

export function contextFor(platform: Platform, name: ServiceName, database?: Database): ServiceContext {
  const processName = PROCESS_NAMES[name];
  return {
    ...platform,
    database: database ?? platform.pool.forService(processName),
    processName,
    log: platform.rootLogger.child({ service: processName }),
  };
}

export async function createServices(platform: Platform, names: ServiceName[]): Promise<Services> {
  const s: Services = {};
  if (names.includes('identity')) s.identity = await createIdentityService(contextFor(platform, 'identity'));
  if (names.includes('audit')) s.audit = await createAuditService(contextFor(platform, 'audit'));
  if (names.includes('file')) s.file = await createFileService(contextFor(platform, 'file'));
  if (names.includes('event')) s.event = await createEventService(contextFor(platform, 'event'));
  if (names.includes('verification'))
    s.verification = await createVerificationService(contextFor(platform, 'verification'));
  return s;
}

export function modulesOf(s: Services): ServiceModule[] {
  return [s.identity, s.audit, s.file, s.event, s.verification]
    .filter((x) => x !== undefined)
    .map((x) => x.module);
}
