/** What the event service's parts depend on (assembled in event-module.ts). */
import type { BoxConnector } from '../../box/box-connector.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logging.ts';
import type { LeaseStore } from '../../platform/messaging/leases.ts';
import type { Publish } from '../../platform/messaging/outbox.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import type { EventStore } from './event-store.ts';
import type { EventTables } from './event-tables.ts';

export interface EventDeps {
  database: Database<EventTables>;
  store: EventStore;
  box: BoxConnector;
  clients: ServiceClients;
  publish: Publish;
  leases: LeaseStore;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
  config: Pick<
    Config,
    | 'AUDITOR_INGEST_POLL_INTERVAL'
    | 'AUDITOR_INGEST_LEASE_TTL'
    | 'AUDITOR_INGEST_PAGE_SIZE'
    | 'AUDITOR_INGEST_EVENT_TYPES'
    | 'BOX_WEBHOOK_PRIMARY_KEY'
    | 'BOX_WEBHOOK_SECONDARY_KEY'
  >;
  /** Identifies this process among the replicas competing for an organisation's lease. */
  instanceId: string;
}
