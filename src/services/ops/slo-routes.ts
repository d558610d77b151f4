/**
 * GET /api/v1/ops/slo (audit admins): the SLO summary of `auditor ops slo` — each SLO's 30-day SLI,
 * objective, remaining error budget and the budget policy — read from the Prometheus at
 * AUDITOR_PROMETHEUS_URL. Without one the answer says so (`configured: false`): the product keeps
 * no SLO history of its own, and a page must never show numbers nobody measured.
 */
import { z } from 'zod';
import { createPrometheusClient } from '../../ops/prometheus-client.ts';
import { sloReport } from '../../ops/slo-report.ts';
import { serviceUnavailable } from '../../platform/errors.ts';
import { ADMIN_ONLY } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';

/** An operations page waits this long at most; Prometheus answers recorded series in milliseconds. */
const PROMETHEUS_TIMEOUT_MS = 10_000;

const sloLineSchema = z.object({
  slo: z.string(),
  service: z.string(),
  objective: z.number().nullable(),
  sli: z.number().nullable(),
  errorRatio: z.number().nullable(),
  budgetRemaining: z.number().nullable(),
  budgetMinutesLeft: z.number().nullable(),
  budgetMinutesTotal: z.number().nullable(),
  policy: z.enum(['normal', 'feature-freeze', 'incidents-only', 'service-freeze', 'unknown']),
});

export const sloSummarySchema = z.discriminatedUnion('configured', [
  z.object({ configured: z.literal(false) }),
  z.object({ configured: z.literal(true), at: z.string(), slos: z.array(sloLineSchema) }),
]);

export type SloSummary = z.infer<typeof sloSummarySchema>;

/**
 * The SLO summary now: `configured: false` without a Prometheus, else every SLO's line; throws
 * PROMETHEUS_UNAVAILABLE (503) when Prometheus does not answer.
 */
export function createSloSummary(d: { prometheusUrl: string | undefined; now: () => Date }) {
  const prometheus = d.prometheusUrl
    ? createPrometheusClient(d.prometheusUrl, PROMETHEUS_TIMEOUT_MS)
    : undefined;
  return async (): Promise<SloSummary> => {
    if (!prometheus) return { configured: false as const };
    const at = d.now();
    try {
      return { configured: true as const, at: at.toISOString(), slos: await sloReport(prometheus, at) };
    } catch (err) {
      throw serviceUnavailable('PROMETHEUS_UNAVAILABLE', { cause: err });
    }
  };
}

export function registerSloRoutes(app: App, summary: () => Promise<SloSummary>): void {
  app.get(
    '/api/v1/ops/slo',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags: ['operations'],
        summary: 'SLO summary from Prometheus (30-day SLI, objective, error budget), or configured: false',
        response: { 200: sloSummarySchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        return await summary();
      } catch (err) {
        request.log.warn({ err: (err as Error).message }, 'SLO summary: Prometheus did not answer');
        throw err;
      }
    },
  );
}
