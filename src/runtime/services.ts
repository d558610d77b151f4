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
import { createInProcessLedgerSource } from '../services/witness/ledger-source.ts';
import { createWitnessComponent, type WitnessComponent } from '../services/witness/witness-component.ts';
import { createWitnessDatabase } from '../services/witness/witness-database.ts';

export interface Services {
  identity?: IdentityService;
  audit?: AuditService;
  file?: FileService;
  event?: EventService;
  verification?: VerificationService;
  /** All-in-one only: the witness, in-process (alone, it runs as `auditor serve witness`). */
  witness?: WitnessComponent;
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
    s.verification = await createVerificationService(
      contextFor(platform, 'verification'),
      platform.mode === 'all-in-one' ? { witness: () => s.witness?.client } : {},
    );
  if (platform.mode === 'all-in-one' && s.verification)
    s.witness = createInProcessWitness(platform, s.verification);
  return s;
}

/** The witness beside the services, reading the ledger through its public API functions only. */
function createInProcessWitness(platform: Platform, verification: VerificationService): WitnessComponent {
  const log = platform.rootLogger.child({ service: PROCESS_NAMES.witness });
  const { config, dataDir, metrics } = platform;
  return createWitnessComponent({
    config,
    dataDir,
    clock: platform.clock,
    log,
    metrics,
    database: createWitnessDatabase({ config, dataDir, mainPool: platform.pool, logger: log, metrics }),
    source: createInProcessLedgerSource({
      api: () => verification.ledger.api,
      orgIds: () => verification.ledger.orgIds(),
    }),
  });
}

export function modulesOf(s: Services): ServiceModule[] {
  return [s.identity, s.audit, s.file, s.event, s.verification]
    .filter((x) => x !== undefined)
    .map((x) => x.module);
}
