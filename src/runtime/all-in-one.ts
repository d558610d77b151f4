/**
 * All-in-one mode: one process hosts the gateway and the five services on one database, calling each
 * other through in-process clients. The default of `npm start` and of the tests.
 */
import type { DestinationStream } from 'pino';
import { MIGRATION_SETS } from '../migration-sets.ts';
import { registerMaintenanceSwitch } from '../ops/maintenance-switch.ts';
import {
  type AdminCommandHandler,
  type AdminSocketServer,
  startAdminSocket,
} from '../platform/admin-socket.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { adminSocketPath } from '../platform/data-dir-lock.ts';
import { migrationStatus } from '../platform/db/migrator.ts';
import type { App } from '../platform/http/server.ts';
import type { MessageReceiver } from '../platform/messaging/receiver.ts';
import type { Platform } from '../platform/service-module.ts';
import { SERVICES, type ServiceName } from '../platform/service-names.ts';
import { shutdownTracing } from '../platform/tracing.ts';
import { eventAdminCommands } from '../services/event/backfill-admin.ts';
import {
  reconcileAdminCommands,
  verificationAdminCommands,
} from '../services/verification/verification-admin.ts';
import { type BoxOverrides, createProcessBox } from './box-settings.ts';
import { inProcessClients } from './clients.ts';
import { openProcessDatabase } from './database-setup.ts';
import { createInProcessDelivery } from './delivery.ts';
import { createProcessApp, type RouteEntry } from './http-app.ts';
import { createProcessBasics } from './process-basics.ts';
import { createServices, modulesOf, type Services } from './services.ts';
import { onShutdownSignals } from './shutdown.ts';
import { createLocalVerifier } from './verifiers.ts';
import { registerWebUi } from './web-ui.ts';

export interface AllInOneOptions {
  config: Config;
  clock?: Clock;
  logDestination?: DestinationStream;
  /** Install SIGTERM/SIGINT handlers (the CLI does; tests don't). */
  handleSignals?: boolean;
  /** In-memory embedded database, for tests without a server. */
  memoryDatabase?: boolean;
  /** Don't start relays and background jobs (tests drive them by hand). */
  startBackground?: boolean;
  /** Box settings or test hooks instead of configuration. */
  box?: BoxOverrides;
  /** Runs after everything else has shut down (e.g. the demo's local Box). */
  onClosed?: () => Promise<void>;
}

