/**
 * The witness alone (`auditor serve witness`), as architecture.md §7 wants it: its own process,
 * its own key, its own store (AUDITOR_WITNESS_DATABASE_URL, else the main PostgreSQL's `witness`
 * schema), reading the ledger only through the public API with API tokens (AUDITOR_WITNESS_TOKEN,
 * one per organisation, comma-separated) at AUDITOR_VERIFICATION_URL or else the gateway
 * (AUDITOR_PUBLIC_URL). It serves /metrics, health, and its public key and cosignatures.
 */
import type { DestinationStream } from 'pino';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { migrationStatus } from '../platform/db/migrator.ts';
import { registerOpsRoutes } from '../platform/http/ops-routes.ts';
import { type App, createHttpServer } from '../platform/http/server.ts';
import { PROCESS_NAMES } from '../platform/service-names.ts';
import { shutdownTracing } from '../platform/tracing.ts';
import { createHttpLedgerSource } from '../services/witness/ledger-source.ts';
import { WITNESS_MIGRATION_SET } from '../services/witness/migrations/index.ts';
import { createWitnessComponent, type WitnessComponent } from '../services/witness/witness-component.ts';
import { registerWitnessRoutes } from '../services/witness/witness-routes.ts';
import { openProcessDatabase } from './database-setup.ts';
import { createProcessBasics } from './process-basics.ts';
import { onShutdownSignals } from './shutdown.ts';

export interface RunningWitness {
  url: string;
  port: number;
  app: App;
  witness: WitnessComponent;
  close(): Promise<void>;
}

/** AUDITOR_WITNESS_TOKEN holds one API token per watched organisation, separated by commas. */
export function witnessTokens(config: Pick<Config, 'AUDITOR_WITNESS_TOKEN'>): string[] {
  return (config.AUDITOR_WITNESS_TOKEN ?? '')
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

export async function startWitnessProcess(o: {
  config: Config;
  clock?: Clock;
  logDestination?: DestinationStream;
  handleSignals?: boolean;
}): Promise<RunningWitness> {
  const { config } = o;
  const processName = PROCESS_NAMES.witness;
  const url = config.AUDITOR_WITNESS_DATABASE_URL ?? config.DATABASE_URL;
  if (!url)
    throw new Error('the witness needs PostgreSQL: set AUDITOR_WITNESS_DATABASE_URL (or DATABASE_URL)');
  const tokens = witnessTokens(config);
  if (tokens.length === 0)
    throw new Error(
      'the witness needs AUDITOR_WITNESS_TOKEN: an API token with the ledger:read and read scopes',
    );
  const basics = createProcessBasics({
    config,
    components: ['witness'],
    processName,
    clock: o.clock,
    logDestination: o.logDestination,
  });
  const sets = [WITNESS_MIGRATION_SET];
  const db = await openProcessDatabase({
    config,
    dataDir: basics.dataDir,
    url,
    processName,
    metrics: basics.metrics,
    logger: basics.logger,
    migrations: sets,
    migrate: config.AUDITOR_AUTO_MIGRATE,
  });
  const database = db.pool.forService(processName);
  const witness = createWitnessComponent({
    config,
    dataDir: basics.dataDir,
    clock: basics.clock,
    log: basics.logger,
    metrics: basics.metrics,
    database: { get: async () => database, close: async () => {} },
    source: createHttpLedgerSource({ baseUrl: config.AUDITOR_VERIFICATION_URL ?? basics.publicUrl, tokens }),
  });

  const app = await createHttpServer({
    processName,
    logger: basics.logger,
    metrics: basics.metrics,
    bodyLimit: config.AUDITOR_BODY_LIMIT,
    corsOrigin: undefined,
    rateLimitPerMinute: config.AUDITOR_RATE_LIMIT_PER_MINUTE,
    trustProxy: config.AUDITOR_TRUST_PROXY,
    title: 'Auditor for Box — witness',
  });
  registerOpsRoutes(app, basics.metrics, {
    database: () => db.pool.ping(),
    migrations: async () => {
      if ((await migrationStatus(db.pool.db, sets)).some((s) => !s.current))
        throw new Error('migrations not current');
    },
  });
  registerWitnessRoutes(app, witness.client);
  await app.listen({ port: config.PORT, host: config.AUDITOR_HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const listening = `http://${config.AUDITOR_HOST === '0.0.0.0' ? '127.0.0.1' : config.AUDITOR_HOST}:${port}`;
  basics.logger.info({ url: listening, mode: 'distributed', logs: tokens.length }, 'witness listening');
  witness.start();

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await app.close();
      await witness.stop();
      await db.close();
      await shutdownTracing();
    })());
  const remove = o.handleSignals
    ? onShutdownSignals(close, config.AUDITOR_SHUTDOWN_GRACE_MS, basics.logger)
    : () => {};
  return {
    url: listening,
    port,
    app,
    witness,
    async close() {
      remove();
      await close();
    },
  };
}
