/**
 * What a service contributes to a process: its migrations, routes (public under /api/v1 and internal
 * under /internal), message handlers, outbox relay and background jobs. The composition root
 * (src/main.ts) assembles modules into an all-in-one process or one service per process.
 */

import type { BoxConnector } from '../box/box-connector.ts';
import type { AuditClient } from '../services/audit/audit-client.ts';
import type { EventClient } from '../services/event/event-client.ts';
import type { FileClient } from '../services/file/file-client.ts';
import type { IdentityClient } from '../services/identity/identity-client.ts';
import type { VerificationClient } from '../services/verification/verification-client.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Database, DatabasePool } from './db/database.ts';
import type { MigrationSet } from './db/migrator.ts';
import type { ReadinessCheck } from './http/ops-routes.ts';
import type { App } from './http/server.ts';
import type { Logger } from './logging.ts';
import type { MessageReceiver } from './messaging/receiver.ts';
import type { Deliver, Relay } from './messaging/relay.ts';
import type { Metrics } from './metrics.ts';
import type { ServiceName } from './service-names.ts';

/** Clients of the other services (resolved at call time; see runtime/clients.ts). */
export interface ServiceClients {
  identity(): IdentityClient;
  audit(): AuditClient;
  file(): FileClient;
  event(): EventClient;
  verification(): VerificationClient;
}

export interface Platform {
  config: Config;
  clock: Clock;
  rootLogger: Logger;
  logger: Logger;
  metrics: Metrics;
  pool: DatabasePool;
  mode: 'all-in-one' | 'distributed';
  dataDir: string;
  /** Shared secret for service-to-service calls. */
  serviceSecret: string;
  /** Base URL of the gateway as users see it. */
  publicUrl: string;
  /** Delivery of outbox messages to their subscribers (in-process or HTTP). */
  deliver: Deliver;
  clients: ServiceClients;
  /** The way into Box (src/box): real Box, or the local Box in demo and tests. */
  box: BoxConnector;
  /** Maintenance mode switch (writes answer 503). */
  maintenance: { enabled(): boolean; set(on: boolean): void };
}

export interface ServiceContext extends Platform {
  database: Database;
  /** The process name of this service (`identity-service`, ...) used in logs and metrics. */
  processName: string;
  log: Logger;
}

export interface ServiceModule {
  name: ServiceName;
  processName: string;
  migrations: MigrationSet;
  registerRoutes(app: App): void | Promise<void>;
  receiver?: MessageReceiver | undefined;
  relay?: Relay | undefined;
  readiness?: Record<string, ReadinessCheck> | undefined;
  /** Starts background work (relay, loops). */
  start(): Promise<void>;
  /** Stops background work, flushing the outbox within `graceMs`. */
  stop(graceMs: number): Promise<void>;
}
