/**
 * Composition of the file service: the catalogue and version observations, enrichment of stored
 * events (queue + budgeted worker), the FileClient other services call, reconciliation with the
 * ledger, and the file and folder API with preview/download.
 */
import type { Config } from '../../platform/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import { createPublisher } from '../../platform/messaging/outbox.ts';
import { assembleModule } from '../../platform/module-kit.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import { createCatalogueRepository } from './catalogue-repository.ts';
import { registerContentRoutes } from './content-routes.ts';
import { createEnrichmentDrain, type EnrichmentDrain, type EnrichmentSettings } from './enrichment-drain.ts';
import { createEnrichmentIntake } from './enrichment-intake.ts';
import type { FileClient } from './file-client.ts';
import { registerFileRoutes } from './file-routes.ts';
import type { FileTables } from './file-tables.ts';
import { registerFolderRoutes } from './folder-routes.ts';
import { registerInternalFileRoutes } from './internal-routes.ts';
import { createItemAccess } from './item-access.ts';
import { createItemResolver } from './item-resolver.ts';
import { createItemViews } from './item-views.ts';
import { createLocalFileClient } from './local-file-client.ts';
import { createMetadataCache, type MetadataCache } from './metadata-cache.ts';
import { fileMigrations } from './migrations/index.ts';
import { createObservationReconciler, type ObservationReconciler } from './observation-reconciler.ts';
import { createObservations } from './observations.ts';
import { createOrgBoxes } from './org-boxes.ts';

export interface FileService {
  module: ServiceModule;
  client: FileClient;
  enrichment: EnrichmentDrain & { settings: EnrichmentSettings };
  reconciler: ObservationReconciler;
  cache: MetadataCache;
}

/** Catalogued ancestry is trusted this long for authorisation and scoping. */
export const ANCESTRY_FRESH_MS = 5 * 60_000;
/** Details are served from the metadata cache for this long (per viewer). */
export const METADATA_TTL_MS = 30_000;
export const ENRICHMENT_INTERVAL_MS = 5_000;
const RECONCILE_BATCH = 500;
/** Owners tried for an item not catalogued yet (each is one Box call). */
const MAX_TOP_OWNERS = 5;
/** Share of the Box budget (BOX_CALLS_PER_MINUTE) enrichment may use; the rest serves users. */
const ENRICHMENT_SHARE = 0.5;

export function enrichmentSettings(config: Pick<Config, 'BOX_CALLS_PER_MINUTE'>): EnrichmentSettings {
  return {
    callsPerTick: Math.max(
      2,
      Math.floor((config.BOX_CALLS_PER_MINUTE * ENRICHMENT_SHARE * ENRICHMENT_INTERVAL_MS) / 60_000),
    ),
    concurrency: 4,
    claimMs: 120_000,
    settleMs: 2_000,
    retryBaseMs: 30_000,
    retryMaxMs: 3_600_000,
  };
}

export async function createFileService(ctx: ServiceContext): Promise<FileService> {
  const database = ctx.database as Database<FileTables>;
  const db = database.db;
  const catalogue = createCatalogueRepository();
  const observations = createObservations(createPublisher('file'));
  const boxes = createOrgBoxes({ box: ctx.box, identity: () => ctx.clients.identity(), clock: ctx.clock });
  const cache = createMetadataCache({ ttlMs: METADATA_TTL_MS, maxEntries: 2000, clock: ctx.clock });
  const resolver = createItemResolver({ database, catalogue, clock: ctx.clock, freshMs: ANCESTRY_FRESH_MS });
  const client = createLocalFileClient({
    database,
    catalogue,
    observations,
    resolver,
    boxes,
    cache,
    clock: ctx.clock,
  });
  const settings = enrichmentSettings(ctx.config);
  const drain = createEnrichmentDrain({
    database,
    catalogue,
    observations,
    boxes,
    cache,
    clock: ctx.clock,
    log: ctx.log,
    settings,
  });
  const reconciler = createObservationReconciler({
    db,
    observations,
    verification: () => ctx.clients.verification(),
    log: ctx.log,
    batch: RECONCILE_BATCH,
  });
  const access = createItemAccess({
    resolver,
    boxes,
    identity: () => ctx.clients.identity(),
    audit: () => ctx.clients.audit(),
    async topOwners(orgId, tops) {
      const rows = await catalogue.get(
        db,
        orgId,
        tops.map((t) => ({ itemId: t.itemId, itemType: t.itemType })),
      );
      return [...new Set(rows.flatMap((r) => (r.owner_id ? [r.owner_id] : [])))].slice(0, MAX_TOP_OWNERS);
    },
  });
  const views = createItemViews(cache);
  const audit = () => ctx.clients.audit();

  const module = assembleModule(ctx, {
    name: 'file',
    migrations: fileMigrations,
    handlers: [createEnrichmentIntake({ clock: ctx.clock, settleMs: settings.settleMs })],
    jobs: [
      // Paced by the interval: a tick spends its budget and the next one waits, even with a backlog.
      createIntervalJob(
        'file-enrichment',
        ENRICHMENT_INTERVAL_MS,
        async (signal) => {
          await drain.tick(signal);
          return false;
        },
        ctx.log,
      ),
      createIntervalJob(
        'file-observation-reconciliation',
        30_000,
        async () => {
          // Straight on while a full batch found its leaves; otherwise the ledger is behind: wait.
          const pass = await reconciler.tick();
          return pass.looked === RECONCILE_BATCH && pass.reconciled > 0;
        },
        ctx.log,
      ),
    ],
    registerRoutes(app) {
      registerFileRoutes(app, { access, views, observations, db, audit });
      registerContentRoutes(app, { access, views, audit });
      registerFolderRoutes(app, { access, views, files: client, audit });
      registerInternalFileRoutes(app, client);
    },
  });
  return { module, client, enrichment: Object.assign(drain, { settings }), reconciler, cache };
}
