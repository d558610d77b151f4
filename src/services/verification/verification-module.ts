/**
 * Composition of the verification service. So far its ledger half: the per-organisation Merkle
 * log (intake from messages, checkpoints, proofs, public API, full audit) and the import of the
 * witness's cosignatures. File and set verification come later.
 */
import { createNoteVerifier } from '../../ledger/index.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import type { EventClient } from '../event/event-client.ts';
import { createWitnessHttpClient, type WitnessClient } from '../witness/witness-client.ts';
import { createBaselineRequestRecorder } from './baseline-requests.ts';
import { type Checkpointer, createCheckpointer } from './checkpointer.ts';
import { type CosignatureSync, createCosignatureSync } from './cosignature-sync.ts';
import { registerInternalLedgerRoutes } from './internal-routes.ts';
import { createLeafAppender, type LeafAppender } from './leaf-appender.ts';
import { createLedgerApi, type LedgerApi } from './ledger-api.ts';
import { createLedgerClient } from './ledger-client.ts';
import { createLedgerIntake } from './ledger-intake.ts';
import { loadLedgerSigner, logOrigin } from './ledger-keys.ts';
import { createLedgerReader, type LedgerReader } from './ledger-reader.ts';
import { createLedgerRepository, type LedgerRepository } from './ledger-repository.ts';
import { registerLedgerRoutes } from './ledger-routes.ts';
import { createLogAuditor, type LogAuditor } from './log-auditor.ts';
import { verificationMigrations } from './migrations/index.ts';
import type { VerificationClient } from './verification-client.ts';

export interface VerificationOptions {
  /** The event service's client (default: from the client registry; tests pass a fake). */
  events?: () => EventClient;
  /**
   * Where the witness publishes its cosignatures: the in-process witness in all-in-one mode;
   * by default the witness at AUDITOR_WITNESS_URL, or none.
   */
  witness?: () => WitnessClient | undefined;
}

export interface Ledger {
  /** The log's C2SP verifier key. */
  verifierKey: string;
  originOf(orgId: string): string;
  repo: LedgerRepository;
  appender: LeafAppender;
  reader: LedgerReader;
  api: LedgerApi;
  checkpoints: Checkpointer;
  cosignatures: CosignatureSync;
  auditor: LogAuditor;
  /** Organisations that have a log (the in-process witness watches these). */
  orgIds(): Promise<string[]>;
}

export interface VerificationService {
  module: ServiceModule;
  client: VerificationClient;
  ledger: Ledger;
}

export async function createVerificationService(
  ctx: ServiceContext,
  options: VerificationOptions = {},
): Promise<VerificationService> {
  const { config } = ctx;
  const db = ctx.database.db;
  const signer = loadLedgerSigner(config, ctx.dataDir);
  const repo = createLedgerRepository();
  const originOf = (orgId: string) => logOrigin(config.AUDITOR_INSTALLATION_NAME, orgId);
  const appender = createLeafAppender({ repo, clock: ctx.clock, originOf });
  const reader = createLedgerReader({ db, repo });

  const remoteWitness = config.AUDITOR_WITNESS_URL
    ? createWitnessHttpClient(config.AUDITOR_WITNESS_URL)
    : undefined;
  const witness = options.witness ?? (() => remoteWitness);
  const cosignatures = createCosignatureSync({ db, repo, witness, clock: ctx.clock, log: ctx.log });
  const publicKeys = async () => ({ log: signer.verifierKey, witness: await cosignatures.witnessKey() });
  const api = createLedgerApi({ reader, publicKeys });
  const client = createLedgerClient({ reader, publicKeys });

  const checkpoints = createCheckpointer({
    database: ctx.database,
    repo,
    signer,
    clock: ctx.clock,
    log: ctx.log,
    metrics: ctx.metrics,
    intervalMs: config.AUDITOR_CHECKPOINT_INTERVAL,
    maxLeaves: config.AUDITOR_CHECKPOINT_MAX_LEAVES,
  });
  const auditor = createLogAuditor({ db, repo, logVerifier: createNoteVerifier(signer.verifierKey) });
  const cosignatureJob = createIntervalJob(
    'witness-cosignatures',
    config.AUDITOR_WITNESS_INTERVAL,
    async () => {
      await cosignatures.syncOnce();
      return false;
    },
    ctx.log,
  );

  const module = assembleModule(ctx, {
    name: 'verification',
    migrations: verificationMigrations,
    handlers: [
      createLedgerIntake({
        appender,
        repo,
        events: options.events ?? (() => ctx.clients.event()),
        clock: ctx.clock,
        log: ctx.log,
      }),
      createBaselineRequestRecorder({ repo }),
    ],
    jobs: [checkpoints.job, cosignatureJob],
    registerRoutes(app) {
      registerLedgerRoutes(app, api);
      registerInternalLedgerRoutes(app, client);
    },
  });

  const ledger: Ledger = {
    verifierKey: signer.verifierKey,
    originOf,
    repo,
    appender,
    reader,
    api,
    checkpoints,
    cosignatures,
    auditor,
    orgIds: async () => (await repo.listLogs(db)).map((l) => l.orgId),
  };
  return { module, client, ledger };
}
