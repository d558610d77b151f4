/** One service in its own process (distributed mode). */
import type { DestinationStream } from 'pino';
import { migrationSetsFor } from '../migration-sets.ts';
import { registerMaintenanceSwitch } from '../ops/maintenance-switch.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { migrationStatus } from '../platform/db/migrator.ts';
import type { App } from '../platform/http/server.ts';
import type { Platform } from '../platform/service-module.ts';
import { PROCESS_NAMES, type ServiceName } from '../platform/service-names.ts';
import { shutdownTracing } from '../platform/tracing.ts';
import { createProcessBox } from './box-settings.ts';
import { httpClients } from './clients.ts';
import { openProcessDatabase } from './database-setup.ts';
import { createHttpDelivery } from './delivery.ts';
import { createProcessApp } from './http-app.ts';
import { createProcessBasics } from './process-basics.ts';
import { createServices, modulesOf, type Services } from './services.ts';
import { onShutdownSignals } from './shutdown.ts';
import { createLocalVerifier, createRemoteVerifier } from './verifiers.ts';

export interface ServiceProcessOptions {
  service: ServiceName;
  config: Config;
  clock?: Clock;
  logDestination?: DestinationStream;
  handleSignals?: boolean;
}

export interface RunningService {
  url: string;
  port: number;
  app: App;
  services: Services;
  platform: Platform;
  close(): Promise<void>;
}

export async function startServiceProcess(o: ServiceProcessOptions): Promise<RunningService> {
  const { config, service } = o;
  const processName = PROCESS_NAMES[service];
  if (!config.DATABASE_URL)
    throw new Error(
      'distributed mode needs PostgreSQL: set DATABASE_URL (the embedded database is single-process)',
    );
  if (!config.AUDITOR_SERVICE_SECRET)
    throw new Error('distributed mode needs AUDITOR_SERVICE_SECRET, shared by all services');
  const basics = createProcessBasics({
    config,
    components: [service],
    processName,
    clock: o.clock,
    logDestination: o.logDestination,
  });
  const sets = migrationSetsFor([service], { withHosted: true });
  const db = await openProcessDatabase({
    config,
    dataDir: basics.dataDir,
    processName,
    metrics: basics.metrics,
    logger: basics.logger,
    migrations: sets,
    migrate: config.AUDITOR_AUTO_MIGRATE,
  });
  const platform: Platform = {
    ...basics,
    pool: db.pool,
    mode: 'distributed',
    deliver: createHttpDelivery(config, basics.serviceSecret, processName),
    clients: httpClients(config, basics.serviceSecret, processName),

    box: createProcessBox(basics),
  };
  const services = await createServices(platform, [service]);
  const modules = modulesOf(services);
  const verifierOptions = {
    config,
    clock: basics.clock,
    secret: basics.serviceSecret,
    issuer: basics.publicUrl,
    logger: basics.logger,
  };
  let revocationJob: { start(): void; stop(): Promise<void> } | undefined;
  let verifier: ReturnType<typeof createLocalVerifier>;
  if (services.identity) {
    verifier = createLocalVerifier(services.identity, verifierOptions);
  } else {
    if (!config.AUDITOR_IDENTITY_URL)
      throw new Error('set AUDITOR_IDENTITY_URL so this service can verify callers');
    const remote = createRemoteVerifier(
      config.AUDITOR_IDENTITY_URL,
      platform.clients.identity(),
      verifierOptions,
    );
    verifier = remote.verifier;
    revocationJob = remote.revocationJob;
  }
  const processApp = await createProcessApp({
    processName,
    config,
    logger: basics.logger,
    metrics: basics.metrics,
    verifier,
    readiness: {
      database: () => db.pool.ping(),
      migrations: async () => {
        const behind = (await migrationStatus(db.pool.db, sets)).filter((s) => !s.current);
        if (behind.length > 0) throw new Error('migrations not current');
      },
      ...Object.assign({}, ...modules.map((m) => m.readiness ?? {})),
    },
    maintenance: basics.maintenance.enabled,
    docsUi: false,
    corsOrigin: config.AUDITOR_CORS_ORIGIN ?? new URL(basics.publicUrl).origin,
  });
  for (const m of modules) await processApp.registerModule(m);
  registerMaintenanceSwitch(processApp.app, basics.maintenance, basics.serviceSecret);
  const app = processApp.app;
  await app.listen({ port: config.PORT, host: config.AUDITOR_HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.AUDITOR_HOST === '0.0.0.0' ? '127.0.0.1' : config.AUDITOR_HOST}:${port}`;
  basics.logger.info({ url, mode: 'distributed' }, 'server listening');
  revocationJob?.start();
  for (const m of modules) await m.start();

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await app.close();
      await revocationJob?.stop();
      for (const m of modules) await m.stop(config.AUDITOR_SHUTDOWN_GRACE_MS).catch(() => {});
      await db.close();
      await shutdownTracing();
    })());
  const remove = o.handleSignals
    ? onShutdownSignals(close, config.AUDITOR_SHUTDOWN_GRACE_MS, basics.logger)
    : () => {};
  return {
    url,
    port,
    app,
    services,
    platform,
    async close() {
      remove();
      await close();
    },
  };
}
