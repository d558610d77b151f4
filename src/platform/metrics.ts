/**
 * Prometheus metrics of one process. Names and labels are a contract (operations.md §2): alert rules,
 * dashboards and the telemetry contract test depend on them. Counters an alert watches are created
 * at 0 for their known label values at start-up, because `increase()` misses a series' first sample.
 * No label ever takes a user, file or path value.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type ComponentName, PROCESS_NAMES } from './service-names.ts';

export const VERIFICATION_RESULTS = [
  'INTACT',
  'CHANGED',
  'TAMPERED',
  'DELETED',
  'NOT_MONITORED',
  'UNVERIFIABLE',
  'PENDING',
] as const;
export const BOX_APPS = ['oauth', 'ccg'] as const;
const TRANSACTION_OUTCOMES = ['commit', 'rollback', 'error'] as const;

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(components: ComponentName[]) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const services = components.map((c) => PROCESS_NAMES[c]);

  const m = {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by service, method, route template and status.',
      labelNames: ['service', 'method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by service, method and route template.',
      labelNames: ['service', 'method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    dbPoolActive: new Gauge({
      name: 'db_pool_connections_active',
      help: 'Database connections in use.',
      labelNames: ['service'] as const,
      registers: [registry],
    }),
    dbPoolMax: new Gauge({
      name: 'db_pool_connections_max',
      help: 'Maximum database connections of the pool.',
      labelNames: ['service'] as const,
      registers: [registry],
    }),
    dbTransactions: new Counter({
      name: 'db_transactions_total',
      help: 'Database transactions by outcome (commit, rollback, error).',
      labelNames: ['service', 'outcome'] as const,
      registers: [registry],
    }),
    dbTransactionErrors: new Counter({
      name: 'db_transaction_errors_total',
      help: 'Database transactions that failed with an error.',
      labelNames: ['service'] as const,
      registers: [registry],
    }),
    dbClusterHealthy: new Gauge({
      name: 'db_cluster_healthy_nodes',
      help: 'Configured PostgreSQL nodes that answer.',
      registers: [registry],
    }),
    dbClusterExpected: new Gauge({
      name: 'db_cluster_expected_nodes',
      help: 'Configured PostgreSQL nodes.',
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: 'auditor_outbox_pending',
      help: 'Outbox messages not yet delivered to every subscriber.',
      labelNames: ['service'] as const,
      registers: [registry],
    }),
    outboxOldestAge: new Gauge({
      name: 'auditor_outbox_oldest_age_seconds',
      help: 'Age of the oldest undelivered outbox message (0 when none).',
      labelNames: ['service'] as const,
      registers: [registry],
    }),
    boxEventsIngested: new Counter({
      name: 'auditor_box_events_ingested_total',
      help: 'Box enterprise events stored (after de-duplication).',
      labelNames: ['org'] as const,
      registers: [registry],
    }),
    boxIngestLag: new Gauge({
      name: 'auditor_box_ingest_lag_seconds',
      help: 'Now minus created_at of the newest stored event, per organisation.',
      labelNames: ['org'] as const,
      registers: [registry],
    }),
    boxApiRequests: new Counter({
      name: 'auditor_box_api_requests_total',
      help: 'Box API requests by app and HTTP status (retries included).',
      labelNames: ['app', 'status'] as const,
      registers: [registry],
    }),
    ledgerTreeSize: new Gauge({
      name: 'auditor_ledger_tree_size',
      help: 'Leaves in the largest organisation log of this process.',
      registers: [registry],
    }),
    ledgerCheckpointAge: new Gauge({
      name: 'auditor_ledger_checkpoint_age_seconds',
      help: 'Age of the oldest latest-checkpoint among logs that have grown since it.',
      registers: [registry],
    }),
    witnessConsistencyFailures: new Counter({
      name: 'auditor_witness_consistency_failures_total',
      help: 'Checkpoints the witness refused (fork, rollback, bad proof or signature).',
      registers: [registry],
    }),
    verifications: new Counter({
      name: 'auditor_verifications_total',
      help: 'File verifications by result.',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    tamperDetected: new Counter({
      name: 'auditor_tamper_detected_total',
      help: 'Verifications that found tampering.',
      registers: [registry],
    }),
    // Database health (src/ops/db-stats-collector.ts).
    dbDeadTuples: new Gauge({
      name: 'auditor_db_dead_tuples',
      help: "n_dead_tup per table of the process's own schemas (pg_stat_user_tables).",
      labelNames: ['schema', 'table'] as const,
      registers: [registry],
    }),
    dbReplicaLag: new Gauge({
      name: 'auditor_db_replica_lag_seconds',
      help: 'Replay lag of the slowest standby (pg_stat_replication); needs pg_monitor.',
      registers: [registry],
    }),
    dbLongRunningQueries: new Gauge({
      name: 'auditor_db_long_running_queries',
      help: 'Queries running for more than 5 minutes (pg_stat_activity); needs pg_monitor.',
      registers: [registry],
    }),
  };

  for (const service of services) {
    for (const outcome of TRANSACTION_OUTCOMES) m.dbTransactions.inc({ service, outcome }, 0);
    m.dbTransactionErrors.inc({ service }, 0);
    m.outboxPending.set({ service }, 0);
    m.outboxOldestAge.set({ service }, 0);
  }
  // Every service may call Box (sign-in, ingestion, enrichment, verification).
  if (components.some((c) => c !== 'gateway' && c !== 'witness')) {
    for (const app of BOX_APPS) for (const status of ['200', '429']) m.boxApiRequests.inc({ app, status }, 0);
  }
  if (components.includes('verification')) {
    for (const result of VERIFICATION_RESULTS) m.verifications.inc({ result }, 0);
    m.tamperDetected.inc(0);
    m.ledgerTreeSize.set(0);
    m.ledgerCheckpointAge.set(0);
  }
  if (components.includes('witness')) m.witnessConsistencyFailures.inc(0);
  return m;
}
