/** Composition of the event service: storage, ingestion, back-fill, search, export, webhooks. */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/db/database.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import { createLeaseStore } from '../../platform/messaging/leases.ts';
import { createPublisher } from '../../platform/messaging/outbox.ts';
import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import {
  BackfillBusyError,
  type BackfillProgress,
  type Backfills,
  createBackfills,
  toProgress,
} from './backfill.ts';
import type { EventClient } from './event-client.ts';
import type { EventDeps } from './event-deps.ts';
import { createEventFacts } from './event-facts.ts';
import { createEventReconciler, type EventReconciler } from './event-reconciler.ts';
import { registerEventRoutes } from './event-routes.ts';
import { createEventSearch } from './event-search.ts';
import { createEventStore } from './event-store.ts';
import type { EventTables } from './event-tables.ts';
import { createIngestStatus } from './ingest-status.ts';
import { createIngester, type Ingester } from './ingester.ts';
import { registerEventInternalRoutes } from './internal-routes.ts';
import { eventMigrations } from './migrations/index.ts';
import { registerWebhookRoutes } from './webhook-routes.ts';

const RECONCILE_BATCH = 500;

export interface EventService {
  module: ServiceModule;
  client: EventClient;
  ingester: Ingester;
  backfills: Backfills;
  /** Reconciliation of stored events with the ledger (incremental job, full audit). */
  reconciler: EventReconciler;
  /**
   * Starts (or finds the unfinished) back-fill of the range and runs it in the background of this
   * process, unless it already runs here; returns its progress at once (the admin socket's command).
   */
  backfillInBackground(orgId: string, from: Date, to: Date): Promise<BackfillProgress>;
  deps: EventDeps;
}

export async function createEventService(ctx: ServiceContext): Promise<EventService> {
  const database = ctx.database as Database<EventTables>;
  const store = createEventStore(database.db);
  const deps: EventDeps = {
    database,
    store,
    box: ctx.box,
    clients: ctx.clients,
    publish: createPublisher('event'),
    leases: createLeaseStore(database.db, 'event'),
    clock: ctx.clock,
    metrics: ctx.metrics,
    log: ctx.log,
    config: ctx.config,
    instanceId: `${ctx.processName}:${process.pid}:${randomUUID().slice(0, 8)}`,
  };
  const backfills = createBackfills(deps);
  const backfillJob = createIntervalJob(
    'event-backfills',
    30_000,
    (signal) => backfills.resumePending(signal),
    ctx.log,
  );
  const ingestEnabled = ctx.config.AUDITOR_INGEST_ENABLED;
  /** Background ingestion runs here: the module started, with AUDITOR_INGEST_ENABLED. */
  let ingesting = false;
  const ingester = createIngester(deps, backfills, () => {
    if (ingesting) void backfillJob.runNow();
  });
  const search = createEventSearch(store, () => ctx.clock.now());
  const ingestJob = createIntervalJob(
    'event-ingester',
    ctx.config.AUDITOR_INGEST_POLL_INTERVAL,
    (signal) => ingester.tick(signal),
    ctx.log,
  );

  const ingestStatus = createIngestStatus({
    db: database.db,
    store,
    leases: deps.leases,
    clock: ctx.clock,
    ingestEnabled,
    pollIntervalMs: ctx.config.AUDITOR_INGEST_POLL_INTERVAL,
  });
  const facts = {
    ...createEventFacts({ db: database.db, store, search, clients: ctx.clients }),
    ingestStatus: (orgId: string) => ingestStatus.status(orgId),
  };
  const client: EventClient = {
    async leafTexts(orgId, eventIds) {
      return (await store.leafTexts(orgId, eventIds)).map((r) => ({ eventId: r.event_id, text: r.raw }));
    },
    ...facts,
  };
  const reconciler = createEventReconciler({
    db: database.db,
    verification: () => ctx.clients.verification(),
    log: ctx.log,
    batch: RECONCILE_BATCH,
  });
  const reconcileJob = createIntervalJob(
    'event-reconciliation',
    30_000,
    async () => {
      // Straight on while a full batch found its leaves; otherwise the ledger is behind: wait.
      const pass = await reconciler.tick();
      return pass.reconciled > 0 && pass.looked >= RECONCILE_BATCH;
    },
    ctx.log,
  );

  const module = assembleModule(ctx, {
    name: 'event',
    migrations: eventMigrations,
    jobs: ingestEnabled ? [ingestJob, backfillJob, reconcileJob] : [reconcileJob],
    registerRoutes(app) {
      registerEventRoutes(app, {
        search,
        store,
        ingestStatus,
        searchRateLimit: ctx.config.AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE,
        clients: ctx.clients,
      });
      registerEventInternalRoutes(app, facts);
      registerWebhookRoutes(app, {
        keys: () => ctx.box.settings.webhookKeys ?? {},
        clock: ctx.clock,
        // Only where ingestion runs: a replica with AUDITOR_INGEST_ENABLED=false must not poll Box.
        onDelivery: () => {
          if (ingesting) void ingestJob.runNow();
        },
      });
    },
  });
  // Lag and ingested-events series exist from start-up for every organisation already known.
  const start = module.start;
  const stop = module.stop;
  module.start = async () => {
    await ingester.refreshLag().catch(() => {});
    await start();
    ingesting = ingestEnabled;
  };
  module.stop = async (graceMs) => {
    ingesting = false;
    background.abort();
    await Promise.allSettled(backgroundRuns);
    await stop(graceMs);
  };

  // Back-fills started through the admin socket: they stop (resumable) when the process stops.
  const background = new AbortController();
  const backgroundRuns = new Set<Promise<unknown>>();
  async function backfillInBackground(orgId: string, from: Date, to: Date): Promise<BackfillProgress> {
    const row = await backfills.start(orgId, from, to);
    if (row.status === 'running' && !backfills.runningHere(row.id) && !background.signal.aborted) {
      const run = backfills
        .run(row.id, undefined, background.signal)
        .catch((err) => {
          if (err instanceof BackfillBusyError) return;
          ctx.log.warn({ org: orgId, backfill: row.id, err: (err as Error).message }, 'back-fill failed');
        })
        .finally(() => backgroundRuns.delete(run));
      backgroundRuns.add(run);
    }
    return toProgress(row);
  }

  return { module, client, ingester, backfills, reconciler, backfillInBackground, deps };
}
