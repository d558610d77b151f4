/**
 * The operations component: incident records (schema `ops`), the operations API and the SLO
 * summary (read from Prometheus). It has no process of its own: the identity service hosts it (two
 * lines in identity-module.ts), and its migrations are the `ops` set of src/migration-sets.ts,
 * applied wherever identity's are.
 */
import type { Database } from '../../platform/db/database.ts';
import type { App } from '../../platform/http/server.ts';
import type { ServiceContext } from '../../platform/service-module.ts';
import { incidentReport } from './incident-report.ts';
import { createIncidentStore, type IncidentStore } from './incident-store.ts';
import { registerOpsRoutes } from './ops-routes.ts';
import { registerOverviewRoute } from './overview-routes.ts';
import { createSloSummary, registerSloRoutes } from './slo-routes.ts';

export interface OpsComponent {
  incidents: IncidentStore;
  registerRoutes(app: App): void;
  /** Admin-socket commands (all-in-one on the embedded database). */
  adminCommands: Record<string, (args: Record<string, unknown>) => Promise<unknown>>;
}

export function createOpsComponent(
  ctx: Pick<ServiceContext, 'clock' | 'config' | 'maintenance' | 'clients'> & { database: Database },
): OpsComponent {
  const now = () => ctx.clock.now();
  const incidents = createIncidentStore(ctx.database, now);
  return {
    incidents,
    registerRoutes(app) {
      registerOpsRoutes(app, {
        store: incidents,
        maintenance: () => ctx.maintenance.enabled(),
        alertmanagerToken: ctx.config.AUDITOR_ALERTMANAGER_TOKEN,
        now,
      });
      const slo = createSloSummary({ prometheusUrl: ctx.config.AUDITOR_PROMETHEUS_URL, now });
      registerSloRoutes(app, slo);
      registerOverviewRoute(app, { clients: ctx.clients, slo, now });
    },
    adminCommands: {
      'ops.incidents': async (args) =>
        incidentReport(await loadIncidentFacts(incidents), now(), args.month as string | undefined),
    },
  };
}

export async function loadIncidentFacts(store: IncidentStore) {
  return (await store.list({ limit: 1_000_000 })).map((r) => ({
    level: r.level,
    detectedAt: new Date(r.detected_at),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
    acknowledgedAt: r.acknowledged_at ? new Date(r.acknowledged_at) : null,
    responseDueAt: new Date(r.response_due_at),
  }));
}
