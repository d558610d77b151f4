/**
 * GET /api/v1/ops/overview (audit admins; product.md §6): the operations overview in one answer —
 * the event service's ingestion status and events per day, the verification service's log,
 * checkpoint and witness status, and the SLO summary — each asked of the service that owns it
 * (over HTTP in distributed mode). A part whose service does not answer is null and named in
 * `unavailable`, so an overview still shows what it can while one service is down.
 */
import { z } from 'zod';
import { userOf } from '../../platform/http/authenticate.ts';
import { ADMIN_ONLY } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import { ingestStatusSchema } from '../event/event-schemas.ts';
import { ledgerStatusSchema } from '../verification/ledger-schemas.ts';
import { type SloSummary, sloSummarySchema } from './slo-routes.ts';

const PARTS = ['events', 'ledger', 'slo'] as const;

const overviewSchema = z.object({
  at: z.string(),
  events: ingestStatusSchema.nullable(),
  ledger: ledgerStatusSchema.nullable(),
  slo: sloSummarySchema.nullable(),
  unavailable: z.array(z.enum(PARTS)),
});

export function registerOverviewRoute(
  app: App,
  d: {
    clients: Pick<ServiceClients, 'event' | 'verification'>;
    slo: () => Promise<SloSummary>;
    now: () => Date;
  },
): void {
  app.get(
    '/api/v1/ops/overview',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags: ['operations'],
        summary: 'Ingestion, events per day, log and witness status and SLOs in one answer (audit admins)',
        response: { 200: overviewSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const { orgId } = userOf(request);
      const settled = await Promise.allSettled([
        d.clients.event().ingestStatus(orgId),
        d.clients.verification().ledgerStatus(orgId),
        d.slo(),
      ]);
      const unavailable: (typeof PARTS)[number][] = [];
      const [events, ledger, slo] = settled.map((r, i) => {
        if (r.status === 'fulfilled') return r.value;
        request.log.warn({ err: (r.reason as Error).message, part: PARTS[i] }, 'overview part unavailable');
        unavailable.push(PARTS[i]!);
        return null;
      }) as [
        z.infer<typeof ingestStatusSchema> | null,
        z.infer<typeof ledgerStatusSchema> | null,
        SloSummary | null,
      ];
      return { at: d.now().toISOString(), events, ledger, slo, unavailable };
    },
  );
}