export interface RunningAllInOne {
  url: string;
  port: number;
  app: App;
  platform: Platform;
  services: Services;
  routes: RouteEntry[];
  adminCommands: Record<string, AdminCommandHandler>;
  /** Delivers every pending outbox message (tests). */
  drainOutboxes(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startAllInOne(o: AllInOneOptions): Promise<RunningAllInOne> {
  const { config } = o;
  const basics = createProcessBasics({
    config,
    components: [...SERVICES, 'witness', 'gateway'],
    processName: 'gateway',
    clock: o.clock,
    logDestination: o.logDestination,
  });
  const db = await openProcessDatabase({
    config,
    dataDir: basics.dataDir,
    processName: 'gateway',
    metrics: basics.metrics,
    logger: basics.logger,
    migrations: MIGRATION_SETS,
    migrate: config.AUDITOR_AUTO_MIGRATE,
    memory: o.memoryDatabase,
  });
  const receivers: Partial<Record<ServiceName, MessageReceiver>> = {};
  let services: Services = {};
  const platform: Platform = {
    ...basics,
    pool: db.pool,
    mode: 'all-in-one',
    deliver: createInProcessDelivery(() => receivers),
    clients: inProcessClients(() => services),

    box: createProcessBox(basics, o.box),
  };
  services = await createServices(platform, [...SERVICES]);
  const modules = modulesOf(services);
  for (const m of modules) if (m.receiver) receivers[m.name] = m.receiver;
  const identity = services.identity!;

  const verifier = createLocalVerifier(identity, {
    config,
    clock: basics.clock,
    secret: basics.serviceSecret,
    issuer: basics.publicUrl,
  });
  const readiness = {
    database: () => db.pool.ping(),
    migrations: async () => {
      const statuses = await migrationStatus(db.pool.db, MIGRATION_SETS);
      const behind = statuses.filter((s) => !s.current).map((s) => s.service);
      if (behind.length > 0) throw new Error(`not current: ${behind.join(', ')}`);
    },
    ...Object.assign({}, ...modules.map((m) => m.readiness ?? {})),
  };
  const processApp = await createProcessApp({
    processName: 'gateway',
    config,
    logger: basics.logger,
    metrics: basics.metrics,
    verifier,
    readiness,
    maintenance: basics.maintenance.enabled,
    docsUi: true,
    corsOrigin: config.AUDITOR_CORS_ORIGIN ?? new URL(basics.publicUrl).origin,
  });
  for (const m of modules) await processApp.registerModule(m);
  registerMaintenanceSwitch(processApp.app, basics.maintenance, basics.serviceSecret);
  const app = processApp.app;
  const webUi = await registerWebUi(app);
  await app.listen({ port: config.PORT, host: config.AUDITOR_HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.AUDITOR_HOST === '0.0.0.0' ? '127.0.0.1' : config.AUDITOR_HOST}:${port}`;
  basics.logger.info({ url, mode: 'all-in-one', database: db.pool.kind, webUi }, 'server listening');

  if (o.startBackground !== false) {
    for (const m of modules) await m.start();
    services.witness?.start();
  }

  const adminCommands: Record<string, AdminCommandHandler> = {
    'admin.bootstrap': (args) =>
      identity.admin.bootstrap(args as Parameters<typeof identity.admin.bootstrap>[0]),
    'admin.token': (args) => identity.admin.token(args as Parameters<typeof identity.admin.token>[0]),
    'migrate.status': () => migrationStatus(db.pool.db, MIGRATION_SETS),
    'ledger.audit': (args) => services.verification!.ledger.auditor.run(args.orgId as string | undefined),
    ...identity.ops.adminCommands,
    ...(services.event ? eventAdminCommands(services.event) : {}),
    ...verificationAdminCommands(
      services.verification!.verification,
      platform.clients,
      config.AUDITOR_VERIFY_CONCURRENCY,
    ),
    ...(services.event ? reconcileAdminCommands(services.event, services.file) : {}),
    'maintenance.get': async () => ({ enabled: basics.maintenance.enabled() }),
    'maintenance.set': async (args) => {
      basics.maintenance.set(Boolean(args.enabled));
      return { enabled: basics.maintenance.enabled() };
    },
  };
  let adminSocket: AdminSocketServer | undefined;
  if (db.lock) adminSocket = await startAdminSocket(adminSocketPath(basics.dataDir), adminCommands);

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await app.close();
      const grace = config.AUDITOR_SHUTDOWN_GRACE_MS;
      await services.witness?.stop().catch(() => {});
      for (const m of [...modules].reverse()) await m.stop(grace).catch(() => {});
      await adminSocket?.close();
      await db.close();
      await o.onClosed?.();
      await shutdownTracing();
    })());
  const removeSignals = o.handleSignals
    ? onShutdownSignals(close, config.AUDITOR_SHUTDOWN_GRACE_MS, basics.logger)
    : () => {};

  return {
    url,
    port,
    app,
    platform,
    services,
    routes: processApp.routes,
    adminCommands,
    async drainOutboxes(timeoutMs = 10_000) {
      // Several rounds: a delivery can cause new messages in another service's outbox.
      for (let round = 0; round < 5; round++) {
        let delivered = false;
        for (const m of modules) if (m.relay && (await m.relay.runOnce())) delivered = true;
        if (!delivered) break;
      }
      for (const m of modules) await m.relay?.drain(timeoutMs);
    },
    async close() {
      removeSignals();
      await close();
    },
  };
}
