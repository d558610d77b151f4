/**
 * Composition of the verification service. The ledger: the per-organisation Merkle log (intake from
 * messages, checkpoints, proofs, public API, full audit) and the import of the witness's
 * cosignatures. Verification: baselines of items added to audit sets, file and set verification
 * with evidence and history, re-checks of PENDING and UNVERIFIABLE results, the schedule, and
 * evidence bundles.
 */
import { randomUUID } from 'node:crypto';
import { createNoteVerifier } from '../../ledger/index.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import { createLeaseStore } from '../../platform/messaging/leases.ts';
import { createPublisher } from '../../platform/messaging/outbox.ts';
import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import type { EventClient } from '../event/event-client.ts';
import { createWitnessHttpClient, type WitnessClient } from '../witness/witness-client.ts';
import { type BaselineJob, createBaselineJob } from './baseline-job.ts';
import { createBaselineRequestRecorder } from './baseline-requests.ts';
import { type BaselineStore, createBaselineStore } from './baseline-store.ts';
import { type BundleBuilder, createBundleBuilder } from './bundle-builder.ts';
import { type Checkpointer, createCheckpointer } from './checkpointer.ts';
import { type CosignatureSync, createCosignatureSync } from './cosignature-sync.ts';
import { createFileVerifier, type FileVerifier } from './file-verifier.ts';
import { registerInternalLedgerRoutes } from './internal-routes.ts';
import { createLeafAppender, type LeafAppender } from './leaf-appender.ts';
import { createLedgerApi, type LedgerApi } from './ledger-api.ts';
import { createLedgerClient } from './ledger-client.ts';
import { createLedgerIntake } from './ledger-intake.ts';
import { loadLedgerSigner, logOrigin } from './ledger-keys.ts';
import { createLedgerProver, type LedgerProver } from './ledger-prover.ts';
import { createLedgerReader, type LedgerReader } from './ledger-reader.ts';
import { createLedgerRepository, type LedgerRepository } from './ledger-repository.ts';
import { registerLedgerRoutes } from './ledger-routes.ts';
import { createLedgerStatus } from './ledger-status.ts';
import { createLogAuditor, type LogAuditor } from './log-auditor.ts';
import { createLogDirectory } from './log-directory.ts';
import { verificationMigrations } from './migrations/index.ts';
import { createRecheckJob, type RecheckJob } from './recheck-job.ts';
import { registerSetVerificationRoutes } from './set-verification-routes.ts';
import { createSetVerifier, type SetVerifier } from './set-verifier.ts';
import { createVerificationAccess, type VerificationAccess } from './verification-access.ts';
import type { VerificationClient } from './verification-client.ts';
import { registerVerificationRoutes } from './verification-routes.ts';
import { createVerificationSchedule, type VerificationSchedule } from './verification-schedule.ts';
import { createVerificationStore, type VerificationStore } from './verification-store.ts';

export interface VerificationOptions {
  /** The event texts the ledger intake appends (default: the event service's client; tests pass a fake). */
  events?: () => Pick<EventClient, 'leafTexts'>;
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

/** File and set verification, baselines and bundles (the other half of the service). */
export interface Verification {
  db: AnyDb;
  store: VerificationStore;
  prover: LedgerProver;
  files: FileVerifier;
  sets: SetVerifier;
  access: VerificationAccess;
  bundles: BundleBuilder;
  baselineStore: BaselineStore;
  baselines: BaselineJob;
  rechecks: RecheckJob;
  schedule: VerificationSchedule;
}

export interface VerificationService {
  module: ServiceModule;
  client: VerificationClient;
  ledger: Ledger;
  verification: Verification;
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
  const ledgerStatus = createLedgerStatus({
    db,
    repo,
    witness,
    originOf,
    clock: ctx.clock,
    log: ctx.log,
    checkpointIntervalMs: config.AUDITOR_CHECKPOINT_INTERVAL,
  });
  const client: VerificationClient = {
    ...createLedgerClient({ reader, publicKeys }),
    ledgerStatus: (orgId) => ledgerStatus.status(orgId),
  };

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

  const publish = createPublisher('ledger');
  const store = createVerificationStore();
  const baselineStore = createBaselineStore();
  const logs = createLogDirectory({ db, repo });
  const prover = createLedgerProver({ db, repo, logs, signLogNow: (orgId) => checkpoints.signLogNow(orgId) });
  const eventDelayMs = config.AUDITOR_VERIFY_EVENT_DELAY;
  const concurrency = config.AUDITOR_VERIFY_CONCURRENCY;
  const files = createFileVerifier({
    database: ctx.database,
    repo,
    logs,
    prover,
    store,
    clients: ctx.clients,
    publish,
    clock: ctx.clock,
    log: ctx.log,
    metrics: ctx.metrics,
    eventDelayMs,
  });
  const sets = createSetVerifier({
    db,
    store,
    baselines: baselineStore,
    verifier: files,
    clients: ctx.clients,
    clock: ctx.clock,
    log: ctx.log,
  });
  const access = createVerificationAccess({ db, store, clients: ctx.clients });
  const bundles = createBundleBuilder({
    db,
    repo,
    store,
    prover,
    signer,
    publicKeys,
    clients: ctx.clients,
    clock: ctx.clock,
  });
  const baselines = createBaselineJob({
    database: ctx.database,
    repo,
    store: baselineStore,
    clients: ctx.clients,
    publish,
    clock: ctx.clock,
    log: ctx.log,
    concurrency,
  });
  const rechecks = createRecheckJob({
    db,
    store,
    verifier: files,
    clients: ctx.clients,
    clock: ctx.clock,
    log: ctx.log,
    eventDelayMs,
    concurrency,
  });
  const schedule = createVerificationSchedule({
    db,
    sets,
    clients: ctx.clients,
    leases: createLeaseStore(db, 'ledger'),
    instanceId: `${ctx.processName}:${process.pid}:${randomUUID().slice(0, 8)}`,
    clock: ctx.clock,
    log: ctx.log,
    intervalMs: config.AUDITOR_VERIFY_SCHEDULE_INTERVAL,
    callsPerMinute: config.BOX_CALLS_PER_MINUTE,
  });
  const setRunsJob = {
    name: 'verification-set-runs',
    start() {},
    stop: () => sets.stop(),
  };

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
    jobs: [
      checkpoints.job,
      cosignatureJob,
      baselines.job,
      rechecks.job,
      ...(schedule.job ? [schedule.job] : []),
      setRunsJob,
    ],
    registerRoutes(app) {
      registerLedgerRoutes(app, api, ledgerStatus);
      registerInternalLedgerRoutes(app, client);
      registerVerificationRoutes(app, {
        db,
        verifier: files,
        store,
        access,
        bundles,
        searchRateLimit: config.AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE,
      });
      registerSetVerificationRoutes(app, { db, sets, store, access, concurrency });
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
  const verification: Verification = {
    db,
    store,
    prover,
    files,
    sets,
    access,
    bundles,
    baselineStore,
    baselines,
    rechecks,
    schedule,
  };
  return { module, client, ledger, verification };
}
